"""The coach's tables: a team's own rules (and built-in ones switched off), and what became of each advice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sameside.coach.rules import Kind, Outcome
from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock


class CoachRule(Base):
    """A rule a team added, or a built-in one's switch (`builtin`: only `enabled` is read; the words are the code's)."""

    __tablename__ = "coach_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64))
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[Kind] = mapped_column(str_enum(Kind))
    language: Mapped[str] = mapped_column(String(16))
    pattern: Mapped[str] = mapped_column(Text)
    """The regular expression checked (a phrase list is kept as the pattern it became)."""
    source: Mapped[str] = mapped_column(Text)
    """What the admin typed: the regular expression, or the phrases one a line."""
    is_regex: Mapped[bool] = mapped_column(Boolean, default=False)
    why: Mapped[str] = mapped_column(String(300))
    suggestion: Mapped[str] = mapped_column(String(300))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (UniqueConstraint("slug"),)


class AdviceEvent(Base):
    """One rule's advice, shown while a reply was written, and what became of it when the reply was sent."""

    __tablename__ = "coach_advice_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(64))
    """The rule's slug (a built-in rule has no row of its own)."""
    kind: Mapped[Kind] = mapped_column(str_enum(Kind))
    language: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (
        Index("ix_coach_advice_events_rule", "rule", "at"),
        Index("ix_coach_advice_events_case", "case_id"),
        Index("ix_coach_advice_events_staff", "staff_id"),
    )
