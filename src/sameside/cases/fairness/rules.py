"""A fair queue (P9), as pure rules: who is served next, and why; and whether tiers wait alike.

Everyone's score is how long they have waited, in minutes, plus a bonus for
urgency, a lift for a customer whose latest message reads as clearly upset,
and — once the reply target has passed — the overdue minutes counted again,
so a case past its service level climbs faster than one still inside it. A
customer's tier may add weight, but never more than a bounded head start
(`tier_cap_minutes`): a premium customer can move ahead of someone who has
waited a little longer, never ahead of someone who has waited much longer.

`parity` is the check on that promise: each tier's wait for a first human
reply beside the standard tier's.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sameside.cases.rules import Priority
from sameside.customers.rules import Tier

URGENCY_MINUTES = {Priority.URGENT: 240, Priority.HIGH: 90, Priority.NORMAL: 0, Priority.LOW: -60}
TIER_MINUTES = {Tier.STANDARD: 0, Tier.PREMIUM: 30, Tier.ENTERPRISE: 60}
UPSET_MINUTES = 30
"""An unhappy customer's lift: enough to pass a calm one who came a little earlier, no more."""
DEFAULT_REPLY_TARGET_MINUTES = 8 * 60


@dataclass(frozen=True)
class Candidate:
    case_id: int
    priority: Priority
    tier: Tier
    waiting_since: datetime
    upset: bool = False


def score(
    candidate: Candidate,
    *,
    now: datetime,
    tier_cap_minutes: int,
    reply_target_minutes: int = DEFAULT_REPLY_TARGET_MINUTES,
) -> float:
    waited = max(0.0, (now - candidate.waiting_since).total_seconds() / 60)
    overdue = max(0.0, waited - reply_target_minutes)
    head_start = max(0, min(TIER_MINUTES.get(candidate.tier, 0), tier_cap_minutes))
    mood = UPSET_MINUTES if candidate.upset else 0
    return waited + overdue + URGENCY_MINUTES.get(candidate.priority, 0) + head_start + mood


def order(
    candidates: list[Candidate],
    *,
    now: datetime,
    tier_cap_minutes: int,
    reply_target_minutes: int = DEFAULT_REPLY_TARGET_MINUTES,
) -> list[Candidate]:
    """Highest score first; on a tie, whoever has waited longest, then the oldest case."""
    return sorted(
        candidates,
        key=lambda c: (
            -score(c, now=now, tier_cap_minutes=tier_cap_minutes, reply_target_minutes=reply_target_minutes),
            c.waiting_since,
            c.case_id,
        ),
    )


# ---------------------------------------------------------------- parity


@dataclass(frozen=True)
class Wait:
    """One case's wait for its first human reply; `answered` False means it is still waiting (so far)."""

    tier: Tier
    minutes: float
    answered: bool


@dataclass(frozen=True)
class TierWaits:
    tier: Tier
    cases: int
    still_waiting: int
    median_minutes: float | None
    p90_minutes: float | None
    ratio_to_standard: float | None
    """This tier's median over the standard tier's: 1.0 is parity, 0.8 means a fifth shorter."""


@dataclass(frozen=True)
class Parity:
    tiers: list[TierWaits]
    widest_gap_minutes: float | None
    """The largest difference between two tiers' medians; compare it with the configured head start."""
    within_bound: bool | None
    """True when no tier's median is shorter than standard's by more than the head start allows."""
    p90_ratio: float | None = None
    """The headline figure: the slowest tier's 90th percentile over the fastest tier's (1.0 is parity)."""


MIN_SAMPLES = 5
"""Fewer cases than this in a tier and its figures are left out rather than read as a trend."""


def parity(waits: Iterable[Wait], *, tier_cap_minutes: int) -> Parity:
    """Each tier's wait beside the standard tier's.

    Cases still waiting count with the time they have waited so far: leaving
    them out would flatter exactly the tier that is being neglected.
    """
    by_tier: dict[Tier, list[Wait]] = {tier: [] for tier in Tier}
    for wait in waits:
        by_tier.setdefault(wait.tier, []).append(wait)
    medians: dict[Tier, float] = {}
    rows: list[TierWaits] = []
    for tier, items in by_tier.items():
        minutes = sorted(w.minutes for w in items)
        enough = len(minutes) >= MIN_SAMPLES
        median = round(statistics.median(minutes), 1) if enough else None
        p90 = round(_percentile(minutes, 0.9), 1) if enough else None
        if median is not None:
            medians[tier] = median
        rows.append(TierWaits(tier, len(items), sum(not w.answered for w in items), median, p90, None))
    base = medians.get(Tier.STANDARD)
    rows = [
        TierWaits(
            r.tier,
            r.cases,
            r.still_waiting,
            r.median_minutes,
            r.p90_minutes,
            round(r.median_minutes / base, 2) if base and r.median_minutes is not None else None,
        )
        for r in rows
    ]
    gap = round(max(medians.values()) - min(medians.values()), 1) if len(medians) >= 2 else None
    within = None
    if base is not None and len(medians) >= 2:
        within = all(base - m <= max(0, tier_cap_minutes) + 1e-9 for m in medians.values())
    p90s = [r.p90_minutes for r in rows if r.p90_minutes is not None]
    ratio = round(max(p90s) / min(p90s), 2) if len(p90s) >= 2 and min(p90s) > 0 else None
    return Parity(rows, gap, within, ratio)


def _percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    rank = max(1, min(len(sorted_values), math.ceil(share * len(sorted_values) - 1e-9)))
    return sorted_values[rank - 1]
