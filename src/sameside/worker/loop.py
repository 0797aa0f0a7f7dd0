"""`sameside worker`: run queued jobs and the periodic chores, until told to stop.

Each round runs one due job — whatever its task: mail delivery, or anything
else enqueued — then the chores of the schedule that are due
(`worker.schedule`). Any number of workers may run, on one machine or
several: a job is claimed before it runs (see `jobs.queue`), so no message
is sent twice by two workers, and a worker killed mid-job is replaced when
its lease runs out.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterable
from types import FrameType

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs.registry import registry
from sameside.jobs.run import Provided
from sameside.kit import clock
from sameside.mailboxes.filing import Intake
from sameside.mailboxes.tasks import INTAKE
from sameside.worker.runner import Runner
from sameside.worker.schedule import SCHEDULE, Every, Timetable
from sameside.worker.transport import TRANSPORT, MailTransport, transport_from

log = logging.getLogger(__name__)


class Worker:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        intake: Intake,
        *,
        transport: MailTransport | None = None,
        schedule: Iterable[Every] = SCHEDULE,
    ) -> None:
        provided = Provided().add(INTAKE, intake).add(TRANSPORT, transport or transport_from(settings))
        self.runner = Runner(db, settings, provided)
        self.timetable = Timetable(schedule)
        registry.require(c.task for c in self.timetable.chores)  # a misspelt chore stops start-up
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
        """One round: a due job, then the due chores. Returns whether there was anything to do."""
        busy = False
        try:
            busy = self.runner.run_next()
        except Exception:
            log.exception("running a job failed; carrying on")
        now = clock.now()
        for chore in self.timetable.due(now):
            try:
                did = self.runner.run_chore(chore.task)
            except Exception:
                log.exception("chore %s failed; carrying on", chore.task)
                did = False
            self.timetable.ran(chore, now, busy=did)
            busy = busy or did
        return busy

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        self.stopping.set()
