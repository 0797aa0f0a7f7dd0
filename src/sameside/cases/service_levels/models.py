"""Service-level tables: a team's calendar, its targets per priority, and each case's target clocks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

import sameside.cases.models
import sameside.staff.models  # noqa: F401  (the teams table)
from sameside.cases.rules import Priority
from sameside.cases.service_levels.rules import TargetKind
from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock


class ServiceCalendar(Base):
    """When a team is at work: its time zone, opening hours per weekday and holidays."""

    __tablename__ = "service_calendars"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    week: Mapped[dict[str, Any]] = mapped_column(JSON)
    """`{"mon": [["09:00", "17:00"]], …}`: opening ranges per weekday, local time."""
    holidays: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Whole local dates the team is closed, ISO (`2026-12-25`)."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ServicePolicy(Base):
    """A team's targets for one priority, in business minutes."""

    __tablename__ = "service_policies"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    priority: Mapped[Priority] = mapped_column(str_enum(Priority), primary_key=True)
    first_reply_minutes: Mapped[int] = mapped_column(Integer)
    next_reply_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ServiceTarget(Base):
    """One target a case runs against, and what became of it: the stored facts attainment is counted from.

    Pending while `ended_at` is null; its clock runs while `running_since` is
    set (and `due_at` says when it falls due), paused otherwise. Ended, it
    was `met` or void (nobody needed it any more); missed when `breached_at`
    is set, whatever came after.
    """

    __tablename__ = "service_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    """The team whose calendar the clock runs by (and whose attainment it counts in): the case's team."""
    kind: Mapped[TargetKind] = mapped_column(str_enum(TargetKind))
    target_minutes: Mapped[int] = mapped_column(Integer)
    used_minutes: Mapped[float] = mapped_column(Float, default=0.0)
    """Business minutes used before the clock last started."""
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    running_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_service_targets_case_ended", "case_id", "ended_at"),
        # The worker's two rounds: targets not yet warned (or not yet breached) whose due time is near.
        Index("ix_service_targets_warn", "warned_at", "due_at"),
        Index("ix_service_targets_breach", "breached_at", "due_at"),
        # Attainment: a team's targets decided in a period.
        Index("ix_service_targets_team_ended", "team_id", "ended_at"),
        Index("ix_service_targets_team_breached", "team_id", "breached_at"),
    )
