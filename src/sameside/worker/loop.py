"""`sameside worker`: deliver queued mail, file stored mail and flag what is late, until told to stop.

Any number of workers may run, on one machine or several: a job is claimed
before it runs (see `jobs.service`), so no message is sent twice by two
workers, and a worker killed mid-job is replaced when its lease runs out.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from sameside.callbacks.service import flag_missed
from sameside.config import Settings
from sameside.consults.service import flag_overdue_consults
from sameside.db.engine import Database
from sameside.mailboxes.filing import Intake
from sameside.worker.delivery import Deliverer
from sameside.worker.transport import MailTransport

log = logging.getLogger(__name__)


class Worker:
    def __init__(
        self, db: Database, settings: Settings, intake: Intake, *, transport: MailTransport | None = None
    ) -> None:
        self.deliverer = Deliverer(db, settings, transport)
        self.intake = intake
        self.poll_seconds = settings.worker_poll_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        log.info("worker started")
        while not self.stopping.is_set():
            if not self.run_once():
                self.stopping.wait(self.poll_seconds)
        log.info("worker stopped")

    def run_once(self) -> bool:
        """One round: a delivery, a batch of filing, and flagging late calls and consults.

        Returns whether there was anything to do.
        """
        busy = False
        try:
            busy = self.deliverer.deliver_next()
            busy = bool(self.intake.process_pending(limit=50)) or busy
            with self.intake.db.unit_of_work() as session:
                flag_missed(session)  # calls nobody made: on the case, for the owner and supervisors
                flag_overdue_consults(session)  # consults past due: the owner and the department, once
        except Exception:
            log.exception("worker round failed; carrying on")
        return busy

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        self.stopping.set()
