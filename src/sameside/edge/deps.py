"""What every route needs: a session inside the unit of work, and who is asking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from sameside.auth import service as auth
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit.actors import CustomerActor, Role, StaffActor
from sameside.kit.errors import Forbidden, Unauthenticated
from sameside.kit.secrets import same

SESSION_COOKIE = "sameside_session"
CSRF_COOKIE = "sameside_csrf"
CSRF_HEADER = "x-csrf-token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


def _read_session(request: Request) -> Iterator[Session]:
    with database(request).unit_of_work(write=False) as session:
        yield session


def _write_session(request: Request) -> Iterator[Session]:
    with database(request).unit_of_work(write=True) as session:
        yield session


# scope="function": the transaction commits (or rolls back) before the response
# is sent, so a client never sees a success that was not stored.
ReadSession = Annotated[Session, Depends(_read_session, scope="function")]
WriteSession = Annotated[Session, Depends(_write_session, scope="function")]


def _authenticate(request: Request) -> StaffActor | CustomerActor | None:
    """Bearer token first (integrations), then the session cookie (browsers).

    A cookie-authenticated unsafe request must echo the session's CSRF token
    in `X-CSRF-Token`; a bearer token is not sent by browsers on their own,
    so it needs none.
    """
    header = request.headers.get("authorization")
    db = database(request)
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Use `Authorization: Bearer <token>`.")
        token = token.strip()
        with db.unit_of_work(write=False) as session:
            actor = auth.resolve_api_token(session, token)
            stale = actor is not None and auth.api_token_use_is_stale(session, token)
        if actor is None:
            raise Unauthenticated("This API token is not valid (unknown or revoked).")
        if stale:
            with db.unit_of_work() as session:
                auth.record_api_token_use(session, token)
        return actor
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    with db.unit_of_work(write=False) as session:
        resolved = auth.resolve_session(session, cookie)
    if resolved is None:
        return None
    if request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not same(sent, resolved.csrf_token):
            raise Forbidden("Missing or wrong X-CSRF-Token header for a cookie-authenticated request.")
    return resolved.actor


# Declared so the OpenAPI description (and the docs' Authorize button) knows
# both ways in; `_authenticate` does the actual checking.
_bearer = HTTPBearer(auto_error=False, description="An API token from `POST /api/v1/tokens` or the CLI.")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Browser session (send X-CSRF-Token on writes)."
)
Documented = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
DocumentedCookie = Annotated[str | None, Depends(_cookie)]


def optional_user(request: Request, _b: Documented, _c: DocumentedCookie) -> StaffActor | CustomerActor | None:
    return _authenticate(request)


def require_user(request: Request, _b: Documented, _c: DocumentedCookie) -> StaffActor | CustomerActor:
    actor = _authenticate(request)
    if actor is None:
        raise Unauthenticated("Sign in, or send an API token as `Authorization: Bearer <token>`.")
    return actor


def require_staff(actor: Annotated[StaffActor | CustomerActor, Depends(require_user)]) -> StaffActor:
    if not isinstance(actor, StaffActor):
        raise Forbidden("This is for staff only.")
    return actor


def require_admin(actor: Annotated[StaffActor, Depends(require_staff)]) -> StaffActor:
    if actor.role is not Role.ADMIN:
        raise Forbidden("This is for admins only.")
    return actor


def require_customer(actor: Annotated[StaffActor | CustomerActor, Depends(require_user)]) -> CustomerActor:
    if not isinstance(actor, CustomerActor):
        raise Forbidden("This is for signed-in customers only.")
    return actor


User = Annotated[StaffActor | CustomerActor, Depends(require_user)]
MaybeUser = Annotated[StaffActor | CustomerActor | None, Depends(optional_user)]
StaffUser = Annotated[StaffActor, Depends(require_staff)]
Admin = Annotated[StaffActor, Depends(require_admin)]
CustomerUser = Annotated[CustomerActor, Depends(require_customer)]
AppSettings = Annotated[Settings, Depends(settings)]


def set_session_cookies(response: Response, settings: Settings, issued: auth.IssuedSession) -> None:
    max_age = settings.session_days * 86400
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    # Readable by our own pages' scripts, so they can echo it as X-CSRF-Token.
    response.set_cookie(
        CSRF_COOKIE,
        issued.csrf_token,
        max_age=max_age,
        httponly=False,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )
