"""The headline figures as the API gives them (`GET /api/v1/reports/headline`)."""

from __future__ import annotations

from datetime import date, datetime

from sameside.kit.schema import Output


class ConsultsOut(Output):
    department_id: int
    due: int
    on_time: int
    share: float | None


class SpendOut(Output):
    currency: str
    remedy_minor: int
    goodwill_minor: int


class FiguresOut(Output):
    """Each rate is null when there was nothing to measure; counts say how many cases a figure stands on."""

    first_replies: int
    reply_p50_minutes: int | None
    """Time to first human reply: nearest-rank percentiles of the waits, bucketed (docs/reports.md)."""
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
    consults: list[ConsultsOut]
    callbacks_due: int
    callback_on_time: float | None
    tier_p90_minutes: dict[str, int]
    tier_parity: float | None
    """The slowest tier's p90 first-reply wait over the fastest's (tiers with at least five replies)."""
    surveys_sent: int
    surveys_per_customer: float | None
    """Surveys sent over surveys that were the first to their customer in 30 days: 1.0 keeps the policy."""
    answers: int
    csat: float | None
    """Answers of 4 or 5 out of 5, over all answers."""
    mean_score: float | None
    spend: list[SpendOut]
    toned: int
    first_tone: float | None
    """The mean tone (−1 … +1) of the customer's first message, over cases resolved in the period."""
    last_tone: float | None
    targets_decided: int
    service_level: float | None


class PointOut(Output):
    first: date
    last: date
    figures: FiguresOut


class HeadlineOut(Output):
    first: date
    last: date
    """The period, UTC days, both included (the last is today)."""
    team_id: int | None
    """The team asked for; 0 for cases in no team; null for every team."""
    as_of: datetime | None
    """When the newest rollup was read from the cases."""
    figures: FiguresOut
    trend: list[PointOut]
    """A point a day up to 31 days, a week beyond."""
