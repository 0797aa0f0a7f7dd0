"""The customer portal: my cases, a case's conversation with a reply, a new request.

Customers sign in with the link we email them (magic link) and see only their
own cases and their organization's shared ones — the same gateway as the API.
Every page says how to reach a person (P1).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.auth import service as auth
from sameside.callbacks import service as callbacks
from sameside.callbacks.models import Callback, CallbackState
from sameside.cases import queries, service
from sameside.cases.access import case_for
from sameside.cases.escalation.service import open_escalation, request_escalation
from sameside.customers import service as customer_service
from sameside.customers.queries import customer_for
from sameside.customers.rules import Channel
from sameside.customers.service import PreferenceChanges
from sameside.http.deps import SESSION_COOKIE, AppSettings, database
from sameside.http.limits import doorman
from sameside.http.links import attachment_out
from sameside.http.offload import offload
from sameside.kit.actors import CustomerActor
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.kit.secrets import same
from sameside.mail import queries as mail_queries
from sameside.web.pages import form_reader, page

router = APIRouter(prefix="/portal", include_in_schema=False)

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
_FORM_LIMIT = 256 * 1024


class NotCustomer(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _customer(request: Request, session: Session) -> tuple[CustomerActor, str]:
    token = request.cookies.get(SESSION_COOKIE)
    resolved = auth.resolve_session(session, token) if token else None
    if resolved is None:
        raise NotCustomer(page(request, "portal_sign_in.html", status_code=401, next=quote(request.url.path)))
    if not isinstance(resolved.actor, CustomerActor):
        raise NotCustomer(RedirectResponse("/desk", status_code=303))
    return resolved.actor, resolved.csrf_token


Form = Annotated[dict[str, str], Depends(form_reader(_FORM_LIMIT, max_fields=10))]


@router.get("", response_model=None)
@offload
def my_cases(request: Request, cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    with database(request).unit_of_work(write=False) as session:
        try:
            actor, _ = _customer(request, session)
        except NotCustomer as refused:
            return refused.response
        try:
            found = queries.list_cases(session, actor, queries.CaseFilter(), sort="-updated", limit=25, cursor=cursor)
        except DomainError as error:
            return page(
                request, "portal_cases.html", status_code=error.status, error=error.detail, cases=[], here="cases"
            )
        return page(request, "portal_cases.html", cases=found.items, next_cursor=found.next_cursor, here="cases")


@router.get("/cases/{number}", response_model=None)
@offload
def case_page(request: Request, number: CaseNumber) -> Response:
    with database(request).unit_of_work(write=False) as session:
        try:
            actor, _ = _customer(request, session)
        except NotCustomer as refused:
            return refused.response
        return _case(request, session, actor, number)


def _case(
    request: Request, session: Session, actor: CustomerActor, number: int, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    try:
        case = case_for(session, actor, number)
    except DomainError as error:
        return page(request, "portal_cases.html", status_code=error.status, error=error.detail, cases=[])
    entries = queries.timeline(session, actor, case)  # public entries only, for customers
    files = mail_queries.attachments_of(session, case.id, [e.id for e in entries])
    attachments = {entry_id: [attachment_out(request, a) for a in rows] for entry_id, rows in files.items()}
    booked = session.scalars(
        select(Callback)
        .where(Callback.case_id == case.id, Callback.state == CallbackState.BOOKED)
        .order_by(Callback.starts_at)
    ).all()
    zone = request.app.state.callback_policy.hours.zone
    calls = [c.starts_at.astimezone(zone).strftime("%a %d %b, %H:%M") + f" ({zone})" for c in booked]
    asked = open_escalation(session, case)
    return page(
        request,
        "portal_case.html",
        status_code=status_code,
        case=case,
        entries=entries,
        attachments=attachments,
        calls=calls,
        # Only the customer's own request shows here; an agent asking their supervisor is internal.
        asked=asked if asked and asked.asked_by.kind == "customer" else None,
        owner_first_name=case.owner.name.split()[0] if case.owner and case.owner.name.split() else None,
        here="case",
        **context,
    )


@router.post("/cases/{number}/reply", response_model=None)
@offload
def reply(request: Request, number: CaseNumber, form: Form) -> Response:
    def work(session: Session, actor: CustomerActor) -> Response:
        case = case_for(session, actor, number, for_update=True)
        service.receive_message(session, actor, case, form.get("body", ""), channel=Channel.PORTAL)
        return RedirectResponse(f"/portal/cases/{number}#latest", status_code=303)

    def refused(session: Session, actor: CustomerActor, problem: Problem) -> Response:
        return _case(request, session, actor, number, status_code=problem[0], error=problem[1], draft=form.get("body"))

    return _act(request, form, work, refused)


@router.post("/cases/{number}/escalation", response_model=None)
@offload
def ask_for_a_manager(request: Request, number: CaseNumber, form: Form) -> Response:
    """Someone senior is asked to look; the case stays with the person who has it (P3)."""

    def work(session: Session, actor: CustomerActor) -> Response:
        case = case_for(session, actor, number, for_update=True)
        request_escalation(session, actor, case, reason=form.get("reason", ""), source="portal")
        return RedirectResponse(f"/portal/cases/{number}#escalation", status_code=303)

    def refused(session: Session, actor: CustomerActor, problem: Problem) -> Response:
        return _case(
            request, session, actor, number, status_code=problem[0], error=problem[1], reason=form.get("reason")
        )

    return _act(request, form, work, refused)


@router.get("/new", response_model=None)
@offload
def new_request_form(request: Request) -> Response:
    with database(request).unit_of_work(write=False) as session:
        try:
            _customer(request, session)
        except NotCustomer as refused:
            return refused.response
    return page(request, "portal_new.html", here="new")


@router.post("/new", response_model=None)
@offload
def new_request(request: Request, form: Form) -> Response:
    def work(session: Session, actor: CustomerActor) -> Response:
        case = service.open_case(
            session,
            actor,
            customer=customer_for(session, actor, actor.customer_id),
            subject=form.get("subject", ""),
            body=form.get("body", ""),
            channel=Channel.PORTAL,
        )
        return RedirectResponse(f"/portal/cases/{case.id}", status_code=303)

    def refused(session: Session, actor: CustomerActor, problem: Problem) -> Response:
        return page(
            request,
            "portal_new.html",
            status_code=problem[0],
            error=problem[1],
            here="new",
            subject=form.get("subject", ""),
            draft=form.get("body", ""),
        )

    return _act(request, form, work, refused)


Problem = tuple[int, str]


def _act(request: Request, form: dict[str, str], work: Any, refused: Any) -> Response:
    """Who is asking, the form's own checks, the change in its transaction; a refusal draws the page again."""
    db = database(request)
    with db.unit_of_work(write=False) as session:
        try:
            actor, csrf = _customer(request, session)
        except NotCustomer as not_customer:
            return not_customer.response
    problem = _form_problem(form, csrf)
    if problem is None:
        try:
            with db.unit_of_work() as session:
                done: Response = work(session, actor)
            return done
        except DomainError as error:
            problem = (error.status, error.detail)
    with db.unit_of_work(write=False) as session:
        again: Response = refused(session, actor, problem)
        return again


