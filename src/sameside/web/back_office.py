"""Desk pages for work behind the front line: a department's consults, and the calls customers booked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from sameside.callbacks import queries as callback_queries
from sameside.callbacks import service as callbacks
from sameside.consults import queries as consult_queries
from sameside.consults import service as consults
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID
from sameside.staff.queries import get_department, get_staff
from sameside.web.deps import DeskAgent, Form, PageSession
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS, desk_action

router = APIRouter(prefix="/desk", include_in_schema=False)


@router.get("/department", response_model=None)
@offload
def department(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    """The back office's queue: the consults case owners addressed to the viewer's department, soonest due first."""

    staff = get_staff(session, agent.actor.staff_id)
    dept = get_department(session, staff.department_id) if staff.department_id else None
    waiting = consult_queries.department_queue(session, dept.id) if dept else []
    zone = request.app.state.callback_policy.hours.zone
    rows = [
        {
            "c": row.consult,
            "subject": row.subject,
            "due": row.consult.due_at.astimezone(zone).strftime("%a %d %b %H:%M"),
            "overdue": row.overdue,
        }
        for row in waiting
    ]
    return page(
        request,
        "desk_department.html",
        agent=agent,
        views=VIEWS,
        current=None,
        department=dept,
        consults=rows,
        zone=str(zone),
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


@router.get("/callbacks", response_model=None)
@offload
def callbacks_due(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    """Calls to make: missed ones first (they need a person now), then the next 24 hours."""

    zone = request.app.state.callback_policy.hours.zone
    rows = [
        {
            "id": call.callback.id,
            "case": call.case,
            "phone": call.callback.phone,
            "when": call.callback.starts_at.astimezone(zone).strftime("%a %d %b %H:%M"),
            "missed": call.missed,
        }
        for call in callback_queries.calls_to_make(session)
    ]
    return page(
        request,
        "desk_callbacks.html",
        agent=agent,
        views=VIEWS,
        current=None,
        calls=rows,
        zone=str(zone),
        callbacks_page=True,
    )


@router.post("/callbacks/{callback_id}/done", response_model=None)
@offload
def callback_done(
    request: Request, agent: DeskAgent, callback_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: Form
) -> Response:
    def work(session: Session) -> str:
        callbacks.mark_done(session, agent.actor, callback_id)
        return "/desk/callbacks"

    return desk_action(request, agent, form, work)
