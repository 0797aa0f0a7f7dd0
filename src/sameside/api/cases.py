"""Cases: open, list, read with the timeline, reply, note, assign, status, resolve, reopen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from sameside.api import presenters
from sameside.business import service as business
from sameside.cases import queries, service
from sameside.cases.access import case_after_handoff, case_for
from sameside.cases.queries import SORTS, CaseFilter
from sameside.cases.replies import copies
from sameside.cases.rules import CaseStatus, HandoffBrief, Priority
from sameside.cases.schemas import (
    AssignIn,
    CaseCreate,
    CaseDetail,
    CaseOut,
    CasePage,
    CaseUpdate,
    NoteIn,
    ReplyIn,
    ReplyOut,
    ResolveIn,
    StatusIn,
    TimelineEntryOut,
    TransferIn,
)
from sameside.customers import service as customers
from sameside.customers.models import Customer
from sameside.customers.queries import customer_for
from sameside.customers.rules import Channel, IdentityKind
from sameside.db.engine import Session
from sameside.http.deps import AppSettings, ReadSession, StaffUser, User, Write
from sameside.http.idempotency import idempotent
from sameside.http.links import attachment_out
from sameside.http.offload import offload
from sameside.kit.actors import CustomerActor, StaffActor
from sameside.kit.errors import Forbidden, Invalid
from sameside.kit.ids import MAX_ID
from sameside.mail import queries as mail_queries
from sameside.staff import queries as staff_queries

router = APIRouter(prefix="/cases", tags=["cases"])

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="The case number")]


def _reload(session: Session, actor: StaffActor | CustomerActor, number: int) -> CaseOut:
    session.flush()
    session.expire_all()
    return presenters.case_out(case_for(session, actor, number))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CaseOut)
@offload
@idempotent
def open_case(body: CaseCreate, actor: User, write: Write) -> CaseOut:
    """Open a case from any channel. The customer is found by identity, or created."""
    with write() as session:
        customer: Customer
        if isinstance(actor, CustomerActor):
            if body.customer is not None:
                raise Forbidden("Customers open cases for themselves; leave out `customer`.")
            if body.team_id is not None or body.tags or body.priority is not Priority.NORMAL:
                raise Forbidden("Customers cannot set a case's team, priority or tags.")
            customer = customer_for(session, actor, actor.customer_id)
            channel = Channel.PORTAL
        else:
            if body.customer is None:
                raise Invalid("customer: give the customer's email or phone.")
            if body.channel is None:
                raise Invalid("channel: say where this contact came from (email, portal, chat or phone).")
            ref = body.customer
            kind, value = (IdentityKind.EMAIL, ref.email) if ref.email else (IdentityKind.PHONE, ref.phone or "")
            customer, _ = customers.find_or_create(session, kind=kind, value=value, name=ref.name)
            channel = body.channel
        team = staff_queries.get_team(session, body.team_id) if body.team_id is not None else None
        case = service.open_case(
            session,
            actor,
            customer=customer,
            subject=body.subject,
            body=body.body,
            channel=channel,
            team=team,
            priority=body.priority,
            tags=body.tags,
            shared_with_organization=body.shared_with_organization,
        )
        return presenters.case_out(case)


@router.get("", response_model=CasePage)
@offload
def list_cases(
    actor: User,
    session: ReadSession,
    status_: Annotated[list[CaseStatus] | None, Query(alias="status", description="Repeat for several")] = None,
    team: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    owner: Annotated[str | None, Query(description="A staff id, `me` or `none`", max_length=20)] = None,
    customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    sort: Annotated[str, Query(description=f"One of {', '.join(SORTS)}")] = "-created",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> CasePage:
    """List the cases you may see, newest first by default, paged by cursor."""
    owner_id, unowned = _owner_filter(owner, actor)
    filters = CaseFilter(
        statuses=tuple(status_ or ()),
        team_id=team,
        owner_id=owner_id,
        unowned=unowned,
        customer_id=customer,
        tag=tag,
    )
    page = queries.list_cases(session, actor, filters, sort=sort, limit=limit, cursor=cursor)
    return CasePage(items=[presenters.case_out(c) for c in page.items], next_cursor=page.next_cursor)


@router.post("/next", response_model=CaseOut, responses={204: {"description": "Nobody is waiting."}})
@offload
@idempotent
def take_next(actor: StaffUser, write: Write, settings: AppSettings) -> CaseOut | Response:
    """Take the case the fair queue says is next in your team (P9): it becomes yours."""
    with write() as session:
        case = service.take_next(
            session,
            actor,
            tier_cap_minutes=business.current(session).tier_cap_minutes,
            reply_target_minutes=business.current(session).reply_target_hours * 60,
        )
        if case is None:
            return Response(status_code=status.HTTP_204_NO_CONTENT)
        return _reload(session, actor, case.id)


@router.get("/{number}", response_model=CaseDetail)
@offload
def read_case(number: CaseNumber, actor: User, session: ReadSession, request: Request) -> CaseDetail:
    """A case with its timeline. Customers see only the public part.

    Attachments come with signed download links that expire after an hour.
    """
    case = case_for(session, actor, number)
    entries = queries.timeline(session, actor, case)
    found = mail_queries.attachments_of(session, case.id, [e.id for e in entries])
    links = {entry_id: [attachment_out(request, a) for a in rows] for entry_id, rows in found.items()}
    return presenters.case_detail(case, entries, for_customer=isinstance(actor, CustomerActor), attachments=links)


@router.patch("/{number}", response_model=CaseOut)
@offload
def update_case(number: CaseNumber, body: CaseUpdate, actor: StaffUser, write: Write) -> CaseOut:
    """Change priority or tags."""
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        service.update_details(session, actor, case, priority=body.priority, tags=body.tags)
        return _reload(session, actor, number)


@router.post("/{number}/replies", status_code=status.HTTP_201_CREATED, response_model=ReplyOut)
@offload
@idempotent
def reply(number: CaseNumber, body: ReplyIn, actor: User, write: Write, settings: AppSettings) -> ReplyOut:
    """Reply to the customer (staff), or add to the conversation (the customer).

    A staff reply goes where the customer prefers unless `channel` says
    otherwise, and its email waits for their contact window unless the case
    is urgent, they wrote in the last 15 minutes, or `send_now`; `delivery`
    says what happened.
    """
    if isinstance(actor, CustomerActor) and (body.channel is not None or body.send_now or body.cc):
        raise Forbidden("`channel`, `send_now` and `cc` are for staff; leave them out.")
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        if isinstance(actor, CustomerActor):
            if body.status is not None:
                raise Forbidden("Customers cannot set a case's status.")
            entry = service.receive_message(session, actor, case, body.body)
        else:
            entry = service.reply(
                session,
                actor,
                case,
                body.body,
                status=body.status,
                channel=body.channel,
                send_now=body.send_now,
                portal=f"{settings.base_url.rstrip('/')}/portal",
                data=copies.noted(session, case, body.cc) or None,
            )
            copies.confirm(entry)
        out = _entry(session, actor, entry.id)
        delivery = presenters.delivery_out(out) if isinstance(actor, StaffActor) else None
        return ReplyOut(**out.model_dump(), delivery=delivery)


@router.post("/{number}/transfer", response_model=CaseOut)
@offload
@idempotent
def transfer(number: CaseNumber, body: TransferIn, actor: StaffUser, write: Write) -> CaseOut:
    """Hand the case to another team or person, with the brief that spares the customer repeating themselves."""
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        team = staff_queries.get_team(session, body.team_id) if body.team_id else None
        owner = staff_queries.get_staff(session, body.owner_id) if body.owner_id else None
        brief = HandoffBrief(body.brief.problem, body.brief.tried, body.brief.promised, body.brief.feeling)
        service.transfer(session, actor, case, brief=brief, team=team, owner=owner)
        # A case sent to another team may be out of the sender's sight now; they still see what they did.
        return presenters.case_out(case_after_handoff(session, number))


@router.post("/{number}/notes", status_code=status.HTTP_201_CREATED, response_model=TimelineEntryOut)
@offload
@idempotent
def add_note(number: CaseNumber, body: NoteIn, actor: StaffUser, write: Write) -> TimelineEntryOut:
    """An internal note, never shown to the customer."""
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        entry = service.add_note(session, actor, case, body.body)
        return _entry(session, actor, entry.id)


@router.put("/{number}/owner", response_model=CaseOut)
@offload
def assign(number: CaseNumber, body: AssignIn, actor: StaffUser, write: Write) -> CaseOut:
    """Set the case's one accountable owner, or clear it."""
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        owner = staff_queries.get_staff(session, body.owner_id) if body.owner_id is not None else None
        service.assign(session, actor, case, owner)
        return _reload(session, actor, number)


