from __future__ import annotations

from datetime import datetime

from sameside.cases.repeats.rules import FirstContact
from sameside.kit.schema import Output


class SeenOut(Output):
    number: int
    subject: str
    at: datetime
    """When the earlier case was resolved, or the later one opened."""
    owner: str | None


class RepeatsOut(Output):
    """What a case repeats and what came back about it (P12)."""

    repeat_of: SeenOut | None
    """The case resolved within the week before that this one is the same problem as."""
    shared: str
    """What both name: order numbers first, then words (or why they matched)."""
    routed_back: bool
    """The case went back to the earlier owner, who was at the desk."""
    came_back_in: list[SeenOut]
    """Later cases that were the same problem as this one."""
    first_contact: FirstContact
    """`yes` once a week passed after its resolution with no further contact, reopen or repeat; `no`;
    `pending` (resolved less than a week ago); `open`."""


class FirstContactOut(Output):
    owner_id: int | None
    """Who owned the cases at resolution; null in the totals line, and for cases nobody owned."""
    resolved: int
    first_time: int
    came_back: int
    pending: int
    """Resolved less than a week before the report: not in the rate yet."""
    reopened: int
    rate: float | None
    """first_time / (first_time + came_back)."""
    handle_hours_p50: float | None
    """Information, never a target: the median time from opening to resolution."""


class FirstContactReportOut(Output):
    since: datetime
    until: datetime
    team_id: int | None
    total: FirstContactOut
    by_owner: list[FirstContactOut]
    opened: int
    """Cases opened in the period."""
    repeats: int
    """…of which were repeat contacts."""
    repeat_rate: float | None
