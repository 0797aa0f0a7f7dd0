"""A fair queue (P9): waiting counts most, urgency counts, a tier's head start is bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sameside.cases.fairness.rules import Candidate, Wait, order, parity, score
from sameside.cases.rules import Priority
from sameside.customers.rules import Tier

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


def test_an_upset_customer_is_lifted_past_a_calm_one_who_came_a_little_earlier_not_much_earlier() -> None:
    upset_now = Candidate(1, Priority.NORMAL, Tier.STANDARD, NOW - timedelta(minutes=5), upset=True)
    calm_a_little_earlier = waiting(20, case_id=2)
    calm_much_earlier = waiting(120, case_id=3)
    ranked = order([calm_much_earlier, calm_a_little_earlier, upset_now], now=NOW, tier_cap_minutes=60)
    assert [c.case_id for c in ranked] == [3, 1, 2]


def test_past_the_reply_target_a_wait_counts_double() -> None:
    overdue = waiting(9 * 60, case_id=1)  # one hour past an eight-hour target
    urgent_fresh = waiting(0, case_id=2, priority=Priority.URGENT)
    assert score(overdue, now=NOW, tier_cap_minutes=60, reply_target_minutes=8 * 60) == 9 * 60 + 60
    # Inside a longer target the same wait does not outrank a fresh urgent case…
    assert [
        c.case_id for c in order([overdue, urgent_fresh], now=NOW, tier_cap_minutes=60, reply_target_minutes=24 * 60)
    ] == [1, 2]
    assert score(overdue, now=NOW, tier_cap_minutes=60, reply_target_minutes=24 * 60) == 9 * 60


def waits(tier: Tier, minutes: list[float], *, waiting: int = 0) -> list[Wait]:
    return [Wait(tier, m, answered=i >= waiting) for i, m in enumerate(minutes)]


def test_parity_compares_each_tiers_median_wait_with_the_standard_tier() -> None:
    report = parity(
        waits(Tier.STANDARD, [40, 50, 60, 70, 80])
        + waits(Tier.PREMIUM, [20, 30, 30, 40, 50])
        + waits(Tier.ENTERPRISE, [10, 20]),
        tier_cap_minutes=60,
    )
    rows = {r.tier: r for r in report.tiers}
    assert rows[Tier.STANDARD].median_minutes == 60 and rows[Tier.STANDARD].ratio_to_standard == 1.0
    assert rows[Tier.PREMIUM].median_minutes == 30 and rows[Tier.PREMIUM].ratio_to_standard == 0.5
    assert rows[Tier.PREMIUM].p90_minutes == 50
    # Two enterprise cases are too few to call a trend.
    assert rows[Tier.ENTERPRISE].cases == 2 and rows[Tier.ENTERPRISE].median_minutes is None
    assert report.widest_gap_minutes == 30 and report.within_bound is True
    assert report.p90_ratio == round(80 / 50, 2)  # slowest tier's p90 over the fastest's
    assert (
        parity(waits(Tier.STANDARD, [200] * 5) + waits(Tier.PREMIUM, [10] * 5), tier_cap_minutes=60).within_bound
        is False
    )


def test_customers_still_waiting_count_with_their_wait_so_far() -> None:
    report = parity(waits(Tier.STANDARD, [10, 10, 500, 500, 500], waiting=3), tier_cap_minutes=60)
    standard = report.tiers[0]
    assert standard.still_waiting == 3 and standard.median_minutes == 500
    assert report.within_bound is None  # one tier alone cannot be compared


def test_the_90th_percentile_is_the_nearest_rank_not_the_maximum() -> None:
    ten = parity(waits(Tier.STANDARD, [float(m) for m in range(1, 11)]), tier_cap_minutes=60)
    assert ten.tiers[0].p90_minutes == 9  # the 9th of 10, not the slowest
    thirty = parity(waits(Tier.STANDARD, [float(m) for m in range(1, 31)]), tier_cap_minutes=60)
    assert thirty.tiers[0].p90_minutes == 27
