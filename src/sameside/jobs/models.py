from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime
from sameside.kit import clock


class Job(Base):
    """A side effect waiting to run (send an email, push an update).

    The worker (email issue) claims due rows; until then they wait here,
    committed or rolled back together with the change that enqueued them.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | running | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """While running: when a worker that died holding it loses it, and another may take it."""
    last_error: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (Index("ix_jobs_due", "state", "run_after"),)
