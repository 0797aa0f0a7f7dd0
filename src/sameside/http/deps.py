"""What every route needs: a session inside the unit of work, and who is asking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from sameside.auth import service as auth
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.http import acting
from sameside.http.offload import offload
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


async def settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


async def _read_session(request: Request) -> AsyncIterator[Session]:
    async with _unit_of_work(request, write=False) as session:
        yield session


@asynccontextmanager
async def _unit_of_work(request: Request, *, write: bool) -> AsyncIterator[Session]:
    """A read-only unit of work around the route; it touches no database until the route's first query.

    Its end (a rollback) runs on the loop for SQLite, where it is instant,
    and in a worker thread for PostgreSQL, where it is a round trip.
    """
    db = database(request)
    manager = db.unit_of_work(write=write)
    session = manager.__enter__()
    try:
        yield session
    except BaseException as exc:
        await _finish(db, manager.__exit__, type(exc), exc, exc.__traceback__)
        raise
    await _finish(db, manager.__exit__, None, None, None)


async def _finish(db: Database, exit_: Any, *args: Any) -> None:
    if db.is_sqlite:
        exit_(*args)
    else:
        await anyio.to_thread.run_sync(exit_, *args)


class Writer:
    """Opens the request's write unit of work, in the route's own thread.

    Routes that change things say `with write() as session:` and build their
    answer inside the block; it commits when the block ends, before the
    response is sent. The transaction stays in one thread from first
    statement to commit on purpose: on SQLite a write holds the process's
    write lock, and a lock held across a hand-off to another worker thread
    can starve (every worker queued for the lock, none left to commit).
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def __call__(self) -> AbstractContextManager[Session]:
        return self._db.unit_of_work(write=True)


async def _writer(request: Request) -> Writer:
    return Writer(database(request))


# scope="function": a read's transaction ends right after the route returns.
ReadSession = Annotated[Session, Depends(_read_session, scope="function")]
Write = Annotated[Writer, Depends(_writer)]


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
            resolved = auth.resolve_api_token(session, token)
        if resolved is None:
            raise Unauthenticated("This API token is not valid (unknown or revoked).")
        if resolved.use_is_stale:
            with db.unit_of_work() as session:
                auth.record_api_token_use(session, token)
        return resolved.actor
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    with db.unit_of_work(write=False) as session:
        signed_in = auth.resolve_session(session, cookie)
    if signed_in is None:
        return None
    if request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not same(sent, signed_in.csrf_token):
            raise Forbidden("Missing or wrong X-CSRF-Token header for a cookie-authenticated request.")
    return signed_in.actor


# Declared so the OpenAPI description (and the docs' Authorize button) knows
# both ways in; `_authenticate` does the actual checking.
_bearer = HTTPBearer(auto_error=False, description="An API token from `POST /api/v1/tokens` or the CLI.")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Browser session (send X-CSRF-Token on writes)."
)
Documented = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
DocumentedCookie = Annotated[str | None, Depends(_cookie)]


@offload
def _who_is_asking(request: Request, _b: Documented, _c: DocumentedCookie) -> StaffActor | CustomerActor | None:
    return _authenticate(request)


Asking = Annotated[StaffActor | CustomerActor | None, Depends(_who_is_asking)]


async def optional_user(request: Request, actor: Asking) -> StaffActor | CustomerActor | None:
    acting.note(request, actor, "api")  # async, on the request's task: the route sees it (`http.acting`)
    return actor


async def require_user(request: Request, actor: Asking) -> StaffActor | CustomerActor:
    acting.note(request, actor, "api")
    if actor is None:
        raise Unauthenticated("Sign in, or send an API token as `Authorization: Bearer <token>`.")
    return actor


async def require_staff(actor: Annotated[StaffActor | CustomerActor, Depends(require_user)]) -> StaffActor:
    if not isinstance(actor, StaffActor):
        raise Forbidden("This is for staff only.")
    return actor


async def require_admin(actor: Annotated[StaffActor, Depends(require_staff)]) -> StaffActor:
    if actor.role is not Role.ADMIN:
        raise Forbidden("This is for admins only.")
    return actor


async def require_customer(actor: Annotated[StaffActor | CustomerActor, Depends(require_user)]) -> CustomerActor:
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
