"""The customer books a call with a person, moves it or calls it off (P1), in the portal.

The number they gave us is filled in; the free times are shown in their own
time zone when they told us one (else ours, named), grouped by day; a booked
call can be moved to another free time or cancelled until it is due.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from sameside.callbacks import queries as callback_queries
from sameside.callbacks import service as callbacks
from sameside.cases.access import case_for
from sameside.cases.models import Case
from sameside.customers.models import Customer
from sameside.customers.queries import customer_for
from sameside.customers.rules import IdentityKind, zone_of
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.actors import CustomerActor
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.web.deps import PageSession, PortalCustomer, PostedForm, Problem, act, form_reader, go
from sameside.web.errors import portal_missing
from sameside.web.pages import page

router = APIRouter(prefix="/portal", include_in_schema=False)

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
CallId = Annotated[int, Path(ge=1, le=MAX_ID)]
Form = Annotated[PostedForm, Depends(form_reader(8192, max_fields=10))]
SLOTS_SHOWN = 60


def their_zone(customer: Customer, ours: tzinfo) -> tuple[tzinfo, bool]:
    """The zone to show times in, and whether it is the customer's own (else ours)."""
    zone = zone_of(customer.timezone)
    return (zone, True) if zone is not None else (ours, False)


def calls_on_case(session: Session, customer: Customer, case_id: int, ours: tzinfo) -> list[dict[str, Any]]:
    """The calls still to come on a case, each with its time in the customer's words and zone."""
    zone, _ = their_zone(customer, ours)
    return [
        {"id": c.id, "when": f"{c.starts_at.astimezone(zone).strftime('%a %d %b, %H:%M')} ({zone})", "phone": c.phone}
        for c in callback_queries.booked_on_case(session, case_id)
    ]


def _phone_on_file(customer: Customer) -> str:
    return next((i.value for i in customer.identities if i.kind is IdentityKind.PHONE), "")


def _draw(
    request: Request,
    session: Session,
    actor: CustomerActor,
    case: Case,
    *,
    moving: int | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    policy: callbacks.Policy = request.app.state.callback_policy
    customer = customer_for(session, actor, actor.customer_id)
    zone, own = their_zone(customer, policy.hours.zone)
    booked = calls_on_case(session, customer, case.id, policy.hours.zone)
    move = next((c for c in booked if c["id"] == moving), None)
    days: dict[str, list[tuple[str, str]]] = {}
    for start in callbacks.free_slots(session, policy)[:SLOTS_SHOWN]:
        local = start.astimezone(zone)
        days.setdefault(local.strftime("%A %d %B"), []).append((start.isoformat(), local.strftime("%H:%M")))
    phone = context.pop("phone", None)
    return page(
        request,
        "portal_callback.html",
        status_code=status_code,
        case=case,
        days=days,
        zone=str(zone) if isinstance(zone, ZoneInfo) else "UTC",
        own_zone=own,
        minutes=policy.minutes,
        booked=booked,
        moving=move,
        phone=phone if phone is not None else (move["phone"] if move else _phone_on_file(customer)),
        here="case",
        **context,
    )


@router.get("/cases/{number}/callback", response_model=None)
@offload
def callback_form(
    request: Request,
    number: CaseNumber,
    me: PortalCustomer,
    session: PageSession,
    move: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Book a call on the case, or (`?move=<call>`) pick another time for one already booked."""
    try:
        case = case_for(session, me.actor, number)
    except DomainError as error:
        return portal_missing(request, me.actor, error.detail, status_code=error.status)
    return _draw(request, session, me.actor, case, moving=move)


@router.post("/cases/{number}/callback", response_model=None)
@offload
def book_callback(request: Request, number: CaseNumber, form: Form, me: PortalCustomer) -> Response:
    """Book the chosen time; with `callback` in the form, move that call to it instead."""
    moving = form.get("callback")

    def work(session: Session) -> Response:
        actor = me.actor
        starts_at = _slot(form.get("slot", ""))
        case = case_for(session, actor, number, for_update=True)
        policy = request.app.state.callback_policy
        if moving:
            callback = callbacks.booked_call(session, actor, _call_id(moving))
            if callback.case_id != case.id:
                raise Invalid("That call belongs to another of your cases.")
            callbacks.move(session, actor, callback.id, policy, starts_at=starts_at)
        else:
            callbacks.book(session, actor, case, policy, starts_at=starts_at, phone=form.get("phone", ""))
        return go(f"/portal/cases/{number}#callbacks")

    def refused(session: Session, problem: Problem) -> Response:
        actor = me.actor
        try:
            case = case_for(session, actor, number)
        except DomainError as error:
            return portal_missing(request, actor, error.detail, status_code=error.status)
        move = int(moving) if moving.isdigit() and int(moving) <= MAX_ID else None
        status, message = problem
        return _draw(
            request, session, actor, case, moving=move, status_code=status, error=message, phone=form.get("phone")
        )

    return act(request, me.csrf, form, work, refused)


@router.post("/callbacks/{callback_id}/cancel", response_model=None)
@offload
def cancel_callback(request: Request, callback_id: CallId, form: Form, me: PortalCustomer) -> Response:
    """Call a booked call off; back on its case, which says so."""
    number = form.get("case")

    def work(session: Session) -> Response:
        callback = callbacks.cancel(session, me.actor, callback_id)
        return go(f"/portal/cases/{callback.case_id}#callbacks")

    def refused(session: Session, problem: Problem) -> Response:
        if not (number.isdigit() and int(number) <= MAX_ID):
            return portal_missing(request, me.actor, problem[1], status_code=problem[0])
        try:
            case = case_for(session, me.actor, int(number))
        except DomainError as error:
            return portal_missing(request, me.actor, error.detail, status_code=error.status)
        return _draw(request, session, me.actor, case, status_code=problem[0], error=problem[1])

    return act(request, me.csrf, form, work, refused)


def _call_id(value: str) -> int:
    if not value.isdigit() or int(value) > MAX_ID:
        raise Invalid("Pick the call to move from the list.")
    return int(value)


def _slot(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid("Pick a time from the list.") from None
    if parsed.tzinfo is None:
        raise Invalid("Pick a time from the list.")
    return parsed.astimezone(UTC)
