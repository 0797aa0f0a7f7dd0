"""Idempotency's chore: answers kept past their day are deleted."""

from __future__ import annotations

from sameside.idempotency.service import forget_expired
from sameside.jobs.registry import task
from sameside.jobs.run import Run

FORGET_EXPIRED = "idempotency.forget_expired"


@task(FORGET_EXPIRED)
def forget(run: Run) -> bool:
    with run.unit_of_work() as session:
        return forget_expired(session) > 0
