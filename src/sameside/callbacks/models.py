from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sameside.callbacks.rules import CallbackOutcome
from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock


class CallbackState(StrEnum):
    BOOKED = "booked"
    DONE = "done"
    MISSED = "missed"
    """Nobody marked it done in time; its case says so and supervisors see it."""
    CANCELLED = "cancelled"
    """The customer called it off before it was due."""


class Callback(Base):
    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[CallbackState] = mapped_column(str_enum(CallbackState), default=CallbackState.BOOKED)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    """Who will make the call (none: whoever in the team takes it from the list)."""
    outcome: Mapped[CallbackOutcome | None] = mapped_column(str_enum(CallbackOutcome))
    """How the call went, once made; the call itself is logged on the case (`calls`, its `callback_id`)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_callbacks_state_starts_at", "state", "starts_at"),
        Index("ix_callbacks_case_id", "case_id"),
        Index("ix_callbacks_assignee_id", "assignee_id"),
    )
