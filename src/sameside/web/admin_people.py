"""The admin centre's people: staff with their role, team and department; invitations; deactivation.

Every form is a plain post with the CSRF token (`web.deps.act`); a refusal
draws the page again with the message beside the form that was sent and what
was typed, and with JavaScript the message shows inside that form
(`static/forms.js`). Deactivating someone hands their open cases back to
their teams' queues (`cases.departures`) and the page says how many.

`/invite/<token>` is where an invitee lands: one form to choose a password,
guarded like every sign-in form (`web.sign_in_guard`), then the desk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from sameside.auth import service as auth
from sameside.auth import staff_access
from sameside.cases import departures
from sameside.db.engine import Session
from sameside.http.deps import AppSettings, Write, database, set_session_cookies
from sameside.http.limits import doorman
from sameside.http.offload import offload
from sameside.kit.actors import Role
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.kit.unset import UNSET
from sameside.staff import invitations, queries, service
from sameside.web import sign_in_guard
from sameside.web.admin_pages import admin_act, admin_page, not_admin
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem
from sameside.web.pages import page

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Shown = Annotated[int | None, Query(ge=0, le=MAX_ID)]
ROLES = [(Role.AGENT, "Agent"), (Role.SUPERVISOR, "Supervisor"), (Role.ADMIN, "Admin")]


def _people(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    problem: Problem | None = None,
    refused_form: str | None = None,
    typed: PostedForm | None = None,
    said: dict[str, int | None] | None = None,
) -> Response:
    teams = {t.id: t for t in queries.list_teams(session)}
    departments = {d.id: d for d in queries.list_departments(session)}
    staff = queries.list_staff(session)
    said = said or {}
    named = {s.id: s.name for s in staff}
    return admin_page(
        request,
        "desk_admin_people.html",
        agent,
        "people",
        status_code=problem[0] if problem else 200,
        staff=staff,
        teams=teams,
        departments=departments,
        outstanding=[(i, invitations.state_of(i)) for i in invitations.outstanding(session)],
        roles=ROLES,
        error=problem[1] if problem else None,
        refused_form=refused_form if problem else None,
        typed=typed.fields if typed is not None and problem else {},
        deactivated=named.get(said.get("deactivated") or 0),
        returned=said.get("returned"),
        invited=said.get("invited"),
        valid_days=invitations.VALID_DAYS,
    )


@router.get("/desk/admin/people", response_model=None)
@offload
def people(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    deactivated: Shown = None,
    returned: Shown = None,
    invited: Shown = None,
) -> Response:
    said = {"deactivated": deactivated, "returned": returned, "invited": invited}
    return not_admin(request, agent) or _people(request, session, agent, said=said)


def _admin_act(request: Request, agent: Agent, form: PostedForm, key: str, work: Callable[[Session], str]) -> Response:
    """Do `work` as the admin; a refusal draws the people page with the message in the form named `key`."""
    return admin_act(
        request,
        agent,
        form,
        work,
        lambda session, problem: _people(request, session, agent, problem=problem, refused_form=key, typed=form),
    )


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise Invalid("Choose a role: agent, supervisor or admin.") from None


def _link(value: str, what: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_ID:
        raise Invalid(f"Choose a {what} from the list.")
    return int(value)


@router.post("/desk/admin/people/invite", response_model=None)
@offload
def invite(request: Request, agent: DeskAgent, form: Form, settings: AppSettings) -> Response:
    def work(session: Session) -> str:
        email = form.get("email").strip()
        if not email:
            raise Invalid("Give the email address the invitation goes to.")
        made = staff_access.invite(
            session,
            agent.actor,
            email=email,
            name=form.get("name"),
            role=_role(form.get("role", "agent")),
            team_id=_link(form.get("team_id"), "team"),
            department_id=_link(form.get("department_id"), "department"),
            link_base=settings.base_url,
        )
        return f"/desk/admin/people?invited={made.id}#invitations"

    return _admin_act(request, agent, form, "invite", work)


@router.post("/desk/admin/people/invitations/{invitation_id}/resend", response_model=None)
@offload
def resend(request: Request, agent: DeskAgent, invitation_id: Id, form: Form, settings: AppSettings) -> Response:
    def work(session: Session) -> str:
        invitation = invitations.get(session, invitation_id)
        staff_access.resend(session, agent.actor, invitation, link_base=settings.base_url)
        return f"/desk/admin/people?invited={invitation_id}#invitations"

    return _admin_act(request, agent, form, f"invitation-{invitation_id}", work)


@router.post("/desk/admin/people/invitations/{invitation_id}/revoke", response_model=None)
@offload
def revoke(request: Request, agent: DeskAgent, invitation_id: Id, form: Form) -> Response:
    def work(session: Session) -> str:
        invitations.revoke(session, agent.actor, invitations.get(session, invitation_id))
        return "/desk/admin/people#invitations"

    return _admin_act(request, agent, form, f"invitation-{invitation_id}", work)


@router.post("/desk/admin/people/{staff_id}", response_model=None)
@offload
def change(request: Request, agent: DeskAgent, staff_id: Id, form: Form) -> Response:
    def work(session: Session) -> str:
        staff = queries.get_staff(session, staff_id)
        service.update_staff(
            session,
            agent.actor,
            staff,
            name=form.get("name").strip() or None,
            role=_role(form.get("role")),
            team_id=_link(form.get("team_id"), "team") if "team_id" in form.fields else UNSET,
            department_id=_link(form.get("department_id"), "department") if "department_id" in form.fields else UNSET,
        )
        return f"/desk/admin/people#staff-{staff_id}"

    return _admin_act(request, agent, form, f"staff-{staff_id}", work)


@router.post("/desk/admin/people/{staff_id}/deactivate", response_model=None)
@offload
def deactivate(request: Request, agent: DeskAgent, staff_id: Id, form: Form) -> Response:
    def work(session: Session) -> str:
        gone = departures.deactivate(session, agent.actor, queries.get_staff(session, staff_id))
        return f"/desk/admin/people?deactivated={staff_id}&returned={len(gone.returned)}#staff-{staff_id}"

    return _admin_act(request, agent, form, f"staff-{staff_id}", work)


@router.post("/desk/admin/people/{staff_id}/reactivate", response_model=None)
@offload
def reactivate(request: Request, agent: DeskAgent, staff_id: Id, form: Form) -> Response:
    def work(session: Session) -> str:
        departures.reactivate(session, agent.actor, queries.get_staff(session, staff_id))
        return f"/desk/admin/people#staff-{staff_id}"

    return _admin_act(request, agent, form, f"staff-{staff_id}", work)


# ------------------------------------------------------------------ the invitee's side

Token = Annotated[str, Path(max_length=200)]


def _landing(request: Request, session: Session, token: str, *, problem: Problem | None = None) -> Response:
    """The invitation page: the form to join, or (link not usable) what to do instead, with no form."""
    try:
        invitation = invitations.by_token(session, token)
    except DomainError as error:
        return page(request, "invite.html", status_code=error.status, error=error.detail, invitation=None)
    presession = sign_in_guard.issue(request)
    team = queries.get_team(session, invitation.team_id) if invitation.team_id else None
    response = page(
        request,
        "invite.html",
        status_code=problem[0] if problem else 200,
        error=problem[1] if problem else None,
        invitation=invitation,
        team=team,
        token=token,
        presession=presession,
        role=dict(ROLES)[invitation.role],
        min_length=10,
    )
    sign_in_guard.set_cookie(request, response, presession)
    return response


@router.get("/invite/{token}", response_model=None)
@offload
def invitation_landing(request: Request, token: Token, session: PageSession) -> Response:
    return _landing(request, session, token)


@router.post("/invite/{token}", response_model=None)
@offload
def accept(request: Request, token: Token, form: Form, write: Write, settings: AppSettings) -> Response:
    """Join: choose a password, and be signed in at the desk (a session like any sign-in's)."""
    try:
        with write() as session:
            sign_in_guard.check(request, form)
            doorman(request).knock(request, "sign_in")
            staff = invitations.accept(session, token, password=form.get("password"), name=form.get("name"))
            issued = auth.open_session(session, staff=staff, days=settings.session_days)
            response = RedirectResponse("/desk", status_code=303)
            set_session_cookies(response, settings, issued)
            return response
    except DomainError as error:
        with database(request).unit_of_work(write=False) as session:
            return _landing(request, session, token, problem=(error.status, error.detail))
