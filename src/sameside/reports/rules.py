"""The headline figures' arithmetic: sums a day keeps, and the rates and percentiles a period shows. Pure.

A day's facts are counts and sums, so a period is their sum and every rate
is computed once from the totals (never an average of daily rates). The
wait for a first human reply is kept as a histogram in `bucket`s, so its
percentiles over any period are exact to the bucket: the 50th percentile is
the nearest-rank value of the bucketed waits, the same as sorting every
case's bucketed wait and reading the middle one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

SETTLE_DAYS = 8
"""A day's facts can still change for this long after it ends (a case resolved on it comes back within 7 days)."""
SATISFIED_FROM = 4
"""CSAT counts answers of 4 or 5 out of 5 as satisfied."""
SURVEY_WINDOW_DAYS = 30
MIN_TIER_SAMPLES = 5
"""A tier with fewer first replies in the period is left out of the parity ratio: too few to compare."""


def bucket(minutes: float) -> int:
    """The histogram bucket of a wait: whole minutes up to an hour, 5 up to 10 hours, 30 up to 2 days, then hours."""
    m = max(0, int(minutes))
    if m < 60:
        return m
    if m < 600:
        return m - m % 5
    if m < 2880:
        return m - m % 30
    return m - m % 60


def percentile(histogram: Mapping[int, int], q: float) -> int | None:
    """Nearest-rank percentile (0 < q ≤ 1) of the bucketed values; None for an empty histogram."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)  # pragma: no cover - ranks never exceed the total


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def ratio(top: float, bottom: float) -> float | None:
    return top / bottom if bottom else None


def _add_histogram(into: dict[int, int], more: Mapping[int, int]) -> None:
    for value, n in more.items():
        into[value] = into.get(value, 0) + n


@dataclass
class Facts:
    """One day's sums for one team, or a period's for several (`add`)."""

    first_replies: dict[str, dict[int, int]] = field(default_factory=dict)
    resolved: int = 0
    first_time: int = 0
    came_back: int = 0
    opened: int = 0
    repeats: int = 0
    transfers: int = 0
    restatements: int = 0
    consults: dict[int, list[int]] = field(default_factory=dict)
    callbacks_due: int = 0
    callbacks_on_time: int = 0
    surveys_sent: int = 0
    surveys_again: int = 0
    answers: int = 0
    satisfied: int = 0
    score_sum: int = 0
    spend: dict[str, list[int]] = field(default_factory=dict)
    toned: int = 0
    first_tone_sum: float = 0.0
    last_tone_sum: float = 0.0
    targets_met: int = 0
    targets_missed: int = 0

    def add(self, other: Facts) -> Facts:
        for tier, histogram in other.first_replies.items():
            _add_histogram(self.first_replies.setdefault(tier, {}), histogram)
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for department, (due, on_time) in other.consults.items():
            pair = self.consults.setdefault(department, [0, 0])
            pair[0] += due
            pair[1] += on_time
        for currency, (remedy, goodwill) in other.spend.items():
            pair = self.spend.setdefault(currency, [0, 0])
            pair[0] += remedy
            pair[1] += goodwill
        return self

    def reply_histogram(self) -> dict[int, int]:
        every: dict[int, int] = {}
        for histogram in self.first_replies.values():
            _add_histogram(every, histogram)
        return every


COUNTS = [
    "resolved",
    "first_time",
    "came_back",
    "opened",
    "repeats",
    "transfers",
    "restatements",
    "callbacks_due",
    "callbacks_on_time",
    "surveys_sent",
    "surveys_again",
    "answers",
    "satisfied",
    "score_sum",
    "toned",
    "first_tone_sum",
    "last_tone_sum",
    "targets_met",
    "targets_missed",
]


def total(facts: Iterable[Facts]) -> Facts:
    out = Facts()
    for f in facts:
        out.add(f)
    return out


@dataclass(frozen=True)
class Consults:
    department_id: int
    due: int
    on_time: int

    @property
    def share(self) -> float | None:
        return share(self.on_time, self.due)


@dataclass(frozen=True)
class Spend:
    currency: str
    remedy_minor: int
    goodwill_minor: int


@dataclass(frozen=True)
class Figures:
    """The headline figures of one period, each None when nothing happened to measure it."""

    first_replies: int
    reply_p50_minutes: int | None
    reply_p90_minutes: int | None
    fcr_decided: int
    first_contact_resolution: float | None
    opened: int
    repeat_rate: float | None
    resolved: int
    transfers_per_case: float | None
    transfers: int
    restatements_per_transfer: float | None
    consults_due: int
    consult_on_time: float | None
    consults: tuple[Consults, ...]
    callbacks_due: int
    callback_on_time: float | None
    tier_p90_minutes: dict[str, int]
    tier_parity: float | None
    surveys_sent: int
    surveys_per_customer: float | None
    answers: int
    csat: float | None
    mean_score: float | None
    spend: tuple[Spend, ...]
    toned: int
    first_tone: float | None
    last_tone: float | None
    targets_decided: int
    service_level: float | None


def figures(f: Facts) -> Figures:
    replies = f.reply_histogram()
    tier_p90 = {
        tier: p
        for tier, histogram in sorted(f.first_replies.items())
        if sum(histogram.values()) >= MIN_TIER_SAMPLES and (p := percentile(histogram, 0.9)) is not None
    }
    parity = None
    if len(tier_p90) >= 2:
        # A p90 under a minute counts as one minute: parity is a ratio, and nobody waits zero.
        parity = max(tier_p90.values(), default=0) / max(1, min(tier_p90.values(), default=1))
    consults_due = sum(due for due, _ in f.consults.values())
    consults_on_time = sum(on for _, on in f.consults.values())
    decided = f.first_time + f.came_back
    targets = f.targets_met + f.targets_missed
    windows = f.surveys_sent - f.surveys_again
    return Figures(
        first_replies=sum(replies.values()),
        reply_p50_minutes=percentile(replies, 0.5),
        reply_p90_minutes=percentile(replies, 0.9),
        fcr_decided=decided,
        first_contact_resolution=share(f.first_time, decided),
        opened=f.opened,
        repeat_rate=share(f.repeats, f.opened),
        resolved=f.resolved,
        transfers_per_case=ratio(f.transfers, f.resolved),
        transfers=f.transfers,
        restatements_per_transfer=ratio(f.restatements, f.transfers),
        consults_due=consults_due,
        consult_on_time=share(consults_on_time, consults_due),
        consults=tuple(Consults(d, due, on) for d, (due, on) in sorted(f.consults.items())),
        callbacks_due=f.callbacks_due,
        callback_on_time=share(f.callbacks_on_time, f.callbacks_due),
        tier_p90_minutes=tier_p90,
        tier_parity=parity,
        surveys_sent=f.surveys_sent,
        surveys_per_customer=ratio(f.surveys_sent, windows) if windows > 0 else None,
        answers=f.answers,
        csat=share(f.satisfied, f.answers),
        mean_score=ratio(f.score_sum, f.answers),
        spend=tuple(Spend(c, r, g) for c, (r, g) in sorted(f.spend.items())),
        toned=f.toned,
        first_tone=ratio(f.first_tone_sum, f.toned),
        last_tone=ratio(f.last_tone_sum, f.toned),
        targets_decided=targets,
        service_level=share(f.targets_met, targets),
    )


def steps(first: date, last: date, *, days: int) -> list[tuple[date, date]]:
    """The trend's points over [first, last]: one a day up to a month, one a week beyond; each (start, end], inclusive.

    The newest point ends on `last`; the oldest may be shorter than the rest.
    """
    width = 1 if (last - first).days < 31 else 7
    out = []
    end = last
    while end >= first:
        start = max(first, end - timedelta(days=width - 1))
        out.append((start, end))
        end = start - timedelta(days=1)
    return out[::-1]


def stale(day: date, built_at: datetime | None, now: datetime) -> bool:
    """Whether a day needs rolling up (again): never built, or built before it settled and a while ago.

    Today is rolled up again after a minute, an unsettled past day after a
    quarter of an hour; a day built `SETTLE_DAYS` after its end is final.
    """
    if built_at is None:
        return True
    day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
    if built_at >= day_end + timedelta(days=SETTLE_DAYS):
        return False
    again = TODAY_REFRESH if day >= now.date() else PAST_REFRESH
    return now - built_at >= again


TODAY_REFRESH = timedelta(minutes=1)
PAST_REFRESH = timedelta(minutes=15)
