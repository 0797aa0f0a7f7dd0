"""The customer portal: my cases, a case's conversation with a reply, a new request.

Customers sign in with the link we email them (magic link) and see only their
own cases and their organization's shared ones — the same gateway as the API.
Every page says how to reach a person (P1).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from sameside.auth import service as auth
from sameside.cases import queries, service
from sameside.cases.access import case_for
from sameside.cases.escalation.service import open_escalation, request_escalation
from sameside.customers import service as customer_service
from sameside.customers.queries import customer_for
from sameside.customers.rules import Channel
from sameside.customers.service import PreferenceChanges
from sameside.db.engine import Session
from sameside.http.deps import database
from sameside.http.limits import doorman
from sameside.http.links import attachment_out
from sameside.http.offload import offload
from sameside.incidents import queries as incidents
from sameside.kit.actors import CustomerActor
from sameside.kit.errors import DomainError, Invalid, TooManyRequests
from sameside.kit.ids import MAX_ID
from sameside.kit.ratelimit import RateLimiter
from sameside.mail import queries as mail_queries
from sameside.web import files, portal_choices
from sameside.web.deps import FormWithFiles, PageSession, PortalCustomer, PostedForm, Problem, act, form_reader, go
from sameside.web.errors import portal_missing
from sameside.web.offers import offer_panel
from sameside.web.pages import page
from sameside.web.portal_callbacks import calls_on_case
from sameside.web.survey_panel import survey_choice, survey_panel

router = APIRouter(prefix="/portal", include_in_schema=False)

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
_FORM_LIMIT = 256 * 1024


Form = Annotated[PostedForm, Depends(form_reader(_FORM_LIMIT, max_fields=10))]
TOO_LONG = "That is too long to send here; you can also reply by email."
PORTAL_REQUESTS_PER_HOUR = 10
"""New requests one customer may send from the portal in an hour (per server process, `kit.ratelimit`)."""


@router.get("", response_model=None)
@offload
def my_cases(
    request: Request,
    me: PortalCustomer,
    session: PageSession,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    try:
        found = queries.list_cases(session, me.actor, queries.CaseFilter(), sort="-updated", limit=25, cursor=cursor)
    except DomainError as error:
        return page(request, "portal_cases.html", status_code=error.status, error=error.detail, cases=[], here="cases")
    return page(
        request,
        "portal_cases.html",
        cases=found.items,
        next_cursor=found.next_cursor,
        here="cases",
        portal_incidents=incidents.current_for(session, me.actor),  # P11: what we know is broken, said first
    )


@router.get("/cases/{number}", response_model=None)
@offload
def case_page(request: Request, number: CaseNumber, me: PortalCustomer, session: PageSession) -> Response:
    return draw_case(request, session, me.actor, number)


def draw_case(
    request: Request, session: Session, actor: CustomerActor, number: int, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    try:
        case = case_for(session, actor, number)
    except DomainError as error:
        return portal_missing(request, actor, error.detail, status_code=error.status)
    entries = queries.timeline(session, actor, case)  # public entries only, for customers
    files = mail_queries.attachments_of(session, case.id, [e.id for e in entries])
    attachments = {entry_id: [attachment_out(request, a) for a in rows] for entry_id, rows in files.items()}
    customer = customer_for(session, actor, actor.customer_id)
    calls = calls_on_case(session, customer, case.id, request.app.state.callback_policy.hours.zone)
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
        **offer_panel(session, case.id),
        **survey_panel(session, case.id),
        portal_incidents=incidents.public_of(session, incidents.of_case(session, case.id)),
        incidents_of_case=True,
        **context,
    )


@router.post("/cases/{number}/reply", response_model=None)
@offload
def reply(request: Request, number: CaseNumber, form: FormWithFiles, me: PortalCustomer) -> Response:
    attached = files.sort(request, form)

    def work(session: Session) -> Response:
        actor = me.actor
        case = case_for(session, actor, number, for_update=True)
        body, data = form.get("body", ""), files.refused_data(attached)
        entry = service.receive_message(session, actor, case, body, channel=Channel.PORTAL, data=data)
        files.keep(request, session, case.id, entry.id, attached)
        return go(f"/portal/cases/{number}#latest")

    def refused(session: Session, problem: Problem) -> Response:
        actor = me.actor
        return draw_case(
            request, session, actor, number, status_code=problem[0], error=problem[1], draft=form.get("body")
        )

    return act(request, me.csrf, form, work, refused, too_large=TOO_LONG)


@router.post("/cases/{number}/escalation", response_model=None)
@offload
def ask_for_a_manager(request: Request, number: CaseNumber, form: Form, me: PortalCustomer) -> Response:
    """Someone senior is asked to look; the case stays with the person who has it (P3)."""

    def work(session: Session) -> Response:
        actor = me.actor
        case = case_for(session, actor, number, for_update=True)
        request_escalation(session, actor, case, reason=form.get("reason", ""), source="portal")
        return go(f"/portal/cases/{number}#escalation")

    def refused(session: Session, problem: Problem) -> Response:
        actor = me.actor
        return draw_case(
            request, session, actor, number, status_code=problem[0], error=problem[1], reason=form.get("reason")
        )

    return act(request, me.csrf, form, work, refused, too_large=TOO_LONG)


@router.get("/new", response_model=None)
@offload
def new_request_form(request: Request, me: PortalCustomer) -> Response:
    return page(request, "portal_new.html", here="new")


@router.post("/new", response_model=None)
@offload
def new_request(request: Request, form: FormWithFiles, me: PortalCustomer) -> Response:
    """A new case in the customer's words; at most `PORTAL_REQUESTS_PER_HOUR` an hour per customer."""
    retry_after: list[int] = []
    attached = files.sort(request, form)

    def work(session: Session) -> Response:
        actor = me.actor
        case, first = service.open_case_with_message(
            session,
            actor,
            customer=customer_for(session, actor, actor.customer_id),
            subject=form.get("subject", ""),
            body=form.get("body", ""),
            channel=Channel.PORTAL,
            message_data=files.refused_data(attached),
        )
        files.keep(request, session, case.id, first.id, attached)
        # Counted once the request is sound, so fixing a refused form costs nothing; past the
        # limit the case is rolled back with the rest of the transaction and the draft shown again.
        limiter: RateLimiter = request.app.state.portal_requests
        try:
            limiter.hit(f"customer:{actor.customer_id}")
        except TooManyRequests as error:
            retry_after.append(error.retry_after)
            minutes = max(1, -(-error.retry_after // 60))
            raise TooManyRequests(
                f"You have sent {PORTAL_REQUESTS_PER_HOUR} new requests within the hour, as many as we take. "
                f"Your message is kept below: send it in {minutes} minutes, or add it to one of your cases.",
                retry_after=error.retry_after,
            ) from None
        return go(f"/portal/cases/{case.id}")

    def refused(session: Session, problem: Problem) -> Response:
        response = page(
            request,
            "portal_new.html",
            status_code=problem[0],
            error=problem[1],
            here="new",
            subject=form.get("subject", ""),
            draft=form.get("body", ""),
        )
        if retry_after:
            response.headers["Retry-After"] = str(retry_after[0])
        return response

    return act(request, me.csrf, form, work, refused, too_large=TOO_LONG)


@router.post("/link", response_model=None)
@offload
def email_me_a_link(request: Request, form: Form) -> Response:
    """Ask for a sign-in link: the answer, and the work done for it (one job), are the same for any address."""
    with database(request).unit_of_work() as session:
        try:
            doorman(request).knock(request, "magic_link", form.get("email", ""))
            auth.ask_for_sign_in_link(session, form.get("email", ""))
        except DomainError as error:
            return page(request, "portal_sign_in.html", status_code=error.status, error=error.detail)
    return page(request, "portal_sign_in.html", sent=True)


@router.get("/preferences", response_model=None)
@offload
def preferences_form(request: Request, me: PortalCustomer, session: PageSession) -> Response:
    customer = customer_for(session, me.actor, me.actor.customer_id)
    return _preferences_page(request, customer, **survey_choice(session, customer.id))


@router.post("/preferences", response_model=None)
@offload
def save_preferences(request: Request, form: Form, me: PortalCustomer) -> Response:
    """How the customer wants to be reached and addressed (P14): every message we send honours it."""

    def work(session: Session) -> Response:
        actor = me.actor
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

    def refused(session: Session, problem: Problem) -> Response:
        actor = me.actor
        customer = customer_for(session, actor, actor.customer_id)
        return _preferences_page(request, customer, status_code=problem[0], error=problem[1], typed=form.fields)

    return act(request, me.csrf, form, work, refused, too_large=TOO_LONG)


def _preferences_page(
    request: Request, customer: Any, *, status_code: int = 200, typed: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """The form with what is saved, or (after a refusal) with what they chose, so nothing is lost."""
    fields = ("form_of_address", "preferred_channel", "language", "timezone")
    shown = {name: getattr(customer, name) for name in (*fields, "contact_window_start", "contact_window_end")}
    shown["preferred_channel"] = customer.preferred_channel.value if customer.preferred_channel else None
    shown["accessibility_notes"] = customer.accessibility_notes
    if typed is not None:
        shown.update({name: typed.get(name) or None for name in shown})
    return page(
        request,
        "portal_preferences.html",
        status_code=status_code,
        me=customer,
        shown=shown,
        channels=list(Channel),
        languages=portal_choices.LANGUAGES,
        zones=portal_choices.zone_groups(),
        unlisted_language=shown["language"] if not portal_choices.known_language(shown["language"]) else None,
        unlisted_zone=shown["timezone"] if not portal_choices.known_zone(shown["timezone"]) else None,
        here="preferences",
        **context,
    )
