"""API: repeat contacts and first-contact resolution (P12)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query

from sameside.cases.access import case_for
from sameside.cases.repeats import figures
from sameside.cases.repeats import service as repeats
from sameside.cases.repeats.schemas import FirstContactOut, FirstContactReportOut, RepeatsOut, SeenOut
from sameside.http.deps import ReadSession, StaffUser
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.ids import MAX_ID
from sameside.staff.queries import get_team

router = APIRouter(tags=["repeat contacts"])


def _seen(seen: repeats.Seen | None) -> SeenOut | None:
    return SeenOut.model_validate(seen, from_attributes=True) if seen else None


@router.get("/cases/{number}/repeats", response_model=RepeatsOut)
@offload
def case_repeats(
    number: Annotated[int, Path(ge=1, le=MAX_ID, description="The case number")], actor: StaffUser, session: ReadSession
) -> RepeatsOut:
    """Whether the case repeats one resolved the week before, which cases came back about it, and its P12 state."""
    case = case_for(session, actor, number)
    story = repeats.story(session, case, clock.now())
    return RepeatsOut(
        repeat_of=_seen(story.earlier),
        shared=story.shared,
        routed_back=story.routed_back,
        came_back_in=[s for s in (_seen(x) for x in story.later) if s is not None],
        first_contact=story.first_contact,
    )


def _line(owner_id: int | None, found: figures.FirstContact) -> FirstContactOut:
    return FirstContactOut(
        owner_id=owner_id,
        resolved=found.resolved,
        first_time=found.first_time,
        came_back=found.came_back,
        pending=found.pending,
        reopened=found.reopened,
        rate=found.rate,
        handle_hours_p50=found.handle_hours_p50,
    )


@router.get("/reports/first-contact", response_model=FirstContactReportOut)
@offload
def first_contact_report(
    _: StaffUser,
    session: ReadSession,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    team_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> FirstContactReportOut:
    """First-contact resolution and repeat contacts over the last `days`, in total and per owner.

    A case counts in the period it was resolved in; those resolved less than
    a week ago are pending and left out of the rate. Handle time is there as
    information, never as a target or a ranking: owners are listed by id.
    """
    if team_id is not None:
        get_team(session, team_id)
    now = clock.now()
    since = now - timedelta(days=days)
    total = figures.first_contact(session, since=since, until=now, now=now, team_id=team_id)
    owners = figures.by_owner(session, since=since, until=now, now=now, team_id=team_id)
    came = figures.repeats(session, since=since, until=now, team_id=team_id)
    return FirstContactReportOut(
        since=since,
        until=now,
        team_id=team_id,
        total=_line(None, total),
        by_owner=[_line(o, owners[o]) for o in sorted(owners, key=lambda o: (o is None, o or 0))],
        opened=came.opened,
        repeats=came.repeats,
        repeat_rate=came.rate,
    )
