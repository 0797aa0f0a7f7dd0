"""The front door: what is here, staff sign-in, and where a customer's magic link lands.

Forms are plain HTML posts with a CSRF token; the workspace and portal pages
come with the web issue and build on the same sessions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from sameside import __version__
from sameside.auth import service as auth
from sameside.customers.queries import customer_for
from sameside.edge.deps import CSRF_COOKIE, SESSION_COOKIE, AppSettings, Write, database, set_session_cookies
from sameside.edge.desk import on_desk
from sameside.edge.limits import doorman
from sameside.kit.actors import CustomerActor, StaffActor
from sameside.kit.errors import DomainError, TooManyRequests
from sameside.kit.secrets import same
from sameside.staff.queries import get_staff

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

_FORM_LIMIT = 8192


async def _form(request: Request) -> dict[str, str]:
    raw = await request.body()
    if len(raw) > _FORM_LIMIT:
        return {}
    parsed = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=10)
    return {k: v[0] for k, v in parsed.items()}


Form = Annotated[dict[str, str], Depends(_form)]


def _viewer(request: Request) -> tuple[StaffActor | CustomerActor | None, str | None, str | None]:
    """Who is looking at the page (by cookie), their display name and CSRF token."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None, None, None
    with database(request).unit_of_work(write=False) as session:
        resolved = auth.resolve_session(session, cookie)
        if resolved is None:
            return None, None, None
        if isinstance(resolved.actor, StaffActor):
            name = get_staff(session, resolved.actor.staff_id).name
        else:
            name = customer_for(session, resolved.actor, resolved.actor.customer_id).name
    return resolved.actor, name, resolved.csrf_token


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    actor, viewer_name, csrf = _viewer(request)
    return templates.TemplateResponse(
        request,
        name,
        {
            "actor": actor,
            "viewer_name": viewer_name,
            "csrf": csrf,
            "version": __version__,
            "is_staff": isinstance(actor, StaffActor),
            **context,
        },
        status_code=status_code,
    )


def _refused(response: HTMLResponse, error: DomainError) -> HTMLResponse:
    """A form's refusal page; a rate limit also says when to try again, as the API does."""
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@router.get("/", response_class=HTMLResponse)
@on_desk
def home(request: Request) -> HTMLResponse:
    return _page(request, "home.html")


@router.post("/sign-in", response_model=None)
@on_desk
def sign_in(request: Request, form: Form, write: Write, settings: AppSettings) -> Response:
    with write() as session:
        email, password = form.get("email", ""), form.get("password", "")
        try:
            doorman(request).knock(request, "sign_in", email)
            staff = auth.check_staff_password(session, email, password)
        except DomainError as error:
            return _refused(
                _page(request, "home.html", status_code=error.status, error=error.detail, email=email), error
            )
        issued = auth.open_session(session, staff=staff, days=settings.session_days)
        response = RedirectResponse("/", status_code=303)
        set_session_cookies(response, settings, issued)
        return response


@router.post("/sign-out")
@on_desk
def sign_out(request: Request, form: Form, write: Write) -> RedirectResponse:
    with write() as session:
        _, _, csrf = _viewer(request)
        token = request.cookies.get(SESSION_COOKIE)
        if token and csrf and same(form.get("csrf", ""), csrf):
            auth.close_session(session, token)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        response.delete_cookie(CSRF_COOKIE, path="/")
        return response


@router.post("/tokens", response_class=HTMLResponse)
@on_desk
def create_token(request: Request, form: Form, write: Write) -> HTMLResponse:
    """Make an API token from the front page, for the API docs' Authorize button."""
    with write() as session:
        actor, _, csrf = _viewer(request)
        if not isinstance(actor, StaffActor) or not csrf or not same(form.get("csrf", ""), csrf):
            return _page(request, "home.html", status_code=403, error="Sign in as staff to create a token.")
        _, plaintext = auth.create_api_token(session, actor, get_staff(session, actor.staff_id), "API docs")
        return _page(request, "home.html", new_token=plaintext)


@router.get("/auth/magic", response_class=HTMLResponse)
@on_desk
def magic_landing(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """Where a magic link lands. It asks for one click before using the link,
    because mail scanners open links too and would otherwise spend it."""
    return _page(request, "magic.html", token=token)


@router.post("/auth/magic", response_model=None)
@on_desk
def magic_redeem(request: Request, form: Form, write: Write, settings: AppSettings) -> Response:
    with write() as session:
        try:
            doorman(request).knock(request, "magic_link_redeem")
            customer = auth.redeem_magic_link(session, form.get("token", ""))
        except DomainError as error:
            return _refused(_page(request, "magic.html", status_code=error.status, error=error.detail, token=""), error)
        issued = auth.open_session(session, customer=customer, days=settings.session_days)
        response = RedirectResponse("/", status_code=303)
        set_session_cookies(response, settings, issued)
        return response
