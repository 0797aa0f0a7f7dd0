"""The composition root: subscribes event handlers, loads every task, applies settings to the parts that need them.

Live updates (web issue) hook in here too.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sameside.audit import recorder as audit_recorder
from sameside.auth import tasks as auth_tasks
from sameside.business import service as business
from sameside.callbacks import tasks as callbacks_tasks
from sameside.callbacks.rules import parse_hours
from sameside.callbacks.service import Policy
from sameside.cases import contacts
from sameside.cases.repeats import service as repeats
from sameside.cases.replies.mailing import Reach
from sameside.cases.service_levels import service as service_levels
from sameside.cases.service_levels import tasks as service_levels_tasks
from sameside.cases.service_levels import watch as service_level_watch
from sameside.config import Settings
from sameside.consults import tasks as consults_tasks
from sameside.db.engine import Database
from sameside.feedback import service as feedback
from sameside.idempotency import tasks as idempotency_tasks
from sameside.incidents import active as active_incidents
from sameside.incidents import intake as incident_intake
from sameside.incidents import tasks as incidents_tasks
from sameside.kit.events import Event, bus
from sameside.kit.hours import Hours
from sameside.live.hub import Hub
from sameside.mail import outbox
from sameside.mail.blobs import BlobStore
from sameside.mailboxes import tasks as mailboxes_tasks
from sameside.offers import tasks as offers_tasks
from sameside.reports import tasks as reports_tasks
from sameside.surveys import service as surveys
from sameside.surveys import tasks as surveys_tasks
from sameside.webhooks import outbox as webhook_outbox
from sameside.worker import notices as notice_tasks
from sameside.worker import tasks as worker_tasks

if TYPE_CHECKING:
    from sameside.mailboxes.filing import Intake

# Every module that registers job handlers (`jobs.registry`), imported here so that any process that
# loads the wiring — server, CLI, worker — knows every task by name, and `enqueue` can refuse others.
TASKS = (
    auth_tasks,
    callbacks_tasks,
    consults_tasks,
    idempotency_tasks,
    incidents_tasks,
    mailboxes_tasks,
    notice_tasks,
    offers_tasks,
    reports_tasks,
    service_levels_tasks,
    surveys_tasks,
    worker_tasks,
)

_hub: Hub | None = None
_subscribed = False
# Domain events that change what a page shows, and who must hear of them.
LIVE_EVENTS = (
    "case.created",
    "case.message",
    "case.note",
    "case.assigned",
    "case.status",
    "case.customer",
    "case.delivery_failed",
    "case.mail_sent",
    "staff.notified",
)


def use_hub(hub: Hub | None) -> None:
    """Send committed changes to this hub (the server's, or a publish-only one in other processes)."""
    global _hub
    _hub = hub


def _to_live(event: Event) -> None:
    hub = _hub
    if hub is not None and event.name == "staff.notified":
        # Only the person notified hears of it: their open page refreshes its unread count, and a new one
        # is also said in words with its link (`notification`), for the desktop notification.
        topic = f"staff:{event.data['staff_id']}"
        hub.publish(topic, {"type": event.name})
        if event.data.get("text"):
            hub.publish(topic, {"type": "notification", "text": event.data["text"], "url": event.data.get("url")})
        return
    case_id = event.data.get("case_id")
    if hub is None or case_id is None:
        return
    message = {"type": event.name, "case": case_id}
    hub.publish("desk", message)  # every agent's queues
    # Internal changes reach staff only; the customer's page hears only of what they may see.
    hub.publish(f"case:{case_id}:staff" if event.name in ("case.note", "case.assigned") else f"case:{case_id}", message)


def wire(settings: Settings) -> None:
    """Apply settings process-wide. Safe to call again (tests build apps with different settings)."""
    global _subscribed
    contacts.listen(heard=incident_intake.heard, acknowledging=incident_intake.acknowledging)  # P11
    business.listen(clocks_changed=service_levels.retime_soon)  # edited hours retime the open cases
    audit_recorder.install()  # once per process: staff changes are written down in their own transaction
    webhook_outbox.install()  # once per process: webhook messages are recorded in the change's transaction
    webhook_outbox.configure(base_url=settings.base_url)
    if not _subscribed:
        for name in LIVE_EVENTS:
            bus.subscribe(name, _to_live)
        bus.subscribe("incident.changed", active_incidents.forget)  # other threads read the change at once
        _subscribed = True
    if settings.redis_url and _hub is None:
        use_hub(Hub(settings.redis_url))  # workers and listeners publish; servers replace it with their own
    outbox.configure(
        outbox.MailConfig(
            domain=settings.mail_domain,
            from_address=settings.mail_from,
            from_name=settings.mail_from_name,
            automatic_per_hour=settings.mail_automatic_per_hour,
            acknowledge=settings.mail_acknowledge,
        )
    )
    business.configure(settings)  # the environment's values apply until an admin saves the business's own
    service_levels.configure(
        reply_target_hours=settings.reply_target_hours,
        business_hours=settings.business_hours,
        business_timezone=settings.business_timezone,
    )
    service_level_watch.configure(warn_minutes=settings.service_level_warn_minutes)
    repeats.understand_with(alike_in_meaning)  # P12: the same problem in other words is still a repeat
    surveys.listen(answered=feedback.from_survey)  # P15: a survey comment reaches the team that had the case


def alike_in_meaning(text: str, others: Sequence[str]) -> list[float]:
    """How alike `text` is to each of `others` by the knowledge base's sentence embeddings (cosine, -1 … 1).

    `others` are a customer's recently resolved problems, asked about again at each new contact of
    theirs: their vectors are kept (a bounded cache), so a contact usually costs one embedding."""
    from sameside.knowledge import embedding  # the model loads on first use, in the processes that need it

    with _problem_vectors_lock:
        kept = {t: _problem_vectors[t] for t in others if t in _problem_vectors}
    missing = [t for t in dict.fromkeys(others) if t not in kept]
    fresh = embedding.encode([text, *missing])
    kept.update(zip(missing, fresh[1:], strict=True))
    with _problem_vectors_lock:
        _problem_vectors.update(zip(missing, fresh[1:], strict=True))
        while len(_problem_vectors) > _PROBLEM_VECTORS_KEPT:
            del _problem_vectors[next(iter(_problem_vectors))]  # the oldest kept first
    return [float(kept[other] @ fresh[0]) for other in others]


_PROBLEM_VECTORS_KEPT = 4096
_problem_vectors: dict[str, Any] = {}
_problem_vectors_lock = threading.Lock()


class LivePolicy:
    """The callback policy as the business's settings say at each use (an admin edits them in the admin centre)."""

    days = 7

    @property
    def hours(self) -> Hours:
        return business.latest().hours

    @property
    def minutes(self) -> int:
        return business.latest().callback_minutes


def callback_policy(settings: Settings, database: Database | None = None) -> Policy | LivePolicy:
    """Business hours and slot length; a malformed setting stops start-up with its reason.

    With the database: live, read from the business's settings (the environment's until an admin saves)."""
    hours = parse_hours(settings.business_hours, settings.business_timezone)
    if database is not None:
        business.use_database(database)
        return LivePolicy()
    return Policy(hours=hours, minutes=settings.callback_minutes)


def blob_store(settings: Settings) -> BlobStore:
    return BlobStore(settings.blob_dir)


def intake(db: Database, settings: Settings) -> Intake:
    from sameside.mailboxes.filing import Intake  # only the processes that take mail load the parsers

    return Intake(
        db,
        blob_store(settings),
        max_attachment_bytes=settings.mail_max_bytes,
        reach=reach(settings),
        authserv_id=settings.mail_authserv_id,
    )


def reach(settings: Settings) -> Reach:
    """How a customer reaches a person now, as every acknowledgement tells them (P1)."""
    return Reach(
        portal=f"{settings.base_url.rstrip('/')}/portal",
        phone=settings.support_phone,
        hours=parse_hours(settings.business_hours, settings.business_timezone),
        chat=settings.support_chat_url,
    )
