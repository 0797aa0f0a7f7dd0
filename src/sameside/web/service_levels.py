"""The service-levels page: a team's targets per priority, business hours and holidays, and how it did.

Supervisors and admins see every team (`?team=<id>`); an admin or the team's
supervisor changes its policy here, through the same service as the API.
The form is a plain post (not boosted), so a refusal is drawn again beside
the form, with what was typed, whether or not JavaScript runs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from sameside.cases.rules import Priority
from sameside.cases.service_levels import queries
from sameside.cases.service_levels import service as service_levels
from sameside.cases.service_levels.rules import KIND_WORDS, TargetKind
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.hours import DAY_NAMES as DAYS_LONG
from sameside.kit.hours import DAYS, week_out
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries
from sameside.staff import rules as staff_rules
from sameside.staff.models import Team
from sameside.web import portal_choices
from sameside.web.admin_service_levels import targets_from
from sameside.web.deps import Agent, DeskAgent, PageSession, PostedForm, Problem, act, form_reader, go
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS

WeekForm = Annotated[PostedForm, Depends(form_reader(max_fields=48))]
"""A form with a week of opening hours in it: more fields than most (14 for the hours alone)."""

router = APIRouter(prefix="/desk", include_in_schema=False)

TeamId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
PERIOD_DAYS = 30


@router.get("/service-levels", response_model=None)
@offload
def service_levels_page(request: Request, agent: DeskAgent, session: PageSession, team: TeamId = None) -> Response:
    if not agent.actor.at_least(Role.SUPERVISOR):
        return page(
            request, "desk_refused.html", status_code=403, error="Service levels are for supervisors and admins."
        )
    try:
        shown = _team(session, agent, team)
    except DomainError as error:
        return page(request, "desk_refused.html", status_code=error.status, error=error.detail)
    return _draw(request, session, agent, shown)


def _team(session: Session, agent: Agent, wanted: int | None) -> Team | None:
    if wanted is not None:
        return staff_queries.get_team(session, wanted)
    if agent.actor.team_id is not None:
        return staff_queries.get_team(session, agent.actor.team_id)
    teams = staff_queries.list_teams(session)
    return teams[0] if teams else None


def _draw(
    request: Request,
    session: Session,
    agent: Agent,
    team: Team | None,
    *,
    status_code: int = 200,
    error: str | None = None,
    typed: PostedForm | None = None,
) -> Response:
    policy = service_levels.policy_for(session, team.id if team else None)
    week = week_out(policy.calendar.week)
    now = clock.now()
    attained = (
        queries.attainment(session, since=now - timedelta(days=PERIOD_DAYS), until=now, team_id=team.id) if team else []
    )
    values: dict[str, str] = {
        "timezone": policy.calendar.zone.key,
        "holidays": "\n".join(d.isoformat() for d in sorted(policy.calendar.holidays)),
    }
    for day in DAYS:
        first = week[day][0] if week[day] else ["", ""]
        values[f"{day}_opens"], values[f"{day}_closes"] = first
    for priority in Priority:
        targets = policy.targets[priority]
        for kind in TargetKind:
            values[f"{priority.value}_{kind.value}"] = str(targets.minutes(kind))
    if typed is not None:
        values.update({k: v for k, v in typed.fields.items() if k in values})
    return page(
        request,
        "desk_service_levels.html",
        status_code=status_code,
        agent=agent,
        views=VIEWS,
        current=None,
        team=team,
        teams=staff_queries.list_teams(session),
        policy=policy,
        may_change=team is not None and staff_rules.may_lead(agent.actor, team.id),
        values=values,
        days=[(day, DAYS_LONG[day]) for day in DAYS],
        priorities=list(Priority),
        kinds=[(kind.value, KIND_WORDS[kind]) for kind in TargetKind],
        attained=[{"kind": KIND_WORDS[a.kind], "met": a.met, "missed": a.missed, "share": a.share} for a in attained],
        period_days=PERIOD_DAYS,
        zones=portal_choices.zone_groups(),
        error=error,
    )


@router.post("/service-levels/{team_id}", response_model=None)
@offload
def save(
    request: Request, agent: DeskAgent, team_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: WeekForm
) -> Response:
    def work(session: Session) -> Response:
        team = staff_queries.get_team(session, team_id)
        service_levels.set_policy(session, agent.actor, team, **_policy_from(form))
        return go(f"/desk/service-levels?team={team_id}", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        try:
            team = staff_queries.get_team(session, team_id)
        except DomainError as error:
            return page(request, "desk_refused.html", status_code=error.status, error=error.detail)
        return _draw(request, session, agent, team, status_code=problem[0], error=problem[1], typed=form)

    return act(request, agent.csrf, form, work, refused)


def _policy_from(form: PostedForm) -> dict[str, Any]:
    """The form as a policy: with "follow" ticked, the team runs by the business's targets, or hours and holidays
    (and follows later changes to them), whatever the fields below say."""
    targets = None if form.get("follow_targets") else targets_from(form)
    if form.get("follow_hours"):
        return {"timezone": None, "week": None, "holidays": [], "targets": targets}
    week: dict[str, list[list[str]]] = {}
    for day in DAYS:
        opens, closes = form.get(f"{day}_opens", "").strip(), form.get(f"{day}_closes", "").strip()
        if opens or closes:
            if not (opens and closes):
                raise Invalid(f"{DAYS_LONG[day]}: give both the opening and the closing time, or neither.")
            week[day] = [[opens, closes]]
    holidays = [line.strip() for line in form.get("holidays", "").replace(",", "\n").splitlines() if line.strip()]
    return {"timezone": form.get("timezone", ""), "week": week, "holidays": holidays, "targets": targets}
