"""Cases for callers, and calls written down on any case (`calls`).

"New phone case" (`/desk/callers`) finds who is on the line by number (as
they say it: national or international), address or name, and opens a phone
case for them, or for someone new, with the call written down. The case
page's "Log a call" dialog writes a call on any case. Refused, the page is
drawn again with the message beside the form and everything typed in it
(with JavaScript, `static/forms.js` shows it in the open form instead).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from sameside.calls import queries, rules, service
from sameside.calls.rules import Direction, Outcome
from sameside.calls.service import CallDetails, NewCaller
from sameside.cases.access import case_for
from sameside.cases.routing import homes
from sameside.customers import lookup
from sameside.customers.queries import customer_for
from sameside.customers.rules import Channel
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries
from sameside.web import case_page
from sameside.web.case_calls_panel import call_choices
from sameside.web.deps import Agent, DeskAgent, PageSession, PostedForm, Problem, act, form_reader, go
from sameside.web.pages import page

router = APIRouter(prefix="/desk", include_in_schema=False)

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
Form = Annotated[PostedForm, Depends(form_reader(64 * 1024, max_fields=20))]


def call_from(form: PostedForm, *, callback: bool = True) -> CallDetails:
    """The call a form describes; `Invalid` names the field to fix."""
    try:
        direction = Direction(form.get("direction"))
    except ValueError:
        raise Invalid("Choose who called whom.") from None
    try:
        outcome = Outcome(form.get("outcome"))
    except ValueError:
        raise Invalid("Choose how the call went.") from None
    chosen = form.get("callback").strip() if callback else ""
    if chosen and not (chosen.isdigit() and int(chosen) <= MAX_ID):
        raise Invalid("Choose the booked call from the list.")
    return CallDetails(
        direction=direction,
        outcome=outcome,
        duration_seconds=rules.parse_duration(form.get("duration")),
        notes=form.get("notes"),
        phone=form.get("phone") or None,
        callback_id=int(chosen) if chosen else None,
    )


# ---------------------------------------------------------------- a case for a caller


def _draw_callers(
    request: Request,
    session: Session,
    agent: Agent,
    q: str,
    *,
    status_code: int = 200,
    error: str | None = None,
    refused_form: str | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    found = None
    search_error = None
    if q.strip():
        try:
            found = queries.find_callers(session, q)
        except DomainError as problem:
            search_error = problem.detail
            status_code = problem.status if status_code == 200 else status_code
    phone_home = homes.home_for(session, Channel.PHONE)
    return page(
        request,
        "desk_callers.html",
        status_code=status_code,
        agent=agent,
        q=q,
        found=found,
        search_error=search_error,
        error=error,
        refused_form=refused_form,
        typed=typed or {},
        teams=staff_queries.list_teams(session),
        phone_team=phone_home.id if phone_home else agent.actor.team_id,
        **call_choices(),
    )


@router.get("/callers", response_model=None)
@offload
def callers(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    q: Annotated[str, Query(max_length=lookup.QUERY_MAX)] = "",
) -> Response:
    """Someone is on the phone: find them by number, address or name, and open a case for them (or them new)."""
    return _draw_callers(request, session, agent, q)


@router.post("/callers/cases", response_model=None)
@offload
def open_for_caller(request: Request, form: Form, agent: DeskAgent) -> Response:
    """Open the phone case, for the customer chosen (`customer`) or the new caller typed in, with the call."""
    chosen = form.get("customer").strip()

    def work(session: Session) -> Response:
        if chosen:
            if not (chosen.isdigit() and int(chosen) <= MAX_ID):
                raise Invalid("Choose the caller from the list.")
            customer = customer_for(session, agent.actor, int(chosen))
        else:
            customer = service.new_caller(
                session, agent.actor, NewCaller(form.get("name"), form.get("caller_phone"), form.get("email") or None)
            )
        team_id = form.get("team").strip()
        team = staff_queries.get_team(session, int(team_id)) if team_id.isdigit() else None
        case, _ = service.open_caller_case(
            session,
            agent.actor,
            customer,
            subject=form.get("subject"),
            problem=form.get("problem"),
            call=call_from(form, callback=False),
            team=team,
        )
        return go(f"/desk/cases/{case.id}#latest", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        status, message = problem
        return _draw_callers(
            request,
            session,
            agent,
            form.get("q"),
            status_code=status,
            error=message,
            refused_form="caller-case",
            typed=form.fields,
        )

    return act(request, agent.csrf, form, work, refused)


# ---------------------------------------------------------------- a call on any case


@router.post("/cases/{number}/calls", response_model=None)
@offload
def log_call(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    """Write a call down on the case; a booked call chosen in the form is settled by it."""

    def work(session: Session) -> Response:
        case = case_for(session, agent.actor, number, for_update=True)
        service.log_call(session, agent.actor, case, call_from(form))
        return go(f"/desk/cases/{number}#latest", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        return case_page.draw(
            request, session, agent, number, status_code=status, error=error, refused_form="call", typed=form.fields
        )

    return act(request, agent.csrf, form, work, refused)
