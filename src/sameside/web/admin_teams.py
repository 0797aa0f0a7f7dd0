"""The admin centre's teams and departments: list, create, rename, and each one's settings.

The same services as the API (`staff.service`): a team's name, address,
routing and whether it is restricted; a department's name and the business
hours it has to answer a consult. A refusal draws the page again with the
message in the form that was sent, and what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import Invalid
from sameside.kit.ids import MAX_ID
from sameside.staff import queries, service
from sameside.staff.models import Routing
from sameside.web.admin_pages import admin_act, admin_page, not_admin
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
ROUTING = [
    (Routing.TAKE_NEXT, "Take next (agents pick from the fair queue)"),
    (Routing.ROUND_ROBIN, "Round robin"),
    (Routing.LEAST_LOADED, "Least loaded"),
    (Routing.SKILL, "By skill (language, product)"),
]


def _page(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    problem: Problem | None = None,
    refused_form: str | None = None,
    typed: PostedForm | None = None,
) -> Response:
    return admin_page(
        request,
        "desk_admin_teams.html",
        agent,
        "teams",
        status_code=problem[0] if problem else 200,
        teams=queries.list_teams(session),
        departments=queries.list_departments(session),
        routing=ROUTING,
        error=problem[1] if problem else None,
        refused_form=refused_form if problem else None,
        typed=typed.fields if typed is not None and problem else {},
    )


@router.get("/desk/admin/teams", response_model=None)
@offload
def teams(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    return not_admin(request, agent) or _page(request, session, agent)


def _act(request: Request, agent: Agent, form: PostedForm, key: str, work: Callable[[Session], str]) -> Response:
    return admin_act(
        request,
        agent,
        form,
        work,
        lambda session, problem: _page(request, session, agent, problem=problem, refused_form=key, typed=form),
    )


def _routing(value: str) -> Routing:
    try:
        return Routing(value)
    except ValueError:
        raise Invalid("Choose how new cases find an owner.") from None


def _hours(value: str) -> int:
    if not value.strip().isdigit() or not 1 <= int(value) <= 24 * 30:
        raise Invalid("The hours to answer must be a whole number from 1 to 720.")
    return int(value)


def _required(value: str, what: str) -> str:
    if not value.strip():
        raise Invalid(f"Give the {what}.")
    return value


@router.post("/desk/admin/teams", response_model=None)
@offload
def create_team(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> str:
        team = service.create_team(
            session,
            agent.actor,
            slug=form.get("slug").strip(),
            name=_required(form.get("name"), "team's name"),
            email=form.get("email").strip() or None,
            routing=_routing(form.get("routing", Routing.TAKE_NEXT.value)),
        )
        return f"/desk/admin/teams#team-{team.id}"

    return _act(request, agent, form, "new-team", work)


@router.post("/desk/admin/teams/{team_id}", response_model=None)
@offload
def update_team(request: Request, agent: DeskAgent, team_id: Id, form: Form) -> Response:
    def work(session: Session) -> str:
        team = queries.get_team(session, team_id)
        service.update_team(
            session,
            agent.actor,
            team,
            name=_required(form.get("name"), "team's name"),
            email=form.get("email").strip(),  # empty: the team no longer receives mail of its own
            routing=_routing(form.get("routing")),
            restricted=form.get("restricted") == "1",
        )
        return f"/desk/admin/teams#team-{team_id}"

    return _act(request, agent, form, f"team-{team_id}", work)


@router.post("/desk/admin/departments", response_model=None)
@offload
def create_department(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> str:
        department = service.create_department(
            session,
            agent.actor,
            slug=form.get("slug").strip(),
            name=_required(form.get("name"), "department's name"),
            service_level_hours=_hours(form.get("service_level_hours", "8")),
        )
        return f"/desk/admin/teams#department-{department.id}"

    return _act(request, agent, form, "new-department", work)


@router.post("/desk/admin/departments/{department_id}", response_model=None)
@offload
def update_department(request: Request, agent: DeskAgent, department_id: Id, form: Form) -> Response:
    def work(session: Session) -> str:
        department = queries.get_department(session, department_id)
        service.update_department(
            session,
            agent.actor,
            department,
            name=_required(form.get("name"), "department's name"),
            service_level_hours=_hours(form.get("service_level_hours")),
        )
        return f"/desk/admin/teams#department-{department_id}"

    return _act(request, agent, form, f"department-{department_id}", work)
