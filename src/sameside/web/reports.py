"""Desk page: is the queue fair? Each customer tier's wait for a first human reply (P9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from sameside.business import service as business
from sameside.cases.fairness import queries as reports
from sameside.cases.fairness import rules as fairness
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.ids import MAX_ID
from sameside.staff.queries import list_teams
from sameside.web.deps import DeskAgent, PageSession
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS

router = APIRouter(prefix="/desk", include_in_schema=False)

PERIODS = (7, 30, 90)


@router.get("/reports/fairness", response_model=None)
@offload
def fairness_report(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    team: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    teams = list_teams(session)
    chosen = next((t for t in teams if t.id == team), None)
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
