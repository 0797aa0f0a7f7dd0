"""A queued job's life after `enqueue`: claimed with a lease, then finished, retried or failed.

Claiming is one conditional UPDATE: on PostgreSQL the candidate row is picked
with `FOR UPDATE SKIP LOCKED`, so workers never wait on each other; on SQLite
writers are serialised anyway (one write lock per database), so the same
statement is atomic there too. A claim holds a lease: a worker that dies
mid-job loses it when the lease runs out, and another worker runs the job
again — handlers must be safe to repeat (mail delivery resends the same
message with the same Message-ID).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from sameside.jobs.models import Job
from sameside.kit import clock

MAX_ATTEMPTS = 10


def claim(session: Session, names: Iterable[str], *, lease_seconds: int) -> Job | None:
    """Take the next due job with one of these names, or one whose worker's lease ran out."""
    now = clock.now()
    due = or_(
        and_(Job.state == "pending", Job.run_after <= now),
        and_(Job.state == "running", Job.lease_until < now),
    )
    candidate = (
        select(Job.id)
        .where(Job.kind.in_(tuple(names)), due)
        .order_by(Job.run_after, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    job_id = session.scalar(candidate)
    if job_id is None:
        return None
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, due)
        .values(state="running", attempts=Job.attempts + 1, lease_until=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(Job, job_id, populate_existing=True)


def finish(session: Session, job_id: int) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(state="done", lease_until=None, last_error=None))


def retry_later(session: Session, job_id: int, attempts: int, error: str) -> bool:
    """Put a job back with exponential backoff. Returns False (and fails it) once attempts run out."""
    if attempts >= MAX_ATTEMPTS:
        fail(session, job_id, error)
        return False
    delay = min(30 * 2 ** (attempts - 1), 6 * 3600)  # 30 s, 1 min, 2 min … at most 6 h
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(
            state="pending",
            lease_until=None,
            run_after=clock.now() + timedelta(seconds=delay),
            last_error=error[:2000],
        )
    )
    return True


def fail(session: Session, job_id: int, error: str) -> None:
    session.execute(
        update(Job).where(Job.id == job_id).values(state="failed", lease_until=None, last_error=error[:2000])
    )
