"""Small pure-ASGI middleware: a request-size cap and security headers.

Pure ASGI (not BaseHTTPMiddleware) because they sit on every request and must
cost next to nothing.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 1024 * 1024  # JSON bodies and plain forms; a multipart upload has its own (`uploads`)


class LimitBody:
    """Refuse bodies over `limit` bytes with 413, and NUL bytes in the URL with 400.

    A body announced by Content-Length is judged before it is read. A streamed
    (chunked) body is read here up to the limit, then handed on whole; one
    that runs over gets its 413 at once.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY, uploads: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit
        self.uploads = max(uploads, limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope.get("path", ""):
            await _problem(send, 400, "Bad request", "NUL characters are not allowed in a URL.", "bad-url")
            return
        length: bytes | None = None
        limit = self.limit
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"content-type" and value.startswith(b"multipart/form-data"):
                limit = self.uploads  # files: each then judged against its own limit (`http.uploads`)
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                await _too_large(send, limit)
                return
            await self.app(scope, receive, send)
            return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                await _too_large(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send, limit: int) -> None:
    await _problem(send, 413, "Request too large", f"The request body may be at most {limit:,} bytes.", "too-large")


async def _problem(send: Send, status: int, title: str, detail: str, slug: str) -> None:
    body = json.dumps(
        {
            "type": f"urn:sameside:problem:{slug}",
            "title": title,
            "status": status,
            "detail": detail,
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_CSP_PAGES = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        private = _signed_in(scope) and not scope.get("path", "").startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                headers.extend(_HEADERS)
                if not any(k == b"content-security-policy" for k, _ in headers):
                    headers.append((b"content-security-policy", _CSP_PAGES))
                if private and not any(k == b"cache-control" for k, _ in headers):
                    # What a signed-in person sees is theirs: no shared or browser cache keeps a copy.
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _signed_in(scope: Scope) -> bool:
    """The request carries credentials: a bearer token or our session cookie."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization" or (name == b"cookie" and b"sameside_session=" in value):
            return True
    return False
