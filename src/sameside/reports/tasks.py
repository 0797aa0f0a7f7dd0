"""The reports' chore: roll up the next stale day (today every minute, unsettled days every quarter hour)."""

from __future__ import annotations

from sameside.jobs.registry import task
from sameside.jobs.run import Run
from sameside.kit import clock
from sameside.reports import queries, service

ROLL_UP = "reports.roll_up"


@task(ROLL_UP)
def roll_up(run: Run) -> bool:
    """One day a round, read in a read transaction (no write lock held while reading), then stored.

    Busy while days are left, so a backlog (a first start over years of cases) drains at full speed.
    """
    now = clock.now()
    with run.db.unit_of_work(write=False) as session:
        days = queries.stale_days(session, now)
        if not days:
            return False
        day = days[0]
        facts = queries.day_facts(session, day, now)
    with run.unit_of_work() as session:
        service.store(session, day, facts, now)
    return True