@router.put("/{number}/status", response_model=CaseOut)
@offload
def change_status(number: CaseNumber, body: StatusIn, actor: StaffUser, write: Write) -> CaseOut:
    """Move the case along its status machine; a refused move is a 409 saying why."""
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        service.change_status(session, actor, case, body.status)
        return _reload(session, actor, number)


@router.post("/{number}/resolve", response_model=CaseOut)
@offload
def resolve(number: CaseNumber, actor: StaffUser, write: Write, body: ResolveIn | None = None) -> CaseOut:
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        service.resolve(session, actor, case, note=body.note if body else None)
        return _reload(session, actor, number)


@router.post("/{number}/reopen", response_model=CaseOut)
@offload
def reopen(number: CaseNumber, actor: StaffUser, write: Write) -> CaseOut:
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        service.reopen(session, actor, case)
        return _reload(session, actor, number)


def _entry(session: Session, actor: StaffActor | CustomerActor, entry_id: int) -> TimelineEntryOut:
    session.flush()
    entry = queries.timeline_entry(session, entry_id)
    return presenters.entry_out(entry, for_customer=isinstance(actor, CustomerActor))


def _owner_filter(owner: str | None, actor: StaffActor | CustomerActor) -> tuple[int | None, bool]:
    if owner is None:
        return None, False
    if owner == "none":
        return None, True
    if owner == "me":
        if not isinstance(actor, StaffActor):
            raise Invalid("owner=me is for staff.")
        return actor.staff_id, False
    if owner.isdigit() and 1 <= int(owner) <= MAX_ID:
        return int(owner), False
    raise Invalid("owner must be a staff id, `me` or `none`.")
