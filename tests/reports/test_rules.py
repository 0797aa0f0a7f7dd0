"""The figures' arithmetic: buckets, nearest-rank percentiles, rates of totals, trend steps, staleness."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sameside.reports import rules


def test_waits_are_bucketed_finer_where_minutes_matter() -> None:
    assert [rules.bucket(m) for m in (0, 0.9, 7.5, 59.9)] == [0, 0, 7, 59]
    assert [rules.bucket(m) for m in (61, 599)] == [60, 595]
    assert [rules.bucket(m) for m in (601, 2879)] == [600, 2850]
    assert rules.bucket(3059) == 3000
    assert rules.bucket(-5) == 0


def test_a_percentile_of_a_histogram_is_the_nearest_rank_of_the_values() -> None:
    values = [1, 1, 2, 3, 5, 8, 13, 21, 34, 55]
    histogram: dict[int, int] = {}
    for v in values:
        histogram[v] = histogram.get(v, 0) + 1
    assert rules.percentile(histogram, 0.5) == 5  # the 5th of 10
    assert rules.percentile(histogram, 0.9) == 34  # the 9th of 10
    assert rules.percentile(histogram, 1.0) == 55
    assert rules.percentile({}, 0.5) is None


def test_a_period_rate_is_computed_from_its_totals_not_an_average_of_days() -> None:
    busy = rules.Facts(first_time=90, came_back=10)
    quiet = rules.Facts(first_time=0, came_back=1)
    period = rules.figures(rules.total([busy, quiet]))
    assert period.first_contact_resolution == 90 / 101  # not (0.9 + 0.0) / 2
    assert rules.figures(rules.Facts()).first_contact_resolution is None


def test_tier_parity_compares_the_slowest_tiers_p90_with_the_fastest_and_needs_five_cases_each() -> None:
    f = rules.Facts(
        first_replies={"standard": {60: 5}, "premium": {20: 4, 30: 1}, "enterprise": {5: 4}}  # 4: too few
    )
    figures = rules.figures(f)
    assert figures.tier_p90_minutes == {"premium": 30, "standard": 60}
    assert figures.tier_parity == 2.0
    assert rules.figures(rules.Facts(first_replies={"standard": {0: 5}, "premium": {3: 5}})).tier_parity == 3.0


def test_surveys_per_customer_counts_a_second_survey_within_thirty_days_against_the_first() -> None:
    assert rules.figures(rules.Facts(surveys_sent=10)).surveys_per_customer == 1.0
    assert rules.figures(rules.Facts(surveys_sent=12, surveys_again=2)).surveys_per_customer == 1.2
    assert rules.figures(rules.Facts()).surveys_per_customer is None


def test_spend_and_consults_add_up_per_currency_and_department() -> None:
    a = rules.Facts(spend={"EUR": [100, 50]}, consults={3: [2, 1]})
    b = rules.Facts(spend={"EUR": [10, 0], "GBP": [0, 7]}, consults={3: [1, 1], 4: [1, 0]})
    f = rules.figures(rules.total([a, b]))
    assert [(s.currency, s.remedy_minor, s.goodwill_minor) for s in f.spend] == [("EUR", 110, 50), ("GBP", 0, 7)]
    assert [(c.department_id, c.due, c.on_time) for c in f.consults] == [(3, 3, 2), (4, 1, 0)]
    assert f.consult_on_time == 2 / 4


def test_a_trend_has_a_point_a_day_up_to_a_month_and_a_point_a_week_beyond() -> None:
    last = date(2026, 11, 30)
    assert len(rules.steps(last - timedelta(days=6), last, days=7)) == 7
    weekly = rules.steps(last - timedelta(days=89), last, days=90)
    assert len(weekly) == 13 and weekly[-1] == (last - timedelta(days=6), last)
    assert weekly[0][0] == last - timedelta(days=89)


def test_today_is_rolled_up_every_minute_a_past_day_every_quarter_hour_until_it_settles() -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    today, yesterday = now.date(), now.date() - timedelta(days=1)
    assert rules.stale(today, None, now)
    assert not rules.stale(today, now - timedelta(seconds=30), now)
    assert rules.stale(today, now - timedelta(minutes=1), now)
    assert not rules.stale(yesterday, now - timedelta(minutes=10), now)
    assert rules.stale(yesterday, now - timedelta(minutes=15), now)
    settled = datetime(2026, 11, 28, tzinfo=UTC)  # eight days after yesterday ended
    assert not rules.stale(yesterday, settled, settled + timedelta(days=400))
