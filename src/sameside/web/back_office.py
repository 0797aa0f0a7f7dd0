"""Desk pages for work behind the front line: a department's consults, and the calls customers booked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sameside.callbacks import service as callbacks
from sameside.callbacks.models import CallbackState
from sameside.cases.models import Case
from sameside.consults import service as consults
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID
from sameside.staff.models import Department
from sameside.staff.queries import get_staff
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS, Agent, Form, staff_action, staff_page

router = APIRouter(prefix="/desk", include_in_schema=False)


@router.get("/department", response_model=None)
@offload
def department(request: Request) -> Response:
    """The back office's queue: the consults case owners addressed to the viewer's department, soonest due first."""

    def render(session: Session, agent: Agent) -> Response:
        staff = get_staff(session, agent.actor.staff_id)
        dept = session.get(Department, staff.department_id) if staff.department_id else None
        waiting = consults.queue(session, dept.id) if dept else []
        ids = {c.case_id for c in waiting}
        subjects = {
            row.id: row.subject for row in session.execute(select(Case.id, Case.subject).where(Case.id.in_(ids)))
        }
        zone = request.app.state.callback_policy.hours.zone
        rows = [
            {
                "c": c,
                "subject": subjects.get(c.case_id, ""),
                "due": c.due_at.astimezone(zone).strftime("%a %d %b %H:%M"),
                "overdue": consults.is_overdue(c),
            }
            for c in waiting
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

    return staff_page(request, render)


@router.post("/consults/{consult_id}/answer", response_model=None)
@offload
def answer_consult(request: Request, consult_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: Form) -> Response:
    def work(session: Session, agent: Agent) -> str:
        consults.answer(session, agent.actor, consult_id, form.get("answer", ""))
        return "/desk/department"

    return staff_action(request, form, work)


@router.get("/callbacks", response_model=None)
@offload
def callbacks_due(request: Request) -> Response:
    """Calls to make: missed ones first (they need a person now), then the next 24 hours."""

    def render(session: Session, agent: Agent) -> Response:
        calls = callbacks.due(session)
        zone = request.app.state.callback_policy.hours.zone
        ids = {c.case_id for c in calls}
        by_id = {
            c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)).options(joinedload(Case.customer)))
        }
        rows = [
            {
                "id": c.id,
                "case": by_id[c.case_id],
                "phone": c.phone,
                "when": c.starts_at.astimezone(zone).strftime("%a %d %b %H:%M"),
                "missed": c.state is CallbackState.MISSED,
            }
            for c in sorted(calls, key=lambda c: (c.state is not CallbackState.MISSED, c.starts_at))
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

    return staff_page(request, render)


@router.post("/callbacks/{callback_id}/done", response_model=None)
@offload
def callback_done(request: Request, callback_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: Form) -> Response:
    def work(session: Session, agent: Agent) -> str:
        callbacks.mark_done(session, agent.actor, callback_id)
        return "/desk/callbacks"

    return staff_action(request, form, work)
