"""How long people wait for a person, told honestly (P1): pure arithmetic, no database.

A wait is the time from a case's creation to its first human reply. Recent
cases are censored data: some are answered (we know their wait), some are
still waiting (we know only that it is at least this long), some ended
without a reply (the customer solved it, it was spam). Leaving out the
unanswered ones flatters us — when we fall behind, exactly the long waits
are missing — and counting them as if answered now invents waits nobody had.
So the median and the 80th percentile come from the Kaplan–Meier estimate,
which counts each unanswered case for as long as it has waited and no longer.

Waits are wall-clock time, nights and weekends included: that is what the
customer lives through. Business hours are said separately ("our team is in
from Monday 09:00"), never folded into the number.

Below `MIN_CASES` recent cases there is nothing honest to promise, and we say so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sameside.kit.hours import DAYS, Hours

MIN_CASES = 10
"""Fewer recent cases than this, and we do not state a typical wait."""
BEHIND_AFTER = timedelta(hours=1)
"""With no median because most cases still wait, we say we are behind once one has waited this long."""
_EPSILON = 1e-9  # products of ratios such as 9/10 · 8/9 · … land a hair off 0.5


@dataclass(frozen=True, slots=True)
class Sample:
    """One recent case: how long it waited for a person, and whether one has answered."""

    waited: timedelta
    answered: bool
    still_waiting: bool = False
    """Unanswered and still open (an unanswered case may also have ended without a reply)."""


@dataclass(frozen=True, slots=True)
class Estimate:
    cases: int
    """Recent cases counted."""
    waiting: int
    """Of those, still waiting for a person."""
    median: timedelta | None
    """Half had a person's answer within this; None when we cannot say."""
    p80: timedelta | None
    """Four in five within this; None when we cannot say."""
    longest_waiting: timedelta
    """How long the longest-waiting case still open has waited so far."""

    @property
    def known(self) -> bool:
        return self.median is not None

    @property
    def behind(self) -> bool:
        """Enough cases, but most are still waiting, and for a while: say so rather than a number."""
        return self.median is None and self.cases >= MIN_CASES and self.longest_waiting >= BEHIND_AFTER


NOTHING = Estimate(cases=0, waiting=0, median=None, p80=None, longest_waiting=timedelta(0))


def estimate(samples: Iterable[Sample], *, minimum: int = MIN_CASES) -> Estimate:
    """The typical wait over `samples`, by Kaplan–Meier; unknown figures are None, never guessed."""
    ordered = sorted(samples, key=lambda s: s.waited)
    n = len(ordered)
    if n == 0:
        return NOTHING
    waiting = [s.waited for s in ordered if s.still_waiting]
    longest = max(waiting, default=timedelta(0))
    if n < minimum:
        return Estimate(n, len(waiting), None, None, longest)
    survival, at_risk, i = 1.0, n, 0
    median: timedelta | None = None
    p80: timedelta | None = None
    while i < n:
        t = ordered[i].waited
        answered = leaving = 0
        while i < n and ordered[i].waited == t:
            answered += ordered[i].answered
            leaving += 1
            i += 1
        if answered:
            survival *= 1 - answered / at_risk
            if median is None and survival <= 0.5 + _EPSILON:
                median = t
            if p80 is None and survival <= 0.2 + _EPSILON:
                p80 = t
        at_risk -= leaving
    return Estimate(n, len(waiting), median, p80, longest)


def span(duration: timedelta) -> tuple[int, str]:
    """A wait as a customer would say it, rounded up so we never promise less: (25, "minutes"), (3, "hours")."""
    minutes = max(1, math.ceil(duration.total_seconds() / 60))
    if minutes <= 55:
        return max(5, math.ceil(minutes / 5) * 5), "minutes"
    hours = math.ceil(minutes / 60)
    if hours <= 36:
        return hours, "hours"
    return math.ceil(hours / 24), "days"


def next_opening(hours: Hours, now: datetime) -> datetime | None:
    """When people are next in (UTC); None while they are in now."""
    local = now.astimezone(hours.zone)
    for offset in range(8 + len(hours.holidays)):
        day = local.date() + timedelta(days=offset)
        for opens, closes in sorted(hours.on(day)):
            start = datetime.combine(day, opens, hours.zone)
            if start <= local < datetime.combine(day, closes, hours.zone):
                return None
            if start > local:
                return start.astimezone(UTC)
    return None  # unreachable: business hours are never empty


def describe_hours(hours: Hours) -> str:
    """Business hours as a team says them: `Mon–Fri 09:00–17:00; Sat 10:00–14:00`."""
    groups: list[tuple[int, int, list[tuple[str, str]]]] = []
    for day in range(7):
        ranges = [(o.strftime("%H:%M"), c.strftime("%H:%M")) for o, c in sorted(hours.ranges.get(day, []))]
        if not ranges:
            continue
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == ranges:
            groups[-1] = (groups[-1][0], day, ranges)
        else:
            groups.append((day, day, ranges))
    parts = []
    for first, last, ranges in groups:
        days = DAYS[first].title() if first == last else f"{DAYS[first].title()}–{DAYS[last].title()}"
        parts.append(f"{days} " + ", ".join(f"{o}–{c}" for o, c in ranges))
    return "; ".join(parts)
