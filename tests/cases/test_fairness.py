"""A fair queue (P9): waiting counts most, urgency counts, a tier's head start is bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sameside.cases.fairness import Candidate, order, score
from sameside.cases.rules import Priority
from sameside.customers.models import Tier

NOW = datetime(2031, 3, 3, 12, 0, tzinfo=UTC)


def waiting(
    minutes: int, *, case_id: int, priority: Priority = Priority.NORMAL, tier: Tier = Tier.STANDARD
) -> Candidate:
    return Candidate(case_id, priority, tier, NOW - timedelta(minutes=minutes))


def test_the_longest_wait_goes_first_and_urgency_moves_a_case_up() -> None:
    first = order([waiting(10, case_id=1), waiting(50, case_id=2)], now=NOW, tier_cap_minutes=60)
    assert [c.case_id for c in first] == [2, 1]
    urgent = order(
        [waiting(200, case_id=1), waiting(5, case_id=2, priority=Priority.URGENT)], now=NOW, tier_cap_minutes=60
    )
    assert [c.case_id for c in urgent] == [2, 1]


def test_a_tier_head_start_is_bounded_by_the_cap() -> None:
    premium_fresh = waiting(10, case_id=1, tier=Tier.ENTERPRISE)
    standard_waiting = waiting(45, case_id=2)
    assert [c.case_id for c in order([premium_fresh, standard_waiting], now=NOW, tier_cap_minutes=60)] == [1, 2]
    assert [c.case_id for c in order([premium_fresh, standard_waiting], now=NOW, tier_cap_minutes=20)] == [2, 1]
    assert score(premium_fresh, now=NOW, tier_cap_minutes=0) == score(
        waiting(10, case_id=3), now=NOW, tier_cap_minutes=0
    )
