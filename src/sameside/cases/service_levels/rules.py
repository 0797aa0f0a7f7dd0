"""Service levels as pure rules: business time, which target a case is on, and the words for a due time.

Business time is counted in a team's calendar: a time zone, opening hours
per weekday, and holidays (whole local dates). Every instant in and out is
an aware UTC datetime; durations are measured on UTC instants, so a day
that loses or gains an hour to daylight saving counts the hours it really
had open.

A case runs up to three targets, each a clock of business minutes:

- **first reply**: from the case opening to the first human reply;
- **next reply**: from a customer's message (after the first reply) to the
  next human reply;
- **resolution**: from opening (or reopening) to resolved.

Every clock stops while the case waits on the customer and starts again
when it comes back to us; resolving ends them all (a reply target nobody
needed any more is *void*: it counts neither as met nor missed, unless it
had already been missed). No database here; `service.py` keeps the clocks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sameside.cases.rules import CaseStatus, Priority
from sameside.kit.errors import Invalid
from sameside.kit.hours import Ranges  # a week's hours are read and checked there, for teams and the business

SEARCH_DAYS = 3 * 366
"""How far ahead business time is counted before a calendar is called empty (holidays may take whole weeks)."""
MAX_TARGET_MINUTES = 60 * 24 * 365
"""A target of a year of business minutes at most."""
HOLIDAYS_MAX = 400


class TargetKind(StrEnum):
    FIRST_REPLY = "first_reply"
    NEXT_REPLY = "next_reply"
    RESOLUTION = "resolution"


KIND_WORDS = {
    TargetKind.FIRST_REPLY: "first reply",
    TargetKind.NEXT_REPLY: "next reply",
    TargetKind.RESOLUTION: "resolution",
}

RUNNING = frozenset({CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_INTERNAL})
"""While the case is in one of these, its clocks run: the customer is waiting on us."""
PAUSED = frozenset({CaseStatus.WAITING_ON_CUSTOMER})
ENDED = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})


# ---------------------------------------------------------------- calendars


@dataclass(frozen=True)
class Calendar:
    """When a team is at work: opening ranges per weekday (0 = Monday) in `zone`, minus whole-day holidays."""

    zone: ZoneInfo
    week: Mapping[int, Ranges]
    holidays: frozenset[date] = frozenset()

    def ranges_on(self, day: date) -> Ranges:
        if day in self.holidays:
            return ()
        return self.week.get(day.weekday(), ())


def parse_holidays(values: list[str] | list[date]) -> frozenset[date]:
    if len(values) > HOLIDAYS_MAX:
        raise Invalid(f"At most {HOLIDAYS_MAX} holidays.")
    days: set[date] = set()
    for value in values:
        if isinstance(value, date):
            days.add(value)
            continue
        try:
            days.add(date.fromisoformat(value.strip()))
        except ValueError:
            raise Invalid(f"{value!r} is not a date like 2026-12-25.") from None
    return frozenset(days)


def open_intervals(calendar: Calendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The calendar's open intervals (UTC) from `start` on, the first one clipped to begin at `start`."""
    start = start.astimezone(UTC)
    day = start.astimezone(calendar.zone).date() - timedelta(days=1)  # a range may reach past local midnight in UTC
    for _ in range(SEARCH_DAYS):
        for opens, closes in calendar.ranges_on(day):
            begin = datetime.combine(day, opens, calendar.zone).astimezone(UTC)
            end = datetime.combine(day, closes, calendar.zone).astimezone(UTC)
            begin = max(begin, start)
            if begin < end:
                yield begin, end
        day += timedelta(days=1)


def add_business_minutes(calendar: Calendar, start: datetime, minutes: float) -> datetime:
    """The instant `minutes` business minutes after `start` (UTC out); `start` itself when there are none to add.

    A start outside business hours counts from the next opening, so a case
    written on Saturday with a 60-minute target is due at Monday's opening
    plus an hour.
    """
    if minutes <= 0:
        return start.astimezone(UTC)
    left = timedelta(minutes=minutes)
    for begin, end in open_intervals(calendar, start):
        if end - begin >= left:
            return begin + left
        left -= end - begin
    raise Invalid("These business hours leave no time to count in (every day closed or a holiday).")


def business_minutes_between(calendar: Calendar, start: datetime, end: datetime) -> float:
    """Business minutes from `start` to `end` (0 when `end` is not after `start`)."""
    end = end.astimezone(UTC)
    if end <= start:
        return 0.0
    total = timedelta()
    for begin, close in open_intervals(calendar, start):
        if begin >= end:
            break
        total += min(close, end) - begin
    return total.total_seconds() / 60


# ---------------------------------------------------------------- policies


@dataclass(frozen=True)
class Targets:
    """One priority's targets, in business minutes."""

    first_reply: int
    next_reply: int
    resolution: int

    def minutes(self, kind: TargetKind) -> int:
        return int(getattr(self, kind.value))


PRIORITY_SCALE = {Priority.LOW: 2.0, Priority.NORMAL: 1.0, Priority.HIGH: 0.5, Priority.URGENT: 0.25}
RESOLUTION_FACTOR = 5


def default_targets(reply_target_hours: float) -> dict[Priority, Targets]:
    """Targets for a team without a policy: the reply target for normal cases, scaled by priority.

    Urgent cases get a quarter of it, high half, low twice; next replies the
    same as first ones; resolution five times the reply target.
    """
    out: dict[Priority, Targets] = {}
    for priority, scale in PRIORITY_SCALE.items():
        reply = max(1, round(reply_target_hours * 60 * scale))
        out[priority] = Targets(first_reply=reply, next_reply=reply, resolution=reply * RESOLUTION_FACTOR)
    return out


