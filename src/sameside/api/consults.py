"""Consults with the back office (P4): asked on a case, answered by the department from its queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status

from sameside.cases.access import case_for
from sameside.consults import service as consults
from sameside.consults.models import Consult
from sameside.consults.schemas import AnswerIn, ConsultIn, ConsultOut
from sameside.http.deps import ReadSession, StaffUser, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.kit.actors import Role
from sameside.kit.errors import Forbidden
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries

router = APIRouter()

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def consult_out(row: Consult) -> ConsultOut:
    return ConsultOut.model_validate({**_fields(row), "overdue": consults.is_overdue(row)})


def _fields(row: Consult) -> dict[str, object]:
    return {
        "id": row.id,
        "case_id": row.case_id,
        "department_id": row.department_id,
        "question": row.question,
        "asked_by": row.asked_by,
        "asked_at": row.asked_at,
        "due_at": row.due_at,
        "answer": row.answer,
        "answered_by": row.answered_by,
        "answered_at": row.answered_at,
    }


@router.post("/cases/{number}/consults", status_code=status.HTTP_201_CREATED, response_model=ConsultOut, tags=["cases"])
@offload
@idempotent
def ask(number: Id, body: ConsultIn, actor: StaffUser, write: Write, request: Request) -> ConsultOut:
    """Ask a department about the case; it stays yours, and waits on internal until answered.

    The customer reads `customer_line`, or the suggested line when it is
    omitted, or nothing when `tell_customer` is false.
    """
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        department = staff_queries.get_department(session, body.department_id)
        consult = consults.ask(
            session,
            actor,
            case,
            department,
            body.question,
            request.app.state.callback_policy.hours,
            customer_line=body.customer_line,
            tell_customer=body.tell_customer,
        )
        return consult_out(consult)


@router.get("/departments/{department_id}/consults", response_model=list[ConsultOut], tags=["admin"])
@offload
def department_queue(department_id: Id, actor: StaffUser, session: ReadSession) -> list[ConsultOut]:
    """A department's open consults, soonest due first (its members and supervisors)."""
    if actor.department_id != department_id and not actor.at_least(Role.SUPERVISOR):
        raise Forbidden("Only the department's members and supervisors see its consults.")
    return [consult_out(c) for c in consults.queue(session, department_id)]


@router.post("/consults/{consult_id}/answer", response_model=ConsultOut, tags=["cases"])
@offload
def answer(consult_id: Id, body: AnswerIn, actor: StaffUser, write: Write) -> ConsultOut:
    """The department's answer: an internal note on the case for its owner."""
    with write() as session:
        return consult_out(consults.answer(session, actor, consult_id, body.answer))
