"""API: reports on how fairly customers are served (P9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from sameside.business import service as business
from sameside.cases.fairness import queries as reports
from sameside.cases.fairness import rules as fairness
from sameside.cases.fairness.schemas import ParityOut, TierWaitsOut
from sameside.http.deps import AppSettings, ReadSession, StaffUser
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.ids import MAX_ID
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
