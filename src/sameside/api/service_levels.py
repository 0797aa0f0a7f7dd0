"""Service levels: a team's policy (targets per priority, business hours, holidays) and attainment.

Any staff member reads a team's policy; an admin or a supervisor of the
team replaces it (the service decides). Attainment is open to all staff,
like the fairness report.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query

from sameside.cases.rules import Priority
from sameside.cases.service_levels import queries
from sameside.cases.service_levels import service as service_levels
from sameside.cases.service_levels.rules import Targets
from sameside.cases.service_levels.schemas import (
    AttainedOut,
    AttainmentOut,
    RangeOut,
    ServiceLevelsIn,
    ServiceLevelsOut,
    TargetsOut,
    WeekOut,
)
from sameside.http.deps import ReadSession, StaffUser, Write
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.hours import week_out
from sameside.kit.ids import MAX_ID
from sameside.staff.queries import get_team

router = APIRouter(tags=["service levels"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def policy_out(policy: service_levels.Policy) -> ServiceLevelsOut:
    week = week_out(policy.calendar.week)
    return ServiceLevelsOut(
        team_id=policy.team_id,
        timezone=policy.calendar.zone.key,
        week=WeekOut(**{day: [RangeOut(opens=r[0], closes=r[1]) for r in ranges] for day, ranges in week.items()}),
        holidays=sorted(policy.calendar.holidays),
        targets=[
            TargetsOut(
                priority=priority,
                first_reply_minutes=t.first_reply,
                next_reply_minutes=t.next_reply,
                resolution_minutes=t.resolution,
            )
            for priority, t in sorted(policy.targets.items(), key=lambda item: list(Priority).index(item[0]))
        ],
        own_calendar=policy.own_calendar,
        own_targets=policy.own_targets,
    )


@router.get("/teams/{team_id}/service-levels", response_model=ServiceLevelsOut)
@offload
def read_service_levels(team_id: Id, _: StaffUser, session: ReadSession) -> ServiceLevelsOut:
    get_team(session, team_id)
    return policy_out(service_levels.policy_for(session, team_id))


@router.put("/teams/{team_id}/service-levels", response_model=ServiceLevelsOut)
@offload
def replace_service_levels(team_id: Id, body: ServiceLevelsIn, actor: StaffUser, write: Write) -> ServiceLevelsOut:
    with write() as session:
        team = get_team(session, team_id)
        week = {day: [[r.opens, r.closes] for r in getattr(body.week, day)] for day in type(body.week).model_fields}
        policy = service_levels.set_policy(
            session,
            actor,
            team,
            timezone=body.timezone,
            week=week,
            holidays=body.holidays,
            targets={
                priority: Targets(t.first_reply_minutes, t.next_reply_minutes, t.resolution_minutes)
                for priority, t in body.targets.items()
            },
        )
        return policy_out(policy)


@router.get("/reports/service-levels", response_model=AttainmentOut, tags=["reports"])
@offload
def attainment(
    _: StaffUser,
    session: ReadSession,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    team_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> AttainmentOut:
    """Per team and target: how many were met in time and missed over the last `days` days, from stored facts."""
    if team_id is not None:
        get_team(session, team_id)
    now = clock.now()
    since = now - timedelta(days=days)
    rows = queries.attainment(session, since=since, until=now, team_id=team_id)
    return AttainmentOut(
        since=since,
        until=now,
        rows=[AttainedOut(team_id=a.team_id, target=a.kind, met=a.met, missed=a.missed, share=a.share) for a in rows],
    )
