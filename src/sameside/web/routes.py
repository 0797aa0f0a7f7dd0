"""The front door: what is here, staff sign-in, and where a customer's magic link lands.

Forms are plain HTML posts with a CSRF token; the workspace and portal pages
come with the web issue and build on the same sessions.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sameside.auth import addresses
from sameside.auth import service as auth
from sameside.auth.errors import SignInToConfirm
from sameside.http.deps import CSRF_COOKIE, SESSION_COOKIE, AppSettings, Write, set_session_cookies
from sameside.http.limits import doorman
from sameside.http.offload import offload
from sameside.kit.actors import CustomerActor, StaffActor
from sameside.kit.errors import DomainError, TooManyRequests
from sameside.kit.secrets import same
from sameside.staff.queries import get_staff
from sameside.web import sign_in_guard
from sameside.web.admin import router as admin_router
from sameside.web.admin_business import router as admin_business_router
from sameside.web.admin_channels import router as admin_channels_router
from sameside.web.admin_people import router as admin_people_router
from sameside.web.admin_service_levels import router as admin_service_levels_router
from sameside.web.admin_teams import router as admin_teams_router
from sameside.web.admin_webhooks import router as admin_webhooks_router
from sameside.web.audit import router as audit_router
from sameside.web.calls import router as calls_router
from sameside.web.case_links import router as case_links_router
from sameside.web.composer import router as composer_router
from sameside.web.customers import router as customers_router
from sameside.web.deps import PageSession, PostedForm, form_reader, viewer_of
from sameside.web.desk_callbacks import router as desk_callbacks_router
from sameside.web.feedback import router as feedback_router
from sameside.web.incidents import router as incidents_router
from sameside.web.pages import page
from sameside.web.portal_callbacks import router as portal_callbacks_router
from sameside.web.saved_replies import router as saved_replies_router
from sameside.web.search import router as search_router
from sameside.web.service_levels import router as service_levels_router
from sameside.web.surveys import router as surveys_router

router = APIRouter(include_in_schema=False)
router.include_router(customers_router)  # /desk/customers, /desk/organisations
router.include_router(portal_callbacks_router)  # /portal/cases/{n}/callback, /portal/callbacks/{id}/cancel
router.include_router(service_levels_router)  # /desk/service-levels
router.include_router(surveys_router)  # /surveys/{id}/{score} (email links), /portal/surveys/{id}
router.include_router(search_router)  # /desk/search
router.include_router(saved_replies_router)  # /desk/saved-replies, the composer's picker
router.include_router(case_links_router)  # /desk/cases/{n}/merge, /links, /split
router.include_router(calls_router)  # /desk/callers (a phone case), /desk/cases/{n}/calls
router.include_router(feedback_router)  # /desk/feedback: the inbox; /desk/cases/{n}/feedback: marking (P15)
router.include_router(desk_callbacks_router)  # /desk/callbacks: take, give, how it went
router.include_router(composer_router)  # /desk/cases/{n}/preview: the reply as the customer will read it
router.include_router(admin_router)  # /desk/admin, /desk/admin/tokens, /desk/admin/quarantine
router.include_router(admin_people_router)  # /desk/admin/people, /invite/{token}
router.include_router(admin_teams_router)  # /desk/admin/teams, /desk/admin/departments
router.include_router(audit_router)  # /desk/admin/audit
router.include_router(admin_business_router)  # /desk/admin/business, /branding; /brand/logo/{sha}
router.include_router(admin_channels_router)  # /desk/admin/channels: addresses, IMAP mailboxes, the widget
router.include_router(admin_service_levels_router)  # /desk/admin/service-levels: the SLA policy
router.include_router(admin_webhooks_router)  # /desk/admin/webhooks: subscriptions, delivery logs, allowed hosts
router.include_router(incidents_router)  # /desk/incidents: declared, updated, resolved (P11)

Form = Annotated[PostedForm, Depends(form_reader(8192, max_fields=10))]


def _refused(response: HTMLResponse, error: DomainError) -> HTMLResponse:
    """A form's refusal page; a rate limit also says when to try again, as the API does."""
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _sign_in_page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page with a sign-in form: it carries the pre-session token, and the browser gets it as a cookie."""
    token = sign_in_guard.issue(request)
    response = page(request, name, status_code=status_code, presession=token, **context)
    sign_in_guard.set_cookie(request, response, token)
    return response


@router.get("/", response_class=HTMLResponse)
@offload
def home(request: Request) -> HTMLResponse:
    return _sign_in_page(request, "home.html", product_page=True)  # the server's front door: the product's own


@router.post("/sign-in", response_model=None)
@offload
def sign_in(request: Request, form: Form, write: Write, settings: AppSettings) -> Response:
    with write() as session:
        email, password = form.get("email", ""), form.get("password", "")
        try:
            sign_in_guard.check(request, form)
            doorman(request).knock(request, "sign_in", email)
            staff = auth.check_staff_password(session, email, password)
        except DomainError as error:
            return _refused(
                _sign_in_page(request, "home.html", status_code=error.status, error=error.detail, email=email), error
            )
        issued = auth.open_session(session, staff=staff, days=settings.session_days)
        response = RedirectResponse("/desk", status_code=303)
        set_session_cookies(response, settings, issued)
        return response


@router.post("/sign-out")
@offload
def sign_out(request: Request, form: Form, write: Write) -> RedirectResponse:
    with write() as session:
        token = request.cookies.get(SESSION_COOKIE)
        # Whoever asks to sign out gets it, token or not: the session ends on the server too, so a copy
        # of the cookie taken earlier is worth nothing. (A forged sign-out only costs a sign-in.)
        if token:
            auth.close_session(session, token)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        response.delete_cookie(CSRF_COOKIE, path="/")
        return response


@router.post("/tokens", response_class=HTMLResponse)
@offload
def create_token(request: Request, form: Form, write: Write) -> HTMLResponse:
    """Make an API token from the front page, for the API docs' Authorize button."""
    with write() as session:
        viewer = viewer_of(request, session)
        actor, csrf = viewer.actor, viewer.csrf
        if not isinstance(actor, StaffActor) or not csrf or not same(form.get("csrf", ""), csrf):
            return page(request, "home.html", status_code=403, error="Sign in as staff to create a token.")
        _, plaintext = auth.create_api_token(session, actor, get_staff(session, actor.staff_id), "API docs")
        return page(request, "home.html", new_token=plaintext)


