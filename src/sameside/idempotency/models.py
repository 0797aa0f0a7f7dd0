from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime


class StoredAnswer(Base):
    """The first answer to a request that carried an `Idempotency-Key`, kept for its retries.

    A row is written in the same transaction as the thing the request
    created, so both exist or neither does. The key itself is not kept, only
    its digest with the caller and the operation: the body is sealed with the
    key (`rules.seal`), so the stored answer — which may carry a secret shown
    once, such as a new API token — is readable only by whoever holds the key.
    """

    __tablename__ = "idempotency_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of caller, operation and key (`rules.digest`): one row per caller, operation and key."""
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the request's payload: a retry must send the same one."""
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The response headers that matter to a retry (Location), by lower-case name."""
    body: Mapped[bytes] = mapped_column(LargeBinary)
    """The response body, sealed with the key."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("digest", name="uq_idempotency_answers_digest"),
        Index("ix_idempotency_answers_created_at", "created_at"),
    )
