"""Service levels' jobs: warn before a target falls due and record a breach when it does (each once); retime the
open cases after their policy or the business's hours change."""

from __future__ import annotations

from sameside.cases.service_levels.service import RETIME, retime
from sameside.cases.service_levels.watch import watch
from sameside.jobs.registry import task
from sameside.jobs.run import Run
from sameside.jobs.service import enqueue

WATCH = "service_levels.watch"


@task(WATCH)
def watch_due(run: Run) -> bool:
    with run.unit_of_work() as session:
        return watch(session) > 0


@task(RETIME)
def retime_open_cases(run: Run) -> bool:
    """One batch of open cases retimed, committed on its own; queued again from where it stopped until done."""
    team_id = run.payload.get("team_id")
    with run.unit_of_work() as session:
        last = retime(
            session, team_id=int(team_id) if team_id is not None else None, after=int(run.payload.get("after", 0))
        )
        if last is not None:
            enqueue(session, RETIME, **{**run.payload, "after": last})
    return True
