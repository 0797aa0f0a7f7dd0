from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.decisions.rules import DecisionKind
from sameside.kit import clock


class Decision(Base):
    """A recorded final word on a case; a revision points at the decision it replaces."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[DecisionKind] = mapped_column(str_enum(DecisionKind))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    rationale: Mapped[str] = mapped_column(Text)
    """Why, for staff."""
    policy: Mapped[str] = mapped_column(Text)
    """The policy it rests on."""
    customer_text: Mapped[str] = mapped_column(Text)
    """Exactly what the customer was told."""
    revises_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="SET NULL"))
    revision_reason: Mapped[str | None] = mapped_column(Text)
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set when a later decision replaced this one."""
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("timeline_entries.id", ondelete="SET NULL"))
    """The reply that told the customer."""

    __table_args__ = (Index("ix_decisions_case", "case_id", "id"),)