def check_minutes(value: int, what: str) -> int:
    if not 1 <= value <= MAX_TARGET_MINUTES:
        raise Invalid(f"{what} must be between 1 and {MAX_TARGET_MINUTES:,} business minutes; it is {value:,}.")
    return value


# ---------------------------------------------------------------- clocks


@dataclass(frozen=True)
class Clock:
    """One target's clock: how much business time it has used, and since when it has been running (None: paused)."""

    kind: TargetKind
    target_minutes: int
    used_minutes: float = 0.0
    running_since: datetime | None = None

    def paused(self, calendar: Calendar, now: datetime) -> Clock:
        if self.running_since is None:
            return self
        used = self.used_minutes + business_minutes_between(calendar, self.running_since, now)
        return replace(self, used_minutes=used, running_since=None)

    def resumed(self, now: datetime) -> Clock:
        return self if self.running_since is not None else replace(self, running_since=now)

    def due(self, calendar: Calendar) -> datetime | None:
        """When the target falls due, while the clock runs; None while it is paused."""
        if self.running_since is None:
            return None
        return add_business_minutes(calendar, self.running_since, self.target_minutes - self.used_minutes)

    def missed(self, calendar: Calendar, now: datetime) -> bool:
        """Whether more business time has gone than the target allows, by `now`."""
        used = self.used_minutes
        if self.running_since is not None:
            used += business_minutes_between(calendar, self.running_since, now)
        return used > self.target_minutes


class Happened(StrEnum):
    """What just happened to the case, for the clocks."""

    OPENED = "opened"
    CUSTOMER_WROTE = "customer_wrote"
    STAFF_REPLIED = "staff_replied"
    CHANGED = "changed"
    """Its status, priority or team changed."""


@dataclass(frozen=True)
class Moves:
    """What to do with a case's clocks: start some, end some as met or void, and whether the rest run."""

    start: frozenset[TargetKind] = frozenset()
    met: frozenset[TargetKind] = frozenset()
    void: frozenset[TargetKind] = frozenset()
    running: bool = False


def moves(status: CaseStatus, *, first_replied: bool, happened: Happened, pending: frozenset[TargetKind]) -> Moves:
    """Which targets a case starts, meets or drops now, given its state and what just happened.

    `pending` are its targets still open; `first_replied` whether a person
    has answered it yet.
    """
    if status in ENDED:
        return Moves(
            met=pending & {TargetKind.RESOLUTION},
            void=pending - {TargetKind.RESOLUTION},
        )
    met: set[TargetKind] = set()
    start: set[TargetKind] = set()
    if first_replied and TargetKind.FIRST_REPLY in pending:
        met.add(TargetKind.FIRST_REPLY)
    if happened is Happened.STAFF_REPLIED and TargetKind.NEXT_REPLY in pending:
        met.add(TargetKind.NEXT_REPLY)
    left = pending - met
    awaiting_reply = bool(left & {TargetKind.FIRST_REPLY, TargetKind.NEXT_REPLY})
    if happened is Happened.OPENED and not first_replied and not awaiting_reply:
        start.add(TargetKind.FIRST_REPLY)
    elif happened is Happened.CUSTOMER_WROTE and not awaiting_reply:
        start.add(TargetKind.NEXT_REPLY if first_replied else TargetKind.FIRST_REPLY)
    if TargetKind.RESOLUTION not in left:
        start.add(TargetKind.RESOLUTION)
    return Moves(start=frozenset(start), met=frozenset(met), running=status in RUNNING)


@dataclass(frozen=True)
class Next:
    kind: TargetKind
    due_at: datetime


def next_due(dues: Mapping[TargetKind, datetime | None]) -> Next | None:
    """The target that falls due first among the running ones (a reply before resolution on a tie)."""
    order = list(TargetKind)
    running = [(due, order.index(kind), kind) for kind, due in dues.items() if due is not None]
    if not running:
        return None
    due, _, kind = min(running)
    return Next(kind, due)


# ---------------------------------------------------------------- words


class Level(StrEnum):
    OK = "ok"
    SOON = "soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DueLabel:
    """What a person reads about a due time: words, and a level a page may colour (never colour alone)."""

    text: str
    level: Level
    title: str = field(default="")
    """The exact due time, for a tooltip (UTC)."""


SOON = timedelta(hours=1)
"""Within this of its due time a case is 'soon'."""


def span_words(span: timedelta) -> str:
    minutes = max(1, int(span.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        rest = minutes % 60
        return f"{hours} h {rest} min" if hours < 2 and rest >= 5 else f"{hours} h"
    return f"{hours // 24} d"


def due_words(due_at: datetime | None, now: datetime, *, soon: timedelta = SOON) -> DueLabel | None:
    """'due in 40 min', 'due in 3 h', 'overdue by 2 h'; None when nothing is due."""
    if due_at is None:
        return None
    title = due_at.astimezone(UTC).strftime("due %d %b %H:%M UTC")
    left = due_at - now
    if left <= timedelta(0):
        return DueLabel(f"overdue by {span_words(-left)}", Level.OVERDUE, title)
    return DueLabel(f"due in {span_words(left)}", Level.SOON if left <= soon else Level.OK, title)
