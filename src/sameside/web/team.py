"""The team page: how the team's new cases find an owner, and who is in it with what skills and load (P9, P14).

Everyone on staff sees their own team; supervisors and admins may look at
any team (`?team=<id>`). The team's supervisor, or an admin, changes the
routing mode and members' languages and products here; the staff services
decide who may, as they do for the API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from sameside.cases import glance
from sameside.cases.models import Case
from sameside.cases.queries import CaseFilter
from sameside.cases.routing import rules as routing_rules
from sameside.cases.routing import service as routing
from sameside.cases.rules import ACTIVE
from sameside.cases.service_levels.queries import due_labels
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.actors import Role
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries
from sameside.staff import rules as staff_rules
from sameside.staff import service as staff_service
from sameside.staff.models import Routing, Team
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, Problem
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS, desk_action

router = APIRouter(prefix="/desk", include_in_schema=False)

TeamId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
DUE_NEXT = 10
"""How many of the team's cases the page lists under "Due next", the soonest due first."""


@router.get("/team", response_model=None)
@offload
def team_page(request: Request, agent: DeskAgent, session: PageSession, team: TeamId = None) -> Response:
    return _draw(request, session, agent, team)


def _draw(
    request: Request, session: Session, agent: Agent, team: int | None, *, status_code: int = 200, **context: Any
) -> Response:
    """The team page; drawn again with a refusal beside the form that was sent (`refused_form`) and what was typed."""
    try:
        shown = _team_for(session, agent, team)
    except DomainError as error:
        return page(request, "desk_refused.html", status_code=error.status, error=error.detail)
    sees_all = agent.actor.at_least(Role.SUPERVISOR)
    members = routing.roster(session, shown.id) if shown else []
    last = next((m.staff.name for m in members if shown and m.staff.id == shown.last_routed_staff_id), None)
    due_next = _due_next(session, agent, shown.id) if shown else []
    return page(
        request,
        "desk_team.html",
        status_code=status_code,
        agent=agent,
        views=VIEWS,
        current=None,
        team=shown,
        teams=staff_queries.list_teams(session) if sees_all else [],
        members=members,
        last_routed=last,
        due_next=due_next,
        dues=due_labels(due_next),
        may_change=shown is not None and staff_rules.may_lead(agent.actor, shown.id),
        modes=[(mode, routing_rules.LABELS[mode.value]) for mode in Routing],
        label=routing_rules.LABELS,
        explain=routing_rules.explain(shown.routing.value) if shown else "",
        max_open=routing_rules.MAX_OPEN,
        typed=context.pop("typed", {}),
        **context,
    )


def _due_next(session: Session, agent: Agent, team_id: int) -> list[Case]:
    """The team's active cases with a service-level time running, the soonest due first (one query)."""
    soonest = glance.rows(
        session, agent.actor, CaseFilter(statuses=tuple(ACTIVE), team_id=team_id), sort="due", limit=DUE_NEXT
    )
    return [c for c in soonest if c.due_at is not None]


def _team_for(session: Session, agent: Agent, wanted: int | None) -> Team | None:
    """The team asked for, if the viewer may look at it; else their own (None when they have none)."""
    if wanted is not None and (wanted == agent.actor.team_id or agent.actor.at_least(Role.SUPERVISOR)):
        return staff_queries.get_team(session, wanted)
    if wanted is not None:
        raise Invalid("You can see your own team's page; supervisors see every team's.")
    return staff_queries.get_team(session, agent.actor.team_id) if agent.actor.team_id else None


@router.post("/team/{team_id}/routing", response_model=None)
@offload
def change_routing(
    request: Request, agent: DeskAgent, team_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: Form
) -> Response:
    def work(session: Session) -> str:
        try:
            mode = Routing(form.get("routing", ""))
        except ValueError:
            raise Invalid("Choose how new cases find an owner.") from None
        staff_service.set_routing(session, agent.actor, staff_queries.get_team(session, team_id), mode)
        return f"/desk/team?team={team_id}&saved=routing"

    def again(session: Session, problem: Problem) -> Response:
        return _draw(request, session, agent, team_id, status_code=problem[0], error=problem[1], refused_form="routing")

    return desk_action(request, agent, form, work, again=again)


@router.post("/team/members/{staff_id}/skills", response_model=None)
@offload
def change_skills(
    request: Request, agent: DeskAgent, staff_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: Form
) -> Response:
    def work(session: Session) -> str:
        person = staff_queries.get_staff(session, staff_id)
        staff_service.set_skills(
            session,
            agent.actor,
            person,
            languages=_listed(form.get("languages", "")),
            products=_listed(form.get("products", "")),
        )
        back = f"/desk/team?team={person.team_id}&" if person.team_id else "/desk/team?"
        return f"{back}saved={staff_id}#member-{staff_id}"

    def again(session: Session, problem: Problem) -> Response:
        team = staff_queries.get_staff(session, staff_id).team_id
        return _draw(
            request,
            session,
            agent,
            team if team != agent.actor.team_id else None,
            status_code=problem[0],
            error=problem[1],
            refused_form=f"skills-{staff_id}",
            typed=form.fields,
        )

    return desk_action(request, agent, form, work, again=again)


def _listed(text: str) -> list[str]:
    """`de, en` → ["de", "en"]: what a person types into one field, as a list."""
    return [part.strip() for part in text.split(",") if part.strip()]
