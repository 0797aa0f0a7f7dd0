"""A survey: the one question about one resolved case — sent, answered or skipped (and why)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sameside.cases.models import Case
from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock
from sameside.surveys.rules import Skip, SurveyState, Via


class Survey(Base):
    """At most one per case: the decision is taken once, a while after the case is resolved.

    The comment is kept with the case's team and owner at the time, so that
    feedback can be routed to whoever it concerns (`routed_at`, P15).
    """

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    state: Mapped[SurveyState] = mapped_column(str_enum(SurveyState))
    skipped: Mapped[Skip | None] = mapped_column(str_enum(Skip))
    reason: Mapped[str | None] = mapped_column(String(500))
    """Why it was skipped, in words."""
    outbound_id: Mapped[int | None] = mapped_column(ForeignKey("mail_outbound.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Answerable until then (email links and the portal)."""
    score: Mapped[int | None] = mapped_column(Integer)
    """1 (not at all) … 5 (completely)."""
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    """How many times they answered; a later answer replaces the earlier one."""
    via: Mapped[Via | None] = mapped_column(str_enum(Via))
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the comment reached whoever it concerns (feedback routing); none: not yet."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (
        # "Had one in the last 30 days?": a customer's surveys by when they went.
        Index("ix_surveys_customer_sent", "customer_id", "sent_at"),
        # The figures and the list: by when each was answered or sent, and by state and id.
        Index("ix_surveys_answered_at", "answered_at"),
        Index("ix_surveys_sent_at", "sent_at"),
        Index("ix_surveys_state_id", "state", "id"),
        Index("ix_surveys_team_id", "team_id", "id"),
    )


__all__ = ["Survey"]


# The survey chore's one read of cases: those resolved within a window, by when (`queries.due`). Declared
# here, beside the chore, on the cases table; null (not resolved) is never read.
Index("ix_cases_resolved_at", Case.resolved_at)
