"""A fair queue (P9), as pure rules: who is served next, and why.

Everyone's score is how long they have waited, in minutes, plus a bonus for
urgency. A customer's tier may add weight, but never more than a bounded head
start (`tier_cap_minutes`): a premium customer can move ahead of someone who
has waited a little longer, never ahead of someone who has waited much longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sameside.cases.rules import Priority
from sameside.customers.models import Tier

URGENCY_MINUTES = {Priority.URGENT: 240, Priority.HIGH: 90, Priority.NORMAL: 0, Priority.LOW: -60}
TIER_MINUTES = {Tier.STANDARD: 0, Tier.PREMIUM: 30, Tier.ENTERPRISE: 60}


@dataclass(frozen=True)
class Candidate:
    case_id: int
    priority: Priority
    tier: Tier
    waiting_since: datetime


def score(candidate: Candidate, *, now: datetime, tier_cap_minutes: int) -> float:
    waited = max(0.0, (now - candidate.waiting_since).total_seconds() / 60)
    head_start = min(TIER_MINUTES.get(candidate.tier, 0), tier_cap_minutes)
    return waited + URGENCY_MINUTES.get(candidate.priority, 0) + head_start


def order(candidates: list[Candidate], *, now: datetime, tier_cap_minutes: int) -> list[Candidate]:
    """Highest score first; on a tie, whoever has waited longest, then the oldest case."""
    return sorted(
        candidates,
        key=lambda c: (-score(c, now=now, tier_cap_minutes=tier_cap_minutes), c.waiting_since, c.case_id),
    )
