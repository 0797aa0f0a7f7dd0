"""The HTTP server's own limits: how long a request may take to arrive, how big its head, how many connections.

uvicorn's httptools protocol, which `sameside serve` runs, bounds none of
these: a client sending a header byte every few seconds keeps its connection
for ever, a head of any size is buffered, and past the open-file limit the
server cannot accept even a health probe. `GuardedHttpProtocol` is that
protocol with four limits added (`HttpLimits`, from the settings):

- **Header time.** A request's line and headers must arrive within
  `header_timeout` of the connection opening, or of the first byte of the
  next request on a kept-alive connection; else 408 and the connection closes.
- **Header size.** At most `max_header_bytes` of line and headers; else 431.
- **Body time.** While a body is read, at most `body_timeout` may pass
  between two reads; else 408 (or only the close, once an answer has begun).
  Time the app spends not reading (reads paused by flow control) is not the
  client's and does not count.
- **Connections.** Past `max_connections` open connections a request is
  answered 503 with Retry-After, except `/healthz` and `/readyz`, which are
  how an operator sees the overload; past `max_connections + HEADROOM` a new
  connection gets its 503 at once, unread, so the process never runs out of
  file descriptors. `max_connections` is lowered to fit the open-file limit.

A refusal is written straight to the socket, then the connection is closed
after a short linger (reading and dropping what the client still sends), so
a client still writing its head reads the answer instead of a reset.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import resource
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from sameside.config import Settings

log = logging.getLogger(__name__)

HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
HEADROOM = 64
"""Connections past `max_connections` still read, to answer health checks and a 503 with Retry-After."""
RESERVED_FILES = 128
"""File descriptors kept for everything else a process opens: database connections, files, the log."""
LINGER_SECONDS = 2.0
RETRY_AFTER_SECONDS = 5

Phase = Literal["head", "body", "app", "idle", "closing"]


@dataclass(frozen=True)
class HttpLimits:
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_header_bytes: int = 32 * 1024
    max_connections: int = 10_000

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpLimits:
        return cls(
            header_timeout=settings.http_header_timeout_seconds,
            body_timeout=settings.http_body_timeout_seconds,
            max_header_bytes=settings.http_max_header_bytes,
            max_connections=fit_open_files(settings.http_max_connections),
        )


def raise_open_file_limit() -> int:
    """Raise this process's soft open-file limit to its hard limit; returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft


def fit_open_files(wanted: int) -> int:
    """`wanted` connections, or fewer if this process's open-file limit cannot hold them and their headroom."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    room = max(1, soft - RESERVED_FILES - HEADROOM)
    if wanted > room:
        log.warning("serving at most %d connections, not %d: the open-file limit is %d", room, wanted, soft)
        return room
    return wanted


@functools.cache
def _configured_limits() -> HttpLimits:
    return HttpLimits.from_settings(Settings())


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header and body time limits, a header size limit and a connection cap."""

    limits: ClassVar[HttpLimits | None] = None
    """The limits; None: read from the settings once per process (`sameside serve`'s workers each read them)."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._limits = self.limits or _configured_limits()
        self._phase: Phase = "head"
        self._head_bytes = 0
        self._timer: asyncio.TimerHandle | None = None
        self.app = _over_capacity_guard(self.app, self.connections, self._limits.max_connections)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._limits.max_connections + HEADROOM:
            log.warning("refusing a connection: %d open", len(self.connections))
            self._answer(503, "The server is busy; please try again in a moment.", retry_after=RETRY_AFTER_SECONDS)
            self.transport.close()
            self._phase = "closing"
            return
        self._arm(self._limits.header_timeout, self._head_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._phase = "closing"
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._phase == "closing":
            return  # lingering after a refusal: read and drop
        if self._phase == "idle":
            self._phase = "head"
            self._head_bytes = 0
            self._arm(self._limits.header_timeout, self._head_too_slow)
        elif self._phase == "body":
            self._arm(self._limits.body_timeout, self._body_too_slow)
        reading_head = self._phase == "head"
        super().data_received(data)
        if reading_head and self._phase == "head" and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > self._limits.max_header_bytes:
                self._refuse(431, f"The request's headers may be at most {self._limits.max_header_bytes:,} bytes.")

    def on_headers_complete(self) -> None:
        if self._phase == "closing":
            return  # a request pipelined behind a refused one
        # A whole head can arrive in one read, before the count in data_received sees it.
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self._limits.max_header_bytes:
            self._refuse(431, f"The request's headers may be at most {self._limits.max_header_bytes:,} bytes.")
            return
        super().on_headers_complete()
        if self.parser.should_upgrade() and self._should_upgrade():
            return
        self._phase = "body"
        self._arm(self._limits.body_timeout, self._body_too_slow)

    def on_body(self, body: bytes) -> None:
        if self._phase != "closing":
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._phase == "closing":
            return
        super().on_message_complete()
        if self._phase == "body":
            self._phase = "app"
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Nothing pipelined started: uvicorn now waits for the next request under its keep-alive timeout.
        if self.timeout_keep_alive_task is not None and self._phase == "app":
            self._phase = "idle"

    def handle_websocket_upgrade(self) -> None:
        self._disarm()
        self._phase = "closing"  # the socket now belongs to the WebSocket protocol
        super().handle_websocket_upgrade()

    def _head_too_slow(self) -> None:
        self._timer = None
        if self._phase != "head" or self.transport.is_closing():
            return
        if self._head_bytes == 0:
            self.transport.close()  # a connection that never said anything: nothing to answer
            return
        self._refuse(408, "The request's headers did not arrive in time.")

    def _body_too_slow(self) -> None:
        self._timer = None
        if self._phase != "body" or self.transport.is_closing():
            return
        if self.flow.read_paused:  # the app is not reading yet: not the client's delay
            self._arm(self._limits.body_timeout, self._body_too_slow)
            return
        if self.cycle is not None:
            # The app's receive() hears a disconnect, and nothing it sends reaches the socket.
            self.cycle.disconnected = True
            self.cycle.message_event.set()
            if self.cycle.response_started:
                self.transport.close()
                self._phase = "closing"
                return
        self._refuse(408, "The request's body did not arrive in time.")

    def _refuse(self, status: int, message: str) -> None:
        """Answer `status` and close once the client has had time to read it."""
        self._answer(status, message)
        self._phase = "closing"
        self._disarm()
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self._arm(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()

    def _answer(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        body = message.encode()
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        if retry_after is not None:
            head.append(b"retry-after: %d\r\n" % retry_after)
        head.append(b"content-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n" % len(body))
        head.append(b"connection: close\r\n\r\n")
        self.transport.write(b"".join(head) + body)

    def _arm(self, seconds: float, callback: Any) -> None:
        self._disarm()
        self._timer = self.loop.call_later(seconds, callback)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _over_capacity_guard(app: Any, connections: set[Any], limit: int) -> Any:
    """`app`, except that past `limit` open connections requests other than health checks get a 503."""

    async def guarded(scope: Any, receive: Any, send: Any) -> None:
        if len(connections) > limit and scope.get("path") not in HEALTH_PATHS:
            body = b"The server is busy; please try again in a moment."
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return guarded
