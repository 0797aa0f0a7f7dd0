"""Feedback (P15): a customer's words about a team or department, routed to it, acknowledged and answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.feedback.rules import Concerns, FeedbackKind, FeedbackSource, FeedbackState
from sameside.kit import clock


class Feedback(Base):
    """One piece of feedback about one team or one department (never both), with the case it came from.

    The customer's words are kept on the row (`words`), so the inbox quotes
    them even to someone who may not read the case; `entry_id` is the
    message they come from (marked by an agent), `survey_id` the survey
    whose comment they are (routed by the software; at most one per survey).
    """

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("timeline_entries.id", ondelete="SET NULL"))
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), unique=True)
    source: Mapped[FeedbackSource] = mapped_column(str_enum(FeedbackSource))
    kind: Mapped[FeedbackKind] = mapped_column(str_enum(FeedbackKind))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    words: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(String(500))
    """The marking agent's few words for the team ("second time this month")."""
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    state: Mapped[FeedbackState] = mapped_column(str_enum(FeedbackState), default=FeedbackState.NEW)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # A department's or team's inbox, newest first; and its figures over the last 30 days.
        Index("ix_feedback_department_marked", "department_id", "marked_at"),
        Index("ix_feedback_team_marked", "team_id", "marked_at"),
        Index("ix_feedback_case_id", "case_id"),
        Index("ix_feedback_marked_by", "marked_by", "marked_at"),
    )

    @property
    def concerns(self) -> Concerns:
        return Concerns(team_id=self.team_id, department_id=self.department_id)


__all__ = ["Feedback"]
