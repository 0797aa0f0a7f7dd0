"""Delivering queued mail (the `mail.deliver` task): retry what may pass later, stop at once on a refusal.

The job is claimed (and committed as running) before the message is handed
to the transport (`worker.transport`: SMTP, or the console), so no database
lock is held while a slow server answers. Then:

- accepted → the message is `sent`, in a short transaction of its own that
  commits before anything else happens — before the job is settled, before
  a log line, before the next message (a message carrying a credential has
  its stored copy erased in that same statement);
- 4xx or a network failure → retried with backoff, the same bytes each time;
- 5xx → `failed` for good, and the case says "delivery failed" so a person
  can reach the customer another way.

Delivery is at least once, and the window for a second copy is as small as
we can make it: from the relay's 250 after DATA to the commit that marks the
message sent. A worker killed in that window, or a database that stays
unreachable through `_mark_sent`'s retries, leaves the message queued; its
lease runs out and another worker sends it again, with the same Message-ID,
so the customer's mail client shows one message. Anything that fails after
the mark (settling the job, the next message) cannot resend it: a queued
message is the only kind ever handed to the transport. A duplicate is better
than a loss.

The handler lives here, in the worker, rather than in `mail`: it records
failures on the case (`cases` stands above `mail`) and needs a transport.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.exc import OperationalError

from sameside.cases import service as cases
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs.run import Provided, Run
from sameside.kit import clock
from sameside.mail.models import OutboundMail, OutboundState
from sameside.mail.outbox import DELIVER, mark_sent
from sameside.monitoring.metrics import MAIL_OUT
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
            ready = (mail.sender, mail.recipient, mail.raw, tuple(mail.cc or ()))
    if ready is None:
        return True  # nothing to send: the worker marks the job done
    try:
        sender, recipient, raw, cc = ready
        run.need(TRANSPORT).send(sender, recipient, raw, cc)
    except Refusal as refusal:
        _refused(run, outbound_id, refusal)
        return True
    _mark_sent(run, outbound_id)
    MAIL_OUT.labels("sent").inc()
    return True  # the worker settles the job in a transaction of its own, after the mark has committed


MARK_ATTEMPTS = 5


def _mark_sent(run: Run, outbound_id: int) -> None:
    """Commit `sent` at once; a database hiccup here is waited out, since giving up means sending again.

    The job is deliberately not settled in this transaction: a failure to
    settle it must not undo the mark (the worker retries the job, and the
    retry finds the message sent and sends nothing).
    """
    for attempt in range(1, MARK_ATTEMPTS + 1):
        try:
            with run.db.unit_of_work() as session:
                mark_sent(session, outbound_id)
            return
        except OperationalError:  # locked, timed out or disconnected: the relay has the message, so try again
            if attempt == MARK_ATTEMPTS:
                raise
            log.warning("outbound mail %s was accepted but not yet marked sent; trying again", outbound_id)
            time.sleep(0.2 * 2**attempt)


def _refused(run: Run, outbound_id: int, refusal: Refusal) -> None:
    error = f"{refusal.code} {refusal.message}"[:2000]
    log.warning("delivery of outbound mail %s: %s", outbound_id, error)
    with run.unit_of_work() as session:
        mail = session.get(OutboundMail, outbound_id)
        assert mail is not None
        mail.attempts += 1
        mail.last_error = error
        if not refusal.permanent and run.retry_later(session, error):
            MAIL_OUT.labels("held").inc()
            return
        MAIL_OUT.labels("failed").inc()
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