@router.get("/auth/magic", response_class=HTMLResponse)
@offload
def magic_landing(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """Where a magic link lands. It asks for one click before using the link,
    because mail scanners open links too and would otherwise spend it."""
    return _sign_in_page(request, "magic.html", token=token)


@router.post("/auth/magic", response_model=None)
@offload
def magic_redeem(request: Request, form: Form, write: Write, settings: AppSettings) -> Response:
    with write() as session:
        token = form.get("token", "")
        try:
            sign_in_guard.check(request, form)
        except DomainError as error:
            # The form is not offered again with this token: it may be a stranger's, posted by their site.
            return _sign_in_page(request, "magic.html", status_code=error.status, error=error.detail, token="")
        try:
            doorman(request).knock(request, "magic_link_redeem")
            customer = auth.redeem_magic_link(session, token)
        except DomainError as error:
            return _refused(
                _sign_in_page(request, "magic.html", status_code=error.status, error=error.detail, token=""), error
            )
        issued = auth.open_session(session, customer=customer, days=settings.session_days)
        response = RedirectResponse("/portal", status_code=303)
        set_session_cookies(response, settings, issued)
        return response


@router.get("/auth/confirm-address", response_class=HTMLResponse)
@offload
def confirm_address_landing(
    request: Request, session: PageSession, token: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    """Where an address's confirmation link lands: which address, and one button (scanners open links too)."""
    try:
        _, identity = addresses.confirmation_to_open(session, token)
    except DomainError as error:
        return _sign_in_page(request, "confirm_address.html", status_code=error.status, error=error.detail, token="")
    return _sign_in_page(request, "confirm_address.html", token=token, address=identity.value)


@router.post("/auth/confirm-address", response_model=None)
@offload
def confirm_address(request: Request, form: Form, write: Write, settings: AppSettings) -> Response:
    """Confirm the address: as the customer signed in, or by the round trip alone when they have nothing proven.

    In the second case the link proved the address the customer is known by,
    as a sign-in link would: they are signed in.
    """
    token = form.get("token", "")
    with write() as session:
        viewer = viewer_of(request, session)
        try:
            sign_in_guard.check(request, form)
            confirmed = addresses.confirm_address(session, token, viewer.actor)
        except DomainError as error:
            # Refused for want of the customer's session, the link still works once they sign in: keep it.
            keep = isinstance(error, SignInToConfirm)
            return _sign_in_page(
                request,
                "confirm_address.html",
                status_code=error.status,
                error=error.detail,
                token=token if keep else "",
                address=error.extra.get("address") if keep else None,
            )
        if isinstance(viewer.actor, CustomerActor) and viewer.actor.customer_id == confirmed.customer.id:
            return page(request, "confirm_address.html", confirmed=confirmed.address)
        issued = auth.open_session(session, customer=confirmed.customer, days=settings.session_days)
        response = page(request, "confirm_address.html", confirmed=confirmed.address, signed_in_now=True)
        set_session_cookies(response, settings, issued)
        return response
