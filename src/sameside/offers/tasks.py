"""Offers' chore: the customer told before an offer expires (once), and the offer expired when its time is up."""

from __future__ import annotations

from sameside.jobs.registry import task
from sameside.jobs.run import Run
from sameside.offers.service import settle_due

SETTLE = "offers.settle"


@task(SETTLE)
def settle(run: Run) -> bool:
    with run.unit_of_work() as session:
        return settle_due(session) > 0
