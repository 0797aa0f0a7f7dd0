"""Service levels on the wire: a team's policy, and attainment."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from sameside.cases.rules import Priority
from sameside.cases.service_levels.rules import MAX_TARGET_MINUTES, TargetKind
from sameside.kit.schema import Input, Output

Minutes = Field(ge=1, le=MAX_TARGET_MINUTES, description="Business minutes.")
ClockTime = Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$", description="Local time, `HH:MM`.")


class TargetsIn(Input):
    first_reply_minutes: int = Minutes
    next_reply_minutes: int = Minutes
    resolution_minutes: int = Minutes


class TargetsOut(Output):
    priority: Priority
    first_reply_minutes: int
    next_reply_minutes: int
    resolution_minutes: int


class Range(Input):
    opens: str = ClockTime
    closes: str = ClockTime


class Week(Input):
    """Opening ranges per weekday, local time; a day left empty is closed."""

    mon: list[Range] = Field(default_factory=list, max_length=6)
    tue: list[Range] = Field(default_factory=list, max_length=6)
    wed: list[Range] = Field(default_factory=list, max_length=6)
    thu: list[Range] = Field(default_factory=list, max_length=6)
    fri: list[Range] = Field(default_factory=list, max_length=6)
    sat: list[Range] = Field(default_factory=list, max_length=6)
    sun: list[Range] = Field(default_factory=list, max_length=6)


class RangeOut(Output):
    opens: str
    closes: str


class WeekOut(Output):
    mon: list[RangeOut]
    tue: list[RangeOut]
    wed: list[RangeOut]
    thu: list[RangeOut]
    fri: list[RangeOut]
    sat: list[RangeOut]
    sun: list[RangeOut]


class ServiceLevelsIn(Input):
    """A team's whole policy: replaced as one."""

    timezone: str = Field(min_length=1, max_length=64, description="An IANA time zone, e.g. `Europe/Berlin`.")
    week: Week
    holidays: list[date] = Field(default_factory=list, max_length=400)
    """Whole local dates the team is closed."""
    targets: dict[Priority, TargetsIn]
    """Targets per priority; a priority left out keeps the defaults."""


class ServiceLevelsOut(Output):
    team_id: int
    timezone: str
    week: WeekOut
    holidays: list[date]
    targets: list[TargetsOut]
    own_calendar: bool
    """False: the team runs by the default business hours (settings)."""
    own_targets: bool
    """False: the team runs by the default targets (from `reply_target_hours`)."""


class AttainedOut(Output):
    team_id: int | None
    target: TargetKind
    met: int
    """Targets met in time, decided in the period."""
    missed: int
    share: float | None
    """met / (met + missed); null when none was decided."""


class AttainmentOut(Output):
    since: datetime
    until: datetime
    rows: list[AttainedOut]
