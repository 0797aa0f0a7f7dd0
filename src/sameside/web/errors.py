"""How pages refuse: one handler draws every refusal a page route did not draw itself, as a page.

Routes draw the refusals of what a person did (a reply refused shows on the
case page, with their draft). What refuses before a route runs — nobody
signed in, the wrong kind of person, a case number that is not one, a page
that is not there — is drawn here: the sign-in page or a short page saying
what went wrong, with the right status. The JSON API keeps problem+json.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from sameside.http import problems
from sameside.kit.errors import DomainError, TooManyRequests
from sameside.web.deps import NotForYou, SignInFirst
from sameside.web.pages import page

_PAGES = ("/desk", "/portal", "/sign-in", "/sign-out", "/tokens", "/auth/magic")
"""Where the pages live; any other address (the API, an unknown one) keeps problem+json."""


def _wants_page(request: Request) -> bool:
    path = request.url.path
    return any(path == p or path.startswith(f"{p}/") for p in _PAGES)


def _refusal(request: Request, status: int, message: str) -> Response:
    template = "portal_cases.html" if request.url.path.startswith("/portal") else "desk_refused.html"
    return page(request, template, status_code=status, error=message, cases=[], here="")


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
        if not _wants_page(request):
            return problems.for_domain_error(exc)
        response = _refusal(request, exc.status, exc.detail)
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if not _wants_page(request):
            return problems.for_validation_error(exc)
        return _refusal(request, 404, "There is nothing at this address; check the link.")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if not _wants_page(request):
            return problems.for_http_error(exc)
        message = "There is no such page." if exc.status_code == 404 else str(exc.detail)
        response = _refusal(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response
