"""Business hours, written the way a team says them, and counting inside them.

`Mon-Fri 09:00-17:00`, or several ranges separated by `;`
(`Mon-Thu 09:00-17:00; Fri 09:00-13:00`), in one time zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sameside.kit.errors import Invalid

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_RANGE = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", re.I)


@dataclass(frozen=True)
class Hours:
    """Opening times per weekday (0 = Monday), in `zone`; closed all day on `holidays` (local dates)."""

    ranges: dict[int, list[tuple[time, time]]]
    zone: ZoneInfo
    holidays: frozenset[date] = frozenset()

    def on(self, day: date) -> list[tuple[time, time]]:
        """The opening ranges of a local date: none on a holiday."""
        return [] if day in self.holidays else self.ranges.get(day.weekday(), [])


Ranges = tuple[tuple[time, time], ...]
Week = Mapping[str, Sequence[Sequence[str]]]
"""A week as stored, edited and sent: `{"mon": [["09:00", "17:00"]], …}`; a day left out or empty is closed."""


def zone_of(name: str) -> ZoneInfo:
    """A time zone by its IANA name, or a refusal that says what to write."""
    try:
        if not name or len(name) > 64:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(f"{name!r} is not a time zone (write one like Europe/Berlin).") from exc


def parse_clock(value: str, what: str) -> time:
    match = _CLOCK.match(value.strip())
    if not match:
        raise Invalid(f"{what}: {value!r} is not a time like 09:00.")
    return time(int(match.group(1)), int(match.group(2)))


def parse_week(week: Week) -> dict[int, Ranges]:
    """Opening ranges per weekday (0 = Monday), each refused with its reason: unknown day, a time not like
    09:00, closing before opening, overlapping ranges, or no day open at all (nothing could ever fall due)."""
    parsed: dict[int, Ranges] = {}
    for name, ranges in week.items():
        key = name.strip().lower()[:3]
        if key not in DAYS:
            raise Invalid(f"{name!r} is not a weekday (mon … sun).")
        day: list[tuple[time, time]] = []
        for pair in ranges:
            if len(pair) != 2:
                raise Invalid(f"{DAY_NAMES[key]}: each range is an opening and a closing time.")
            opens = parse_clock(pair[0], f"{DAY_NAMES[key]} opens")
            closes = parse_clock(pair[1], f"{DAY_NAMES[key]} closes")
            if opens >= closes:
                raise Invalid(f"{DAY_NAMES[key]}: opening ({pair[0]}) must come before closing ({pair[1]}).")
            day.append((opens, closes))
        day.sort()
        if any(second[0] < first[1] for first, second in pairwise(day)):
            raise Invalid(f"{DAY_NAMES[key]}: the opening ranges overlap.")
        if day:
            parsed[DAYS.index(key)] = tuple(day)
    if not parsed:
        raise Invalid("Open at least one day a week: with no business hours, nothing could ever fall due.")
    return parsed


def week_out(week: Mapping[int, Sequence[tuple[time, time]]]) -> dict[str, list[list[str]]]:
    """Ranges per weekday as a `Week`, every day named (a closed one with no ranges)."""
    return {
        DAYS[day]: [[opens.strftime("%H:%M"), closes.strftime("%H:%M")] for opens, closes in week.get(day, ())]
        for day in range(7)
    }


def parse_hours(spec: str, zone: str) -> Hours:
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(f"{zone!r} is not a time zone.") from exc
    ranges: dict[int, list[tuple[time, time]]] = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        match = _RANGE.match(part)
        if not match:
            raise Invalid(f"{part!r} is not like 'Mon-Fri 09:00-17:00'.")
        first, last = match.group(1).lower(), (match.group(2) or match.group(1)).lower()
        if first not in DAYS or last not in DAYS:
            raise Invalid(f"{part!r}: days are Mon, Tue, Wed, Thu, Fri, Sat, Sun.")
        opens = time(int(match.group(3)), int(match.group(4)))
        closes = time(int(match.group(5)), int(match.group(6)))
        if opens >= closes:
            raise Invalid(f"{part!r}: opening must come before closing.")
        for day in range(DAYS.index(first), DAYS.index(last) + 1):
            ranges.setdefault(day, []).append((opens, closes))
    if not ranges:
        raise Invalid("Business hours are empty.")
    return Hours(ranges, tz)


def slots(hours: Hours, *, now: datetime, days: int, minutes: int, notice: timedelta) -> Iterator[datetime]:
    """Slot starts (aware, UTC) from `now + notice` over the next `days` calendar days."""
    earliest = now + notice
    local_today = now.astimezone(hours.zone).date()
    for offset in range(days + 1):
        day: date = local_today + timedelta(days=offset)
        for opens, closes in hours.on(day):
            start = datetime.combine(day, opens, hours.zone)
            end = datetime.combine(day, closes, hours.zone)
            while start + timedelta(minutes=minutes) <= end:
                if start >= earliest:
                    yield start.astimezone(UTC)
                start += timedelta(minutes=minutes)


def add_business_hours(hours: Hours, start: datetime, amount: float) -> datetime:
    """The moment `amount` business hours after `start` (UTC in, UTC out): a service level's due time."""
    left = timedelta(hours=amount)
    local = start.astimezone(hours.zone)
    for _ in range(370):  # a year of days at most
        day = local.date()
        for opens, closes in sorted(hours.on(day)):
            begin = max(local, datetime.combine(day, opens, hours.zone))
            end = datetime.combine(day, closes, hours.zone)
            if begin >= end:
                continue
            if end - begin >= left:
                return (begin + left).astimezone(UTC)
            left -= end - begin
        local = datetime.combine(day + timedelta(days=1), time(0, 0), hours.zone)
    raise Invalid("Business hours leave no time to count in.")
