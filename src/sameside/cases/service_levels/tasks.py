"""Service levels' chore: warn before a target falls due, and record a breach when it does — each once."""

from __future__ import annotations

from sameside.cases.service_levels.watch import watch
from sameside.jobs.registry import task
from sameside.jobs.run import Run

WATCH = "service_levels.watch"


@task(WATCH)
def watch_due(run: Run) -> bool:
    with run.unit_of_work() as session:
        return watch(session) > 0
