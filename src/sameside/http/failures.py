"""When something fails that no route expected: an answer, never a dropped connection.

Database trouble — a lost connection, "database is locked", a full disk, a
pool with no free connection, a statement or lock timeout — is ours and
passes: the answer is `503` with `Retry-After` and what went wrong, and the
next request finds the database again (the pool replaces dead connections).
Anything else is a `500` that says which request it was (`X-Request-Id`,
also in the one log line with the traceback), so an operator can find it.

This is a pure ASGI middleware inside the security headers, so it answers
before Starlette's last-resort handler would log the error a second time
and close the keep-alive connection.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sameside.http.problems import problem
from sameside.kit import logs

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

_BUSY = ("database is locked", "database table is locked", "lock timeout", "lock not available", "could not obtain")
_FULL = ("disk is full", "database or disk is full", "no space left", "could not extend file")
_GONE = ("server closed the connection", "connection refused", "terminating connection", "connection is closed")


def describe(error: BaseException) -> str | None:
    """What to tell the client when `error` is database trouble that will pass; None when it is not."""
    if isinstance(error, PoolTimeout):
        return "Every database connection is busy; please try again in a moment."
    if not isinstance(error, DBAPIError):
        return None
    text = str(error.orig if error.orig is not None else error).lower()
    if any(words in text for words in _FULL):
        return "The database's disk is full; nothing was changed. Please try again later."
    if any(words in text for words in _BUSY) or getattr(error.orig, "sqlstate", None) in {"55P03", "57014", "40P01"}:
        return "The database is busy with other work; nothing was changed. Please try again in a moment."
    if error.connection_invalidated or (isinstance(error, OperationalError) and any(w in text for w in _GONE)):
        return "The database could not be reached; nothing was changed. Please try again in a moment."
    return None


class Failures:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            if started:  # too late for another answer: the client sees the response cut short
                log.exception("failed after answering %s %s", scope.get("method"), scope.get("path"))
                raise
            trouble = describe(error)
            if trouble is not None:
                log.warning("database trouble on %s %s: %s", scope.get("method"), scope.get("path"), error)
                await _answer(send, 503, "Service unavailable", trouble, retry_after=RETRY_AFTER_SECONDS)
                return
            bound = logs.request_id()  # `http.observe` stamps it on the answer
            request_id = bound or uuid.uuid4().hex[:16]
            log.exception("unhandled error on %s %s [request %s]", scope.get("method"), scope.get("path"), request_id)
            await _answer(
                send,
                500,
                "Internal error",
                f"Something went wrong on our side; it has been logged as request {request_id}.",
                request_id=None if bound else request_id,
            )


async def _answer(
    send: Send, status: int, title: str, detail: str, *, retry_after: int | None = None, request_id: str | None = None
) -> None:
    response = (
        problem(status, title, detail)
        if retry_after is None
        else problem(status, title, detail, retry_after=retry_after)
    )
    if request_id is not None:
        response.headers["X-Request-Id"] = request_id
    await response({"type": "http"}, _nothing, send)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
