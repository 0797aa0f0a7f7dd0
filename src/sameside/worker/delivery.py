"""Delivering queued mail: retry what may pass later, stop at once on a refusal.

A job is claimed (and committed as running) before the message is handed to
the transport (`worker.transport`: SMTP, or the console), so no database lock
is held while a slow server answers. Then:

- accepted → the message is `sent` (a message carrying a credential has its
  stored copy erased);
- 4xx or a network failure → retried with backoff, the same bytes each time;
- 5xx → `failed` for good, and the case says "delivery failed" so a person
  can reach the customer another way.

If the worker dies mid-send its lease runs out and another worker sends the
same message again, with the same Message-ID: the customer's mail client
shows one message, and a duplicate is better than a loss.
"""

from __future__ import annotations

import logging

from sqlalchemy import update

from sameside.cases import service as cases
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs import service as jobs
from sameside.kit import clock
from sameside.mail.models import OutboundMail, OutboundState
from sameside.mail.outbox import DELIVER
from sameside.worker.transport import MailTransport, Refusal, transport_from

log = logging.getLogger(__name__)


class Deliverer:
    def __init__(self, db: Database, settings: Settings, transport: MailTransport | None = None) -> None:
        self.db = db
        self.settings = settings
        self.transport = transport or transport_from(settings)

    def deliver_next(self) -> bool:
        """Deliver one due message. Returns False when there was none."""
        with self.db.unit_of_work() as session:
            job = jobs.claim(session, (DELIVER,), lease_seconds=self.settings.worker_lease_seconds)
            if job is None:
                return False
            job_id, attempts, outbound_id = job.id, job.attempts, int(job.payload["outbound_id"])
        with self.db.unit_of_work(write=False) as session:
            mail = session.get(OutboundMail, outbound_id, options=[])
            if mail is None or mail.state is not OutboundState.QUEUED or mail.raw is None:
                ready = None
            else:
                ready = (mail.sender, mail.recipient, mail.raw)
        if ready is None:
            with self.db.unit_of_work() as session:
                jobs.finish(session, job_id)
            return True
        try:
            self.transport.send(*ready)
        except Refusal as refusal:
            self._refused(job_id, attempts, outbound_id, refusal)
        else:
            self._sent(job_id, outbound_id)
        return True

    def _sent(self, job_id: int, outbound_id: int) -> None:
        with self.db.unit_of_work() as session:
            mail = session.get(OutboundMail, outbound_id)
            assert mail is not None
            values: dict[str, object] = {
                "state": OutboundState.SENT,
                "sent_at": clock.now(),
                "attempts": OutboundMail.attempts + 1,
                "last_error": None,
            }
            if mail.sensitive:
                values["raw"] = None
            session.execute(update(OutboundMail).where(OutboundMail.id == outbound_id).values(**values))
            jobs.finish(session, job_id)

    def _refused(self, job_id: int, attempts: int, outbound_id: int, refusal: Refusal) -> None:
        error = f"{refusal.code} {refusal.message}"[:2000]
        log.warning("delivery of outbound mail %s: %s", outbound_id, error)
        with self.db.unit_of_work() as session:
            mail = session.get(OutboundMail, outbound_id)
            assert mail is not None
            mail.attempts += 1
            mail.last_error = error
            if not refusal.permanent and jobs.retry_later(session, job_id, attempts, error):
                return
            if refusal.permanent:
                jobs.fail(session, job_id, error)
            mail.state = OutboundState.FAILED
            mail.failed_at = clock.now()
            if mail.case_id:
                cases.record_delivery_failure(
                    session, mail.case_id, recipient=mail.recipient, reason=error, outbound_id=mail.id, bounced=False
                )
