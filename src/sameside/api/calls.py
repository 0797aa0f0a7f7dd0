"""Phone calls (`calls`): callers found and given a case, calls written down, booked callbacks worked.

Staff who may work a case write calls on it and take, settle and move its
booked calls; its customer may move or cancel their own (in business hours,
at a free time: `GET /callbacks/slots`).
"""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status

from sameside.api import presenters
from sameside.callbacks import service as callbacks
from sameside.calls import queries, service
from sameside.calls.rules import Direction
from sameside.calls.schemas import (
    AssigneeIn,
    CallbackOut,
    CallbackOutcomeIn,
    CallbackOutcomeOut,
    CallerCaseIn,
    CallerCaseOut,
    CallIn,
    CallOut,
    MoveIn,
)
from sameside.calls.service import CallDetails, NewCaller
from sameside.cases.access import case_after_handoff, case_for
from sameside.customers import lookup
from sameside.customers.queries import customer_for
from sameside.customers.schemas import CustomerOut
from sameside.http.deps import ReadSession, StaffUser, User, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.kit.errors import Invalid
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Output
from sameside.staff import queries as staff_queries

router = APIRouter(tags=["calls"])

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="The case number")]
CallbackId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Callers(Output):
    """Who may be on the line, and what the words were taken to be (a number is looked for in both its forms)."""

    matched_by: str
    looked_for: list[str]
    items: list[CustomerOut]


class Slots(Output):
    """Free times to book or move a call to, in business hours, soonest first (UTC)."""

    minutes: int
    items: list[str]


def _details(body: CallIn) -> CallDetails:
    return CallDetails(
        direction=body.direction,
        outcome=body.outcome,
        duration_seconds=body.duration_seconds,
        notes=body.notes,
        phone=body.phone,
        callback_id=body.callback_id,
    )


@router.get("/callers", response_model=Callers)
@offload
def find_callers(
    actor: StaffUser,
    session: ReadSession,
    q: Annotated[str, Query(min_length=1, max_length=lookup.QUERY_MAX, description="A number, address or name.")],
) -> Callers:
    """Find who is calling: by number ("020 7946 0018" and "+44 20 7946 0018" alike), address or name."""
    found = queries.find_callers(session, q)
    return Callers(
        matched_by=found.kind,
        looked_for=list(found.forms),
        items=[presenters.customer_out(c) for c in found.customers],
    )


@router.post("/caller-cases", status_code=status.HTTP_201_CREATED, response_model=CallerCaseOut)
@offload
@idempotent
def open_caller_case(body: CallerCaseIn, actor: StaffUser, write: Write, request: Request) -> CallerCaseOut:
    """Open a phone case for a caller, known (`customer_id`) or new (`new_caller`), with the call it came from.

    It goes to `team_id`, else the phone channel's team, the default team or
    yours (422 when there is none); the agent keeps it when it is their team's.
    A new caller's number and address are `pending` until they prove them; one
    that is already someone's is a 409.
    """
    if (body.customer_id is None) == (body.new_caller is None):
        raise Invalid("Give either customer_id (a customer we know) or new_caller (someone new).")
    with write() as session:
        if body.new_caller is not None:
            caller = body.new_caller
            customer = service.new_caller(session, actor, NewCaller(caller.name, caller.phone, caller.email))
        else:
            assert body.customer_id is not None
            customer = customer_for(session, actor, body.customer_id)
        team = staff_queries.get_team(session, body.team_id) if body.team_id is not None else None
        case, call = service.open_caller_case(
            session,
            actor,
            customer,
            subject=body.subject,
            problem=body.problem,
            call=_details(body.call),
            team=team,
        )
        return CallerCaseOut(case=presenters.case_out(case_after_handoff(session, case.id)), call=CallOut.of(call))


@router.get("/cases/{number}/calls", response_model=list[CallOut])
@offload
def case_calls(number: CaseNumber, actor: StaffUser, session: ReadSession) -> list[CallOut]:
    """The calls written down on the case, newest first."""
    case = case_for(session, actor, number)
    return [CallOut.of(c) for c in queries.calls_on_case(session, case.id)]


@router.post("/cases/{number}/calls", status_code=status.HTTP_201_CREATED, response_model=CallOut)
@offload
@idempotent
def log_call(number: CaseNumber, body: CallIn, actor: StaffUser, write: Write, request: Request) -> CallOut:
    """Write down a call on the case (internal); with `callback_id`, the booked call it was is settled by it."""
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        return CallOut.of(service.log_call(session, actor, case, _details(body)))


@router.get("/callbacks", response_model=list[CallbackOut])
@offload
def callbacks_to_make(actor: StaffUser, session: ReadSession) -> list[CallbackOut]:
    """Calls to make: missed ones first, then the next 24 hours, soonest first."""
    return [CallbackOut.of(c) for c in callbacks.due(session)]


@router.get("/callbacks/slots", response_model=Slots)
@offload
def callback_slots(actor: User, session: ReadSession, request: Request) -> Slots:
    """The free times a call may be booked or moved to (business hours, holidays off, a person free)."""
    policy = request.app.state.callback_policy
    free = callbacks.free_slots(session, policy)[:60]
    return Slots(minutes=policy.minutes, items=[s.astimezone(UTC).isoformat() for s in free])


@router.put("/callbacks/{callback_id}/assignee", response_model=CallbackOut)
@offload
def assign_callback(callback_id: CallbackId, body: AssigneeIn, actor: StaffUser, write: Write) -> CallbackOut:
    """Give the booked call to the colleague who will make it (yourself: take it); null gives it back."""
    with write() as session:
        return CallbackOut.of(service.assign_callback(session, actor, callback_id, body.assignee_id))


@router.post("/callbacks/{callback_id}/outcome", response_model=CallbackOutcomeOut)
@offload
def callback_outcome(
    callback_id: CallbackId, body: CallbackOutcomeIn, actor: StaffUser, write: Write, request: Request
) -> CallbackOutcomeOut:
    """The booked call was made: how it went, written down on its case (409 when already settled or cancelled)."""
    details = CallDetails(
        direction=Direction.OUTBOUND,
        outcome=body.outcome,
        duration_seconds=body.duration_seconds,
        notes=body.notes,
    )
    with write() as session:
        call, retry = service.callback_outcome(
            session,
            actor,
            callback_id,
            details,
            request.app.state.callback_policy,
            retry_at=body.retry_at.astimezone(UTC) if body.retry_at else None,
        )
        return CallbackOutcomeOut(call=CallOut.of(call), retry=CallbackOut.of(retry) if retry else None)


@router.post("/callbacks/{callback_id}/cancel", response_model=CallbackOut)
@offload
def cancel_callback(callback_id: CallbackId, actor: User, write: Write) -> CallbackOut:
    """Call off a booked call before its time: its customer, or staff who may work its case."""
    with write() as session:
        return CallbackOut.of(service.cancel_callback(session, actor, callback_id))


@router.post("/callbacks/{callback_id}/move", response_model=CallbackOut)
@offload
def move_callback(callback_id: CallbackId, body: MoveIn, actor: User, write: Write, request: Request) -> CallbackOut:
    """Move a booked call to another free time (409 when that time is taken or outside business hours)."""
    if body.starts_at.tzinfo is None:
        raise Invalid("starts_at: give a time with its offset, as the slots list them.")
    with write() as session:
        callback = service.move_callback(
            session, actor, callback_id, request.app.state.callback_policy, starts_at=body.starts_at.astimezone(UTC)
        )
        return CallbackOut.of(callback)
