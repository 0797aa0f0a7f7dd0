"""Running tasks by name: a queued job under its lease, or a scheduled chore.

The runner is the edge for jobs, as a request is for pages: it claims a job
and commits the claim before the handler starts (so no lock is held while a
handler talks to the network), and settles what the handler left unsettled —
done when it returned, retried with backoff when it raised.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs import queue
from sameside.jobs.registry import Registry, registry
from sameside.jobs.run import Claimed, Provided, Run
from sameside.jobs.service import REQUEST_ID
from sameside.kit import logs
from sameside.monitoring.metrics import JOBS_RUN

log = logging.getLogger(__name__)


class Runner:
    def __init__(self, db: Database, settings: Settings, provided: Provided, *, tasks: Registry = registry) -> None:
        self.db = db
        self.settings = settings
        self.provided = provided
        self.tasks = tasks

    def run_next(self, names: Iterable[str] | None = None) -> bool:
        """Run one due job (of these names; any registered task by default). Returns False when none was due."""
        names = tuple(names) if names is not None else self.tasks.names()
        self.tasks.require(names)
        with self.db.unit_of_work() as session:
            job = queue.claim(session, names, lease_seconds=self.settings.worker_lease_seconds)
            if job is None:
                return False
            claimed = Claimed(job.id, job.kind, job.attempts)
            payload = dict(job.payload)
        request_id = payload.pop(REQUEST_ID, None)
        run = Run(self.db, self.settings, self.provided, payload, claimed)
        # The job's lines carry the id of the request that enqueued it (a fresh one when none did).
        bound = logs.bind_request_id(logs.sane_request_id(request_id) or logs.new_request_id())
        try:
            return self._run(run, claimed)
        finally:
            logs.unbind_request_id(bound)

    def _run(self, run: Run, claimed: Claimed) -> bool:
        try:
            self.tasks.handler(claimed.name)(run)
        except Exception as exc:
            log.exception("job %s (%s), attempt %s, failed", claimed.id, claimed.name, claimed.attempts)
            JOBS_RUN.labels(claimed.name, "raised").inc()
            if not run.settled:
                with self.db.unit_of_work() as session:
                    queue.retry_later(session, claimed.id, claimed.attempts, f"{type(exc).__name__}: {exc}")
            return True
        if not run.settled:
            with self.db.unit_of_work() as session:
                queue.finish(session, claimed.id)
        JOBS_RUN.labels(claimed.name, "returned").inc()
        return True

    def run_chore(self, name: str) -> bool:
        """Run a scheduled chore now; returns whether it did anything. Its exceptions are the caller's."""
        return self.tasks.handler(name)(Run(self.db, self.settings, self.provided))
