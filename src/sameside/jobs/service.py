from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from sameside.jobs.models import Job


def enqueue(session: Session, kind: str, **payload: Any) -> Job:
    """Add a job in the caller's transaction: it exists only if that transaction commits."""
    job = Job(kind=kind, payload=payload)
    session.add(job)
    return job
