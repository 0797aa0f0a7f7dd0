"""API: the headline figures (docs/reports.md), and how fairly customers are served (P9)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sameside.business import service as business
from sameside.cases.fairness import queries as reports
from sameside.cases.fairness import rules as fairness
from sameside.cases.fairness.schemas import ParityOut, TierWaitsOut
from sameside.http.deps import AppSettings, ReadSession, StaffUser
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.kit.errors import Forbidden
from sameside.kit.ids import MAX_ID
from sameside.reports import queries as headline_figures
from sameside.reports.rules import Figures
from sameside.reports.schemas import HeadlineOut
from sameside.staff.queries import get_team

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/wait-parity", response_model=ParityOut)
@offload
def wait_parity(
    _: StaffUser,
    session: ReadSession,
    settings: AppSettings,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    team_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> ParityOut:
    """How long each customer tier waited for a first human reply, beside the standard tier.

    Open to all staff: whether the queue is fair is everyone's business. Cases
    still waiting count with their wait so far.
    """
    if team_id is not None:
        get_team(session, team_id)  # a team that is not there is a 404, not an empty report
    now = clock.now()
    since = now - timedelta(days=days)
    report = fairness.parity(
        reports.waits_since(session, since=since, now=now, team_id=team_id),
        tier_cap_minutes=business.current(session).tier_cap_minutes,
    )
    return ParityOut(
        since=since,
        until=now,
        team_id=team_id,
        tier_cap_minutes=business.current(session).tier_cap_minutes,
        tiers=[TierWaitsOut.model_validate(row, from_attributes=True) for row in report.tiers],
        widest_gap_minutes=report.widest_gap_minutes,
        p90_ratio=report.p90_ratio,
        within_bound=report.within_bound,
    )


Days = Annotated[int, Query(ge=1, le=365, description="The period: this many UTC days up to and including today")]
TeamId = Annotated[
    int | None, Query(ge=0, le=MAX_ID, description="One team's cases (0: cases in no team); every team if left out")
]


def _headline(actor: StaffUser, session: ReadSession, days: int, team_id: int | None) -> headline_figures.Headline:
    if not actor.at_least(Role.SUPERVISOR):
        raise Forbidden("The reports are for supervisors and admins.")
    if team_id:
        get_team(session, team_id)
    return headline_figures.headline(session, days=days, today=clock.now().date(), team_id=team_id)


@router.get("/headline", response_model=HeadlineOut)
@offload
def headline(actor: StaffUser, session: ReadSession, days: Days = 30, team_id: TeamId = None) -> HeadlineOut:
    """The headline figures of a period, in total and as a trend (a point a day up to 31 days, a week beyond).

    Read from the daily rollups the worker keeps (today's brought up to date every minute): the answer costs
    the same whatever the number of cases. For supervisors and admins, like the reports page.
    """
    return HeadlineOut.model_validate(_headline(actor, session, days, team_id), from_attributes=True)


CSV_FIGURES = [
    "first_replies",
    "reply_p50_minutes",
    "reply_p90_minutes",
    "fcr_decided",
    "first_contact_resolution",
    "opened",
    "repeat_rate",
    "resolved",
    "transfers_per_case",
    "transfers",
    "restatements_per_transfer",
    "consults_due",
    "consult_on_time",
    "callbacks_due",
    "callback_on_time",
    "tier_parity",
    "surveys_sent",
    "surveys_per_customer",
    "answers",
    "csat",
    "mean_score",
    "toned",
    "first_tone",
    "last_tone",
    "targets_decided",
    "service_level",
]


@router.get("/headline.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
@offload
def headline_csv(actor: StaffUser, session: ReadSession, days: Days = 30, team_id: TeamId = None) -> Response:
    """The same figures as CSV: a line for the whole period, then a line per point of the trend.

    Spend has a pair of columns per currency (minor units); per-department consults are in the JSON.
    """
    report = _headline(actor, session, days, team_id)
    currencies = sorted({s.currency for s in report.figures.spend})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["scope", "first_day", "last_day", *CSV_FIGURES]
        + [f"{c}_{p}_minor" for c in currencies for p in ("remedy", "goodwill")]
    )

    def line(scope: str, first: object, last: object, f: Figures) -> list[object]:
        spend = {s.currency: (s.remedy_minor, s.goodwill_minor) for s in f.spend}
        values = [_cell(getattr(f, name)) for name in CSV_FIGURES]
        return [scope, first, last, *values, *[x for c in currencies for x in spend.get(c, (0, 0))]]

    writer.writerow(line("period", report.first, report.last, report.figures))
    for point in report.trend:
        writer.writerow(line("point", point.first, point.last, point.figures))
    team = f"-team{team_id}" if team_id is not None else ""
    name = f"headline{team}-{report.first:%Y%m%d}-{report.last:%Y%m%d}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _cell(value: object) -> object:
    """Blank for a figure with nothing to measure; rates to four places."""
    if value is None:
        return ""
    return round(value, 4) if isinstance(value, float) else value