def _form_problem(form: dict[str, str], csrf: str) -> tuple[int, str] | None:
    if form.get("_too_large"):
        return 413, "That is too long to send here; you can also reply by email."
    if not same(form.get("csrf", ""), csrf):
        return 403, "This form has expired; please try again."
    return None


@router.post("/link", response_model=None)
@offload
def email_me_a_link(request: Request, form: Form, settings: AppSettings) -> Response:
    """Ask for a sign-in link. The answer is the same whether or not we know the address."""
    with database(request).unit_of_work() as session:
        try:
            doorman(request).knock(request, "magic_link", form.get("email", ""))
            auth.request_magic_link(
                session,
                form.get("email", ""),
                link_base=f"{settings.base_url.rstrip('/')}/auth/magic",
                minutes=settings.magic_link_minutes,
            )
        except DomainError as error:
            return page(request, "portal_sign_in.html", status_code=error.status, error=error.detail)
    return page(request, "portal_sign_in.html", sent=True)


@router.get("/cases/{number}/callback", response_model=None)
@offload
def callback_form(request: Request, number: CaseNumber) -> Response:
    with database(request).unit_of_work(write=False) as session:
        try:
            actor, _ = _customer(request, session)
            case = case_for(session, actor, number)
        except NotCustomer as refused:
            return refused.response
        except DomainError as error:
            return page(request, "portal_cases.html", status_code=error.status, error=error.detail, cases=[], here="")
        return _callback_page(request, session, case)


