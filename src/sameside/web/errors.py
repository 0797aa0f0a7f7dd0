"""How pages refuse: one handler draws every refusal a page route did not draw itself, as a page.

Routes draw the refusals of what a person did (a reply refused shows on the
case page, with their draft). What refuses before a route runs — nobody
signed in, the wrong kind of person, a case number that is not one, a page
that is not there — is drawn here: the sign-in page or a short page saying
what is missing and where to go, in the chrome of whoever is looking (the
desk for staff, the portal with the customer's own cases for a customer),
with the right status.

A browser gets a page for any address it asks for (it says so: `Accept:
text/html`); the JSON API (`/api/…`) and every other client keep
problem+json.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from sameside.cases import queries
from sameside.http import problems
from sameside.http.deps import database
from sameside.kit.actors import CustomerActor, StaffActor
from sameside.kit.errors import DomainError, TooManyRequests
from sameside.web.deps import NotForYou, SignInFirst, viewer_of
from sameside.web.pages import page

_PAGES = ("/desk", "/portal", "/sign-in", "/sign-out", "/tokens", "/auth/magic")
"""Where the pages live: refusals there are pages whoever asks."""

NO_SUCH_PAGE = "There is no page at this address."
NO_SUCH_ADDRESS = "There is nothing at this address; check the link."


def wants_page(request: Request) -> bool:
    """A page's address, or a browser asking for anything outside the API."""
    path = request.url.path
    if any(path == p or path.startswith(f"{p}/") for p in _PAGES):
        return True
    if path == "/api" or path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def desk_missing(request: Request, message: str, *, status_code: int = 404) -> HTMLResponse:
    """The desk's page for what is not there (or not theirs to see): what is missing, and where to go."""
    return page(request, "desk_not_found.html", status_code=status_code, missing=message)


def portal_missing(request: Request, actor: CustomerActor, message: str, *, status_code: int = 404) -> HTMLResponse:
    """The portal's page for a case that is not there: the message, and the customer's own cases, intact."""
    with database(request).unit_of_work(write=False) as session:
        found = queries.list_cases(session, actor, queries.CaseFilter(), sort="-updated", limit=25)
        return page(
            request,
            "portal_cases.html",
            status_code=status_code,
            missing=message,
            cases=found.items,
            next_cursor=found.next_cursor,
            here="cases",
        )


def refusal(request: Request, status: int, message: str) -> Response:
    """A refusal drawn in the chrome of whoever is looking."""
    actor = viewer_of(request).actor
    if isinstance(actor, CustomerActor):
        return portal_missing(request, actor, message, status_code=status)
    if isinstance(actor, StaffActor):
        return desk_missing(request, message, status_code=status)
    return page(request, "not_found.html", status_code=status, error=message, missing=message)


def install(app: FastAPI) -> None:
    """Install over `http.problems`: pages get pages, everything else keeps its problem+json."""

    @app.exception_handler(SignInFirst)
    async def _sign_in(request: Request, exc: SignInFirst) -> Response:
        if exc.area == "desk":
            return RedirectResponse(f"/?next={quote(exc.next_path)}", status_code=303)
        return page(request, "portal_sign_in.html", status_code=401, next=quote(exc.next_path))

    @app.exception_handler(NotForYou)
    async def _not_for_you(request: Request, exc: NotForYou) -> Response:
        if exc.area == "portal":
            return RedirectResponse("/desk", status_code=303)
        return page(request, "desk_refused.html", status_code=403)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if not wants_page(request):
            return problems.for_domain_error(exc)
        response = await run_in_threadpool(refusal, request, exc.status, exc.detail)
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if not wants_page(request):
            return problems.for_validation_error(exc)
        return await run_in_threadpool(refusal, request, 404, NO_SUCH_ADDRESS)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if not wants_page(request):
            return problems.for_http_error(exc)
        message = NO_SUCH_PAGE if exc.status_code == 404 else str(exc.detail)
        response = await run_in_threadpool(refusal, request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response
