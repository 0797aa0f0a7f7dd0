"""Delivering queued mail (the `mail.deliver` task): retry what may pass later, stop at once on a refusal.

The job is claimed (and committed as running) before the message is handed
to the transport (`worker.transport`: SMTP, or the console), so no database
lock is held while a slow server answers. Then:

- accepted → the message is `sent` (a message carrying a credential has its
  stored copy erased);
- 4xx or a network failure → retried with backoff, the same bytes each time;
- 5xx → `failed` for good, and the case says "delivery failed" so a person
  can reach the customer another way.

If the worker dies mid-send its lease runs out and another worker sends the
same message again, with the same Message-ID: the customer's mail client
shows one message, and a duplicate is better than a loss.

The handler lives here, in the worker, rather than in `mail`: it records
failures on the case (`cases` stands above `mail`) and needs a transport.
"""

from __future__ import annotations

import logging

from sqlalchemy import update

from sameside.cases import service as cases
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs.run import Provided, Run
from sameside.kit import clock
from sameside.mail.models import OutboundMail, OutboundState
from sameside.mail.outbox import DELIVER
from sameside.worker.runner import Runner
from sameside.worker.transport import TRANSPORT, MailTransport, Refusal, transport_from

log = logging.getLogger(__name__)


def deliver(run: Run) -> bool:
    """Hand the queued message `outbound_id` to the transport and record what became of it."""
    outbound_id = int(run.payload["outbound_id"])
    with run.db.unit_of_work(write=False) as session:
        mail = session.get(OutboundMail, outbound_id, options=[])
        if mail is None or mail.state is not OutboundState.QUEUED or mail.raw is None:
            ready = None  # sent by a worker that died before settling the job, suppressed, or gone
        else:
            ready = (mail.sender, mail.recipient, mail.raw)
    if ready is None:
        return True  # nothing to send: the worker marks the job done
    try:
        run.need(TRANSPORT).send(*ready)
    except Refusal as refusal:
        _refused(run, outbound_id, refusal)
    else:
        _sent(run, outbound_id)
    return True


def _sent(run: Run, outbound_id: int) -> None:
    with run.unit_of_work() as session:
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


def _refused(run: Run, outbound_id: int, refusal: Refusal) -> None:
    error = f"{refusal.code} {refusal.message}"[:2000]
    log.warning("delivery of outbound mail %s: %s", outbound_id, error)
    with run.unit_of_work() as session:
        mail = session.get(OutboundMail, outbound_id)
        assert mail is not None
        mail.attempts += 1
        mail.last_error = error
        if not refusal.permanent and run.retry_later(session, error):
            return
        if refusal.permanent:
            run.fail(session, error)
        mail.state = OutboundState.FAILED
        mail.failed_at = clock.now()
        if mail.case_id:
            cases.record_delivery_failure(
                session, mail.case_id, recipient=mail.recipient, reason=error, outbound_id=mail.id, bounced=False
            )


class Deliverer:
    """Delivers queued mail one message at a time, as a worker does between its other jobs (tests, tools)."""

    def __init__(self, db: Database, settings: Settings, transport: MailTransport | None = None) -> None:
        provided = Provided().add(TRANSPORT, transport or transport_from(settings))
        self._runner = Runner(db, settings, provided)

    def deliver_next(self) -> bool:
        """Deliver one due message. Returns False when there was none."""
        return self._runner.run_next((DELIVER,))