def _callback_page(
    request: Request, session: Session, case: Any, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    policy: callbacks.Policy = request.app.state.callback_policy
    free = callbacks.free_slots(session, policy)[:40]
    zone = policy.hours.zone
    options = [(s.isoformat(), s.astimezone(zone).strftime("%a %d %b, %H:%M")) for s in free]
    return page(
        request,
        "portal_callback.html",
        status_code=status_code,
        case=case,
        slots=options,
        zone=str(zone),
        minutes=policy.minutes,
        here="case",
        **context,
    )


@router.post("/cases/{number}/callback", response_model=None)
@offload
def book_callback(request: Request, number: CaseNumber, form: Form) -> Response:
    def work(session: Session, actor: CustomerActor) -> Response:
        starts_at = _slot(form.get("slot", ""))
        case = case_for(session, actor, number, for_update=True)
        policy = request.app.state.callback_policy
        callbacks.book(session, actor, case, policy, starts_at=starts_at, phone=form.get("phone", ""))
        return RedirectResponse(f"/portal/cases/{number}#callbacks", status_code=303)

    def refused(session: Session, actor: CustomerActor, problem: Problem) -> Response:
        try:
            case = case_for(session, actor, number)
        except DomainError as error:
            return page(request, "portal_cases.html", status_code=error.status, error=error.detail, cases=[], here="")
        return _callback_page(request, session, case, status_code=problem[0], error=problem[1], phone=form.get("phone"))

    return _act(request, form, work, refused)


def _slot(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid("Pick a time from the list.") from None
    if parsed.tzinfo is None:
        raise Invalid("Pick a time from the list.")
    return parsed.astimezone(UTC)


@router.get("/preferences", response_model=None)
@offload
def preferences_form(request: Request) -> Response:
    with database(request).unit_of_work(write=False) as session:
        try:
            actor, _ = _customer(request, session)
        except NotCustomer as refused:
            return refused.response
        return _preferences_page(request, customer_for(session, actor, actor.customer_id))


@router.post("/preferences", response_model=None)
@offload
def save_preferences(request: Request, form: Form) -> Response:
    """How the customer wants to be reached and addressed (P14): every message we send honours it."""

    def work(session: Session, actor: CustomerActor) -> Response:
        channel = form.get("preferred_channel") or None
        if channel is not None and channel not in {c.value for c in Channel}:
            raise Invalid("Choose a channel from the list.")
        changes = PreferenceChanges(
            preferred_channel=Channel(channel) if channel else None,
            language=form.get("language") or None,
            form_of_address=form.get("form_of_address") or None,
            timezone=form.get("timezone") or None,
            contact_window_start=form.get("contact_window_start") or None,
            contact_window_end=form.get("contact_window_end") or None,
            accessibility_notes=form.get("accessibility_notes") or None,
        )
        customer = customer_for(session, actor, actor.customer_id)
        customer_service.update_customer(session, actor, customer, changes)
        return _preferences_page(request, customer, saved=True)

    def refused(session: Session, actor: CustomerActor, problem: Problem) -> Response:
        customer = customer_for(session, actor, actor.customer_id)
        return _preferences_page(request, customer, status_code=problem[0], error=problem[1])

    return _act(request, form, work, refused)


def _preferences_page(request: Request, customer: Any, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    return page(
        request,
        "portal_preferences.html",
        status_code=status_code,
        me=customer,
        channels=list(Channel),
        here="preferences",
        **context,
    )
