"""Feedback (P15): a customer's message marked for the team or department it concerns, handled by them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from sameside.cases.access import case_for
from sameside.feedback import queries
from sameside.feedback import service as feedback
from sameside.feedback.queries import FeedbackRow
from sameside.feedback.rules import Concerns, FeedbackState
from sameside.feedback.schemas import FeedbackAnswerIn, FeedbackOut, FiguresOut, MarkIn
from sameside.http.deps import ReadSession, StaffUser, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.kit.actors import Role
from sameside.kit.errors import Forbidden
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries

router = APIRouter()

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def feedback_out(row: FeedbackRow) -> FeedbackOut:
    f = row.feedback
    return FeedbackOut(
        id=f.id,
        case_id=f.case_id,
        case_subject=row.subject,
        entry_id=f.entry_id,
        survey_id=f.survey_id,
        source=f.source,
        kind=f.kind,
        team_id=f.team_id,
        department_id=f.department_id,
        concerns=row.concerns,
        words=f.words,
        note=f.note,
        marked_by=f.marked_by,
        marked_at=f.marked_at,
        state=f.state,
        acknowledged_by=f.acknowledged_by,
        acknowledged_at=f.acknowledged_at,
        answer=f.answer,
        answered_by=f.answered_by,
        answered_at=f.answered_at,
    )


@router.post(
    "/cases/{number}/feedback", status_code=status.HTTP_201_CREATED, response_model=FeedbackOut, tags=["cases"]
)
@offload
@idempotent
def mark(number: Id, body: MarkIn, actor: StaffUser, write: Write) -> FeedbackOut:
    """Mark a message the customer wrote as a compliment, complaint or suggestion about a team or department.

    Whoever works on the case marks (as for a note); the case's timeline says
    so, for staff; the department's members (or the team's supervisors) are
    told, and a department reads the case from then on.
    """
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        concerns = Concerns(team_id=body.team_id, department_id=body.department_id)
        row = feedback.mark(session, actor, case, body.entry_id, body.kind, concerns, body.note)
        return feedback_out(queries.described(session, [row])[0])


@router.get("/feedback", response_model=list[FeedbackOut], tags=["cases"])
@offload
def inbox(
    actor: StaffUser,
    session: ReadSession,
    team_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    department_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    state: FeedbackState | None = None,
    mine: bool = False,
) -> list[FeedbackOut]:
    """Feedback concerning your team or department, newest first (supervisors and admins: everyone's).

    `mine=true`: the feedback you marked instead, with the answers you were given.
    """
    rows = (
        queries.marked_by(session, actor.staff_id)
        if mine
        else queries.inbox(session, actor, team_id=team_id, department_id=department_id, state=state)
    )
    return [feedback_out(r) for r in rows]


@router.post("/feedback/{feedback_id}/acknowledge", response_model=FeedbackOut, tags=["cases"])
@offload
def acknowledge(feedback_id: Id, actor: StaffUser, write: Write) -> FeedbackOut:
    """The team or department it concerns has read it (again: no change)."""
    with write() as session:
        row = feedback.acknowledge(session, actor, feedback_id)
        return feedback_out(queries.described(session, [row])[0])


@router.post("/feedback/{feedback_id}/answer", response_model=FeedbackOut, tags=["cases"])
@offload
def answer(feedback_id: Id, body: FeedbackAnswerIn, actor: StaffUser, write: Write) -> FeedbackOut:
    """Answer the agent who marked it, once: they are notified with the answer."""
    with write() as session:
        row = feedback.answer(session, actor, feedback_id, body.answer)
        return feedback_out(queries.described(session, [row])[0])


@router.get("/departments/{department_id}/figures", response_model=FiguresOut, tags=["admin"])
@offload
def figures(department_id: Id, actor: StaffUser, session: ReadSession) -> FiguresOut:
    """A department's internal service over 30 days: consults answered on time, feedback by kind (P15)."""
    if actor.department_id != department_id and not actor.at_least(Role.SUPERVISOR):
        raise Forbidden("Only the department's members and supervisors see its figures.")
    staff_queries.get_department(session, department_id)
    seen = queries.figures(session, department_id=department_id)
    return FiguresOut(
        department_id=department_id,
        days=seen.days,
        consults_answered=seen.consults_answered,
        consults_on_time=seen.consults_on_time,
        on_time_rate=seen.on_time_rate,
        consults_open=seen.consults_open,
        feedback_by_kind=seen.by_kind,
        feedback_waiting=seen.waiting,
    )
