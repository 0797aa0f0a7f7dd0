"""A phone call on a case, written down by the agent who made or took it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sameside.calls.rules import Direction, Outcome
from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock


class Call(Base):
    """One call: which way, how it went, how long, what was said. Its timeline event points here (`call_id`)."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    direction: Mapped[Direction] = mapped_column(str_enum(Direction))
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome))
    duration_seconds: Mapped[int] = mapped_column(Integer, default=0)
    phone: Mapped[str | None] = mapped_column(String(32))
    """The number called or calling, normalised; none when the agent did not say."""
    notes: Mapped[str | None] = mapped_column(Text)
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("callbacks.id", ondelete="SET NULL"))
    """The booked call this was, when it was one."""
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (
        Index("ix_calls_case_id", "case_id", "id"),
        Index("ix_calls_callback_id", "callback_id"),
    )
