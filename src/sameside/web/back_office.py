"""Desk pages for work behind the front line: a department's consults (booked calls: `desk_callbacks`).

Also asking a department from the case page (`_case_consults.html`): the
consults so far in the agent's terms (due in words, the answer once there)
and the line the customer will read, suggested per department, which the
agent edits or skips.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from sameside.cases.access import case_for
from sameside.cases.models import Case
from sameside.consults import queries as consult_queries
from sameside.consults import rules as consult_rules
from sameside.consults import service as consults
from sameside.consults.models import Consult
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.actors import Actor
from sameside.kit.errors import DomainError, Invalid, NotFound
from sameside.kit.hours import Hours
from sameside.kit.ids import MAX_ID
from sameside.staff.models import Department
from sameside.staff.queries import get_department, get_staff
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm
from sameside.web.feedback_items import department_feedback
from sameside.web.pages import page, templates
from sameside.web.staff_pages import VIEWS, desk_action

router = APIRouter(prefix="/desk", include_in_schema=False)

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]


# ---------------------------------------------------------------- asking a department, from the case page


def consult_panel(
    case: Case, consults_so_far: list[Consult], departments: list[Department], hours: Hours, now: datetime
) -> dict[str, Any]:
    """What `_case_consults.html` shows: each consult in the agent's terms, and a suggested line per department."""
    names = {d.id: d.name for d in departments}
    rows = [
        {
            "c": c,
            "department": names.get(c.department_id, "A department"),
            "due": consult_rules.due_words(c.due_at, now, hours.zone, answered=c.answered_at is not None),
            "overdue": consults.is_overdue(c, now=now),
        }
        for c in consults_so_far
    ]
    lines = {
        d.id: consults.suggested_line(case.customer, d, consults.due_for(d, hours, now), now, hours)
        for d in departments
    }
    first = departments[0].id if departments else None
    return {"consults": rows, "consult_lines": lines, "consult_line_for": first}


def ask_from_form(session: Session, actor: Actor, case: Case, form: PostedForm, hours: Hours) -> Consult:
    """Ask the department the form chose, telling the customer the line the agent left there, or nothing.

    Without JavaScript the suggested line is for the department first shown
    (`line_for`); if the agent chose another and left that suggestion as it
    was, the chosen department's own suggestion is used instead.
    """
    department = _department(session, form.get("department"))
    tell = form.get("tell", "line") != "nothing"
    line: str | None = form.get("customer_line") if "customer_line" in form.fields else None
    shown_for = form.get("line_for")
    if tell and line is not None and shown_for.isdigit() and int(shown_for) != department.id:
        try:
            shown = get_department(session, int(shown_for))
        except NotFound:
            shown = None
        now = clock.now()
        if shown is not None and " ".join(line.split()) == consults.suggested_line(
            case.customer, shown, consults.due_for(shown, hours, now), now, hours
        ):
            line = None  # untouched: the chosen department's own suggestion
    return consults.ask(
        session, actor, case, department, form.get("question"), hours, customer_line=line, tell_customer=tell
    )


def _department(session: Session, value: str) -> Department:
    if value == "":
        raise Invalid("Choose the department to ask.")
    if not value.isdigit() or int(value) > MAX_ID:
        raise Invalid("Choose a department from the list.")
    try:
        return get_department(session, int(value))
    except NotFound:
        raise Invalid("There is no such department.") from None


@router.get("/cases/{number}/consults/line", response_class=HTMLResponse)
@offload
def customer_line(
    request: Request,
    number: CaseNumber,
    agent: DeskAgent,
    session: PageSession,
    department: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> HTMLResponse:
    """The line suggested for the customer when asking this department (htmx swaps it in as the choice changes)."""
    try:
        case = case_for(session, agent.actor, number)
        chosen = get_department(session, department)
    except DomainError as error:
        return HTMLResponse(f'<p class="error" role="alert">{escape(error.detail)}</p>', status_code=error.status)
    hours = request.app.state.callback_policy.hours
    now = clock.now()
    line = consults.suggested_line(case.customer, chosen, consults.due_for(chosen, hours, now), now, hours)
    response = templates.TemplateResponse(
        request, "_consult_line.html", {"case": case, "line": line, "line_for": chosen.id}
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/department", response_model=None)
@offload
def department(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    """The back office's queue: the consults case owners addressed to the viewer's department, soonest due first.

    Below it, the feedback about the department and its figures (P15).
    """
    return draw_department(request, session, agent)


def draw_department(
    request: Request, session: Session, agent: Agent, *, status_code: int = 200, **context: Any
) -> Response:
    """The department's page for `agent` (again with a refusal beside its form, as `context` says)."""
    staff = get_staff(session, agent.actor.staff_id)
    dept = get_department(session, staff.department_id) if staff.department_id else None
    now = clock.now()
    waiting = consult_queries.department_queue(session, dept.id, now=now) if dept else []
    zone = request.app.state.callback_policy.hours.zone
    rows = [
        {
            "c": row.consult,
            "subject": row.subject,
            "due": consult_rules.due_words(row.consult.due_at, now, zone),
            "overdue": row.overdue,
        }
        for row in waiting
    ]
    return page(
        request,
        "desk_department.html",
        status_code=status_code,
        agent=agent,
        views=VIEWS,
        current=None,
        department=dept,
        consults=rows,
        zone=str(zone),
        **(department_feedback(session, agent.actor, dept.id) if dept else {}),
        **context,
    )


@router.post("/consults/{consult_id}/answer", response_model=None)
@offload
def answer_consult(
    request: Request, agent: DeskAgent, consult_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: Form
) -> Response:
    def work(session: Session) -> str:
        consults.answer(session, agent.actor, consult_id, form.get("answer", ""))
        return "/desk/department"

    return desk_action(request, agent, form, work)
