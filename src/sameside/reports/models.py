"""The rollups: one row of facts per day and team, and which days have been rolled up when."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from sameside.callbacks.models import Callback
from sameside.cases.models import Case
from sameside.consults.models import Consult
from sameside.db.base import Base, UTCDateTime
from sameside.grants.models import Grant
from sameside.kit import clock

NO_TEAM = 0
"""`team_id` of the facts about cases in no team (a key in a primary key cannot be NULL)."""


class ReportDay(Base):
    """What happened on one UTC day to one team's cases, as sums a period adds up (docs/reports.md).

    Each figure is anchored on the day its fact happened: a first reply on the
    day it was sent, a resolution on the day it was resolved, a survey on the
    day it was sent or answered. `team_id` is the case's team when the day was
    rolled up; it is no foreign key, so a team deleted later leaves its history.
    """

    __tablename__ = "report_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_replies: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """{tier: {bucket minutes: cases}}: waits for a first human reply sent this day (`rules.bucket`)."""
    resolved: Mapped[int] = mapped_column(Integer, default=0)
    first_time: Mapped[int] = mapped_column(Integer, default=0)
    came_back: Mapped[int] = mapped_column(Integer, default=0)
    opened: Mapped[int] = mapped_column(Integer, default=0)
    repeats: Mapped[int] = mapped_column(Integer, default=0)
    transfers: Mapped[int] = mapped_column(Integer, default=0)
    """Transfers of the cases resolved this day."""
    restatements: Mapped[int] = mapped_column(Integer, default=0)
    """Restatements detected on the cases resolved this day."""
    consults: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """{department id: [due, on time]}: consults that fell due this day."""
    callbacks_due: Mapped[int] = mapped_column(Integer, default=0)
    callbacks_on_time: Mapped[int] = mapped_column(Integer, default=0)
    surveys_sent: Mapped[int] = mapped_column(Integer, default=0)
    surveys_again: Mapped[int] = mapped_column(Integer, default=0)
    """…to a customer already sent one in the 30 days before."""
    answers: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    score_sum: Mapped[int] = mapped_column(Integer, default=0)
    spend: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """{currency: [remedy minor units, goodwill minor units]}: grants issued this day."""
    toned: Mapped[int] = mapped_column(Integer, default=0)
    """Cases resolved this day with a customer message, whose tones follow."""
    first_tone_sum: Mapped[float] = mapped_column(Float, default=0.0)
    last_tone_sum: Mapped[float] = mapped_column(Float, default=0.0)
    targets_met: Mapped[int] = mapped_column(Integer, default=0)
    targets_missed: Mapped[int] = mapped_column(Integer, default=0)


class ReportDayBuilt(Base):
    """A day rolled up, and when: a day with no cases has no `ReportDay` rows but is still done."""

    __tablename__ = "report_days_built"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


# A day is rolled up by ranges on the time each fact happened (docs/reports.md).
Index("ix_cases_created_at", Case.created_at)
Index("ix_cases_first_human_reply_at", Case.first_human_reply_at)
Index("ix_consults_due_at", Consult.due_at)
Index("ix_callbacks_starts_at", Callback.starts_at)
Index("ix_grants_issued_at", Grant.issued_at)
