"""Notifications by email (the `notifications.email` task): for the people who chose a kind, a short message.

`staff.notifications.notify` queues this job in the transaction that makes
the notification; here the message is composed and queued on the outbox
(`mail.outbox.queue`) in the transaction that ends the job, so a job run
twice after a lost lease still queues one message, and the outbox's own
`mail.deliver` job hands it to the transport the settings choose (SMTP, or
the console on a developer's machine), with the settings' From address.

The handler lives in the worker, not in `staff`: composing mail belongs to
`mail`, which stands above `staff`.
"""

from __future__ import annotations

from sameside.jobs.registry import task
from sameside.jobs.run import Run
from sameside.mail import outbox
from sameside.staff import notifications
from sameside.staff.models import Notification, Staff

SUBJECT_MAX = 120


@task(notifications.EMAIL_TASK)
def email_notification(run: Run) -> bool:
    """Email notification `notification_id` to its person, if they still want its kind and are still with us."""
    notification_id = int(run.payload["notification_id"])
    with run.unit_of_work() as session:
        row = session.get(Notification, notification_id)
        person = session.get(Staff, row.staff_id) if row is not None else None
        if row is None or person is None or not person.is_active:
            return True  # gone with its case, or its person left: nothing to tell
        if row.kind not in notifications.email_kinds(session, person.id):
            return True  # they changed their mind before the worker came to it
        base_url = run.settings.base_url.rstrip("/")
        label = notifications.KINDS.get(row.kind, row.kind.replace("_", " ").capitalize())
        cfg = outbox.config()
        outbox.queue(
            session,
            purpose="notification",
            envelope=outbox.Envelope(
                to_address=person.email,
                to_name=person.name,
                from_name=cfg.from_name,
                from_address=cfg.from_address,
            ),
            subject=f"{label}: {row.text}"[:SUBJECT_MAX],
            text=(
                f"{row.text}\n\n"
                f"Open it: {base_url}/desk/notifications/{row.id}/open\n\n"
                f"You get this because you chose to be told of “{label}” by email. "
                f"To change that, see {base_url}/desk/notifications#preferences."
            ),
            automatic="auto-generated",
        )
    return True
