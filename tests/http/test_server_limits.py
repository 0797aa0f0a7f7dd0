"""The server protocol's own limits, on a real uvicorn server and real sockets, with limits short enough to wait out."""

from __future__ import annotations

import asyncio
import contextlib
import resource
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from sameside.http.server import HEADROOM, RESERVED_FILES, GuardedHttpProtocol, HttpLimits, fit_open_files
from tests.worker.smtp_sink import free_port


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers with how many body bytes it read; `/late-reader` first waits a second before reading."""
    if scope["type"] != "http":
        return
    if scope["path"] == "/late-reader":
        await asyncio.sleep(1.0)
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = str(seen).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
    await send({"type": "http.response.body", "body": body})


@contextlib.contextmanager
def serving(limits: HttpLimits) -> Iterator[int]:
    protocol = type("Limited", (GuardedHttpProtocol,), {"limits": limits})
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(_app, port=port, http=protocol, lifespan="off", log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def _answer(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
        if b"\r\n\r\n" in b"".join(chunks):
            head, _, rest = b"".join(chunks).partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                ),
                0,
            )
            if len(rest) >= length:
                break
    return b"".join(chunks)


QUICK = HttpLimits(header_timeout=0.5, body_timeout=0.5, max_header_bytes=2048, max_connections=100)


def test_a_request_within_the_limits_is_served_and_the_connection_kept() -> None:
    with serving(QUICK) as port, _connect(port) as sock:
        for _ in range(2):
            sock.sendall(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
            assert _answer(sock).endswith(b"\r\n\r\n5")


def test_headers_that_trickle_in_get_408_and_a_silent_connection_is_closed() -> None:
    with serving(QUICK) as port:
        with _connect(port) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n")
            started = time.monotonic()
            time.sleep(0.3)
            slow.sendall(b"X-One: more\r\n")  # still under way, but the head's time is up at 0.5 s
            answer = _answer(slow)
            assert answer.startswith(b"HTTP/1.1 408 ") and 0.4 < time.monotonic() - started < 1.5
        with _connect(port) as silent:
            assert silent.recv(100) == b""  # closed, nothing said to a connection that said nothing


def test_the_next_request_on_a_kept_connection_has_the_same_header_time() -> None:
    with serving(QUICK) as port, _connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 200 ")
        sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 408 ")


def test_headers_over_the_size_limit_get_431() -> None:
    with serving(QUICK) as port, _connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"x" * 100_000 + b"\r\n\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 431 ")


def test_a_body_that_stalls_gets_408() -> None:
    with serving(QUICK) as port, _connect(port) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part")
        started = time.monotonic()
        answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 408 ") and 0.4 < time.monotonic() - started < 1.5


def test_a_body_the_app_is_slow_to_read_is_not_the_clients_delay() -> None:
    body = b"z" * 300_000  # past the read buffer: reading pauses until the app asks
    with serving(QUICK) as port, _connect(port) as sock:
        sock.sendall(b"POST /late-reader HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        assert _answer(sock).endswith(b"\r\n\r\n%d" % len(body))


def test_past_the_connection_cap_requests_get_503_but_health_checks_are_answered() -> None:
    limits = HttpLimits(header_timeout=5, body_timeout=5, max_header_bytes=2048, max_connections=3)
    with serving(limits) as port:
        idle = [_connect(port) for _ in range(3)]
        try:
            time.sleep(0.1)
            with _connect(port) as sock:
                sock.sendall(b"GET /api/v1/cases HTTP/1.1\r\nHost: t\r\n\r\n")
                busy = _answer(sock)
            assert busy.startswith(b"HTTP/1.1 503 ") and b"retry-after: 5" in busy.lower()
            with _connect(port) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                assert _answer(sock).startswith(b"HTTP/1.1 200 ")
            # Past the headroom too, a new connection is answered 503 at once, before it says anything.
            crowd = [_connect(port) for _ in range(HEADROOM)]
            idle.extend(crowd)
            with _connect(port) as sock:
                sock.settimeout(2)
                refused = sock.recv(4096)
            assert refused.startswith(b"HTTP/1.1 503 ") and b"retry-after" in refused.lower()
        finally:
            for sock in idle:
                sock.close()


def test_the_connection_cap_fits_the_open_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1024:
        pytest.skip(f"the hard open-file limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
    try:
        assert fit_open_files(5000) == 1024 - RESERVED_FILES - HEADROOM
        assert fit_open_files(100) == 100
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
