"""`enqueue`: the one way to ask for work to happen after a change commits.

Everyone enqueues through it, the mail outbox included: a job is a row
written in the caller's transaction, so it exists only if that transaction
commits, and a rollback takes it back. Its name must be registered
(`jobs.registry`), so a misspelt or forgotten name fails where it is
enqueued, not as a row that no worker ever picks up. What happens to a job
after that is in `jobs.queue` (claims, leases, retries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from sameside.jobs.models import Job
from sameside.jobs.registry import UnknownTask, registry
from sameside.kit import clock, logs

REQUEST_ID = "_request_id"
"""The payload key that carries the id of the request that enqueued a job; the runner takes it out again."""


@dataclass(frozen=True, slots=True)
class Queued:
    """A job just enqueued; its id holds once the caller's transaction commits."""

    id: int
    name: str


def enqueue(session: Session, name: str, *, run_after: datetime | None = None, **payload: Any) -> Queued:
    """Add a job named `name` to run (not before `run_after`) once the caller's transaction commits.

    `payload` is stored as JSON and handed to the handler as `run.payload`.
    Enqueued during a request, the job also keeps that request's id (under
    `REQUEST_ID`), so the worker's lines about it carry the same id.
    Raises `UnknownTask` when no handler is registered for `name`.
    """
    if name not in registry:
        raise UnknownTask(name)
    now = clock.now()
    request_id = logs.request_id()
    if request_id is not None:
        payload[REQUEST_ID] = request_id
    # A Core INSERT, not session.add(): no unit-of-work flush (mail is enqueued with every reply and new case).
    job_id: int = session.execute(
        insert(Job)
        .values(
            kind=name,
            payload=payload,
            state="pending",
            attempts=0,
            run_after=run_after or now,
            created_at=now,
        )
        .returning(Job.id)
    ).scalar_one()
    return Queued(job_id, name)
