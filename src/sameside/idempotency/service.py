"""Claiming a key and keeping the answer, inside the transaction that creates the thing.

`claim` runs first in the request's write transaction; `keep` runs last,
before the commit. So the stored answer and what the request created commit
together or not at all: a crash between creating and recording cannot leave
a creation that a retry would repeat.

Two requests with one key at once: on PostgreSQL the first takes a
transaction-scoped advisory lock in `claim`, and the other is refused at
once with `StillInFlight` (409) instead of waiting; once the first commits,
a retry finds its answer. On SQLite every write transaction holds the
database's one write lock from its first statement, so the second simply
runs after the first has committed and finds its answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, cast, delete, func, insert, select
from sqlalchemy.orm import Session

from sameside.idempotency.errors import KeyReused, StillInFlight
from sameside.idempotency.models import StoredAnswer
from sameside.idempotency.rules import KEPT_FOR, Attempt
from sameside.kit import clock


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def claim(session: Session, attempt: Attempt) -> Answer | None:
    """The answer kept for this key, or None when the request is the first and should run.

    Raises `KeyReused` when the key came first with another payload, and
    `StillInFlight` when another transaction holds the key right now
    (PostgreSQL). An answer older than `KEPT_FOR` is forgotten here, even
    before the purge chore removes it.
    """
    if session.get_bind().dialect.name == "postgresql":
        locked = session.scalar(select(func.pg_try_advisory_xact_lock(cast(attempt.lock_id, BigInteger))))
        if not locked:
            raise StillInFlight("The first request with this Idempotency-Key is still running; retry in a moment.")
    row = session.execute(
        select(
            StoredAnswer.fingerprint,
            StoredAnswer.status,
            StoredAnswer.headers,
            StoredAnswer.body,
            StoredAnswer.created_at,
        ).where(StoredAnswer.digest == attempt.digest)
    ).one_or_none()
    if row is None:
        return None
    if row.created_at <= clock.now() - KEPT_FOR:
        session.execute(delete(StoredAnswer).where(StoredAnswer.digest == attempt.digest))
        return None
    if row.fingerprint != attempt.fingerprint:
        raise KeyReused(
            "This Idempotency-Key was first used with a different request body; use a new key for a new request."
        )
    return Answer(status=row.status, headers=dict(row.headers), body=attempt.unseal(row.body))


def keep(session: Session, attempt: Attempt, answer: Answer) -> None:
    """Store the first answer for the key's retries, in the caller's transaction (just before it commits)."""
    session.execute(
        insert(StoredAnswer).values(
            digest=attempt.digest,
            fingerprint=attempt.fingerprint,
            status=answer.status,
            headers=answer.headers,
            body=attempt.seal(answer.body),
            created_at=clock.now(),
        )
    )


def forget_expired(session: Session, *, now: datetime | None = None, batch: int = 1000) -> int:
    """Delete up to `batch` answers older than `KEPT_FOR`; returns how many went."""
    cutoff = (now or clock.now()) - KEPT_FOR
    oldest = select(StoredAnswer.id).where(StoredAnswer.created_at <= cutoff).order_by(StoredAnswer.id).limit(batch)
    gone = session.execute(delete(StoredAnswer).where(StoredAnswer.id.in_(oldest)))
    return int(gone.rowcount)  # type: ignore[attr-defined]
