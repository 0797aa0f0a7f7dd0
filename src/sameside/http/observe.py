"""Every request's id and figures: pure ASGI, outermost, as cheap as a dict lookup and a clock read.

- **Request id.** A sane `X-Request-ID` from the client or proxy (1–64 of
  letters, digits and `._:-`) is kept; anything else is replaced by a fresh
  one. It is bound for the request's log lines (`kit.logs`), written into
  the jobs it enqueues, and returned in the answer's `X-Request-ID`.
- **Figures.** Each answered request is counted by method, route template
  (`/api/v1/cases/{number}`, never the raw path) and status, with its
  latency (`monitoring.metrics`). The probes and the scrape itself
  (`QUIET`) are left out: they arrive every few seconds and would drown the
  figures people read. Open WebSockets are counted while they are open.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sameside.kit import logs
from sameside.monitoring.metrics import UNMATCHED, WEBSOCKETS, HttpFigures

QUIET = frozenset({"/metrics", "/healthz", "/readyz"})
HEADER = b"x-request-id"


class Observe:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.figures = HttpFigures()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        request_id = None
        for name, value in scope["headers"]:
            if name == HEADER:
                request_id = logs.sane_request_id(value)
                break
        request_id = request_id or logs.new_request_id()
        stamp = (HEADER, request_id.encode())
        status = 500  # what the client gets when nothing answered before the app gave up

        async def stamped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), stamp]
            await send(message)

        bound = logs.bind_request_id(request_id)
        try:
            await self.app(scope, receive, stamped)
        finally:
            logs.unbind_request_id(bound)
            if scope["path"] not in QUIET:
                self.figures.observe(scope["method"], _template(scope), status, time.perf_counter() - started)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        accepted = False

        async def counted(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                WEBSOCKETS.inc()
            await send(message)

        try:
            await self.app(scope, receive, counted)
        finally:
            if accepted:
                WEBSOCKETS.dec()


def _template(scope: Scope) -> str:
    """The route template that took the request (`/api/v1/cases/{number}`), or `UNMATCHED`.

    FastAPI's routers included in others keep their routes' own paths
    (`/{number}`) and note the whole template on the scope as they route;
    read there first, then from Starlette's `route` (plain routes, mounts).
    """
    chosen = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(chosen, "path_format", None)
    if not template:
        template = getattr(scope.get("route"), "path", None)
    return template or UNMATCHED
