"""Business hours and slots, as pure functions.

Business hours are written the way a team says them — `Mon-Fri 09:00-17:00`,
or several ranges separated by `;` (`Mon-Thu 09:00-17:00; Fri 09:00-13:00`) —
in one time zone. A slot is offered only when it starts in the future (with
a little notice), lies wholly inside business hours, and has an agent free
for it: capacity is the agents on duty minus the callbacks already booked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sameside.kit.errors import Invalid

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", re.I)
MISSED_AFTER = timedelta(minutes=15)
"""A booked call nobody has marked done this long after its slot ended is missed, and a supervisor is told."""


@dataclass(frozen=True)
class Hours:
    """Opening times per weekday (0 = Monday), in `zone`."""

    ranges: dict[int, list[tuple[time, time]]]
    zone: ZoneInfo


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
        for opens, closes in hours.ranges.get(day.weekday(), []):
            start = datetime.combine(day, opens, hours.zone)
            end = datetime.combine(day, closes, hours.zone)
            while start + timedelta(minutes=minutes) <= end:
                if start >= earliest:
                    yield start.astimezone(UTC)
                start += timedelta(minutes=minutes)


def is_missed(slot_end: datetime, *, now: datetime) -> bool:
    return now >= slot_end + MISSED_AFTER
