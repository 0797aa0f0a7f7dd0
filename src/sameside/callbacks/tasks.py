"""Booked calls' chore: a call nobody made is marked missed, and its case's owner and supervisors told."""

from __future__ import annotations

from sameside.callbacks.service import flag_missed
from sameside.jobs.registry import task
from sameside.jobs.run import Run

FLAG_MISSED = "callbacks.flag_missed"


@task(FLAG_MISSED)
def flag_missed_calls(run: Run) -> bool:
    with run.unit_of_work() as session:
        return flag_missed(session) > 0
