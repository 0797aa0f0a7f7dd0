"""Consults' chore: one past its due time is told, once, to the case's owner and to the department."""

from __future__ import annotations

from sameside.consults.service import flag_overdue_consults
from sameside.jobs.registry import task
from sameside.jobs.run import Run

FLAG_OVERDUE = "consults.flag_overdue"


@task(FLAG_OVERDUE)
def flag_overdue(run: Run) -> bool:
    with run.unit_of_work() as session:
        return flag_overdue_consults(session) > 0
