"""Desk reports: the headline figures on one page, and whether the queue is fair (P9)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from sameside.business import service as business
from sameside.cases.fairness import queries as reports
from sameside.cases.fairness import rules as fairness
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.reports import queries as headline_figures
from sameside.staff.models import Team
from sameside.staff.queries import list_departments, list_teams
from sameside.web import report_charts
from sameside.web.deps import DeskAgent, PageSession
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS

router = APIRouter(prefix="/desk", include_in_schema=False)

PERIODS = (7, 30, 90)


TeamChoice = Annotated[str | None, Query(max_length=12)]
"""A report's team, as its form sends it: `team=` (empty) is "every team", a choice and not a wrong address."""


def _chosen(teams: Sequence[Team], team: str | None) -> Team | None:
    return next((t for t in teams if team and team.isdigit() and t.id == int(team)), None)


@router.get("/reports", response_model=None)
@offload
def headline_report(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    team: TeamChoice = None,
) -> Response:
    """How customers are being treated: the headline figures of a period, their trends, each with its numbers.

    Reads the daily rollups only (`reports.queries.headline`): a row per team and day, whatever the number of cases.
    """
    if not agent.actor.at_least(Role.SUPERVISOR):
        return page(request, "desk_refused.html", status_code=403, error="The reports are for supervisors and admins.")
    teams = list_teams(session)
    chosen = _chosen(teams, team)
    report = headline_figures.headline(
        session, days=days, today=clock.now().date(), team_id=chosen.id if chosen else None
    )
    departments = {d.id: d.name for d in list_departments(session)}
    query = f"days={days}" + (f"&team_id={chosen.id}" if chosen else "")
    return page(
        request,
        "desk_reports.html",
        agent=agent,
        views=VIEWS,
        current=None,
        reports_page=True,
        report=report,
        cards=report_charts.cards(report),
        spend=report_charts.spend_lines(report.figures),
        consults=[
            (departments.get(c.department_id, f"department {c.department_id}"), c) for c in report.figures.consults
        ],
        percent=report_charts.percent,
        days=days,
        periods=PERIODS,
        teams=teams,
        team=chosen,
        csv=f"/api/v1/reports/headline.csv?{query}",
    )


@router.get("/reports/fairness", response_model=None)
@offload
def fairness_report(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    team: TeamChoice = None,
) -> Response:
    teams = list_teams(session)
    chosen = _chosen(teams, team)
    now = clock.now()
    cap = business.current(session).tier_cap_minutes
    report = fairness.parity(
        reports.waits_since(session, since=now - timedelta(days=days), now=now, team_id=chosen.id if chosen else None),
        tier_cap_minutes=cap,
    )
    return page(
        request,
        "desk_fairness.html",
        agent=agent,
        views=VIEWS,
        current=None,
        reports_page=True,
        report=report,
        days=days,
        periods=PERIODS,
        teams=teams,
        team=chosen,
        cap=cap,
        upset_minutes=fairness.UPSET_MINUTES,
        tier_minutes=fairness.TIER_MINUTES,
        urgency_minutes=fairness.URGENCY_MINUTES,
    )
