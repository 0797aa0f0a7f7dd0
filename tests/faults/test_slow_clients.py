"""Slow and oversized requests: they are cut off in time, and the health check answers throughout."""

from __future__ import annotations

import contextlib
import selectors
import socket
import time

import pytest

from tests.faults.live import LIMITS, Desk, HealthWatch

pytestmark = pytest.mark.slow

HEADER_TIMEOUT = float(LIMITS["SAMESIDE_HTTP_HEADER_TIMEOUT_SECONDS"])
BODY_TIMEOUT = float(LIMITS["SAMESIDE_HTTP_BODY_TIMEOUT_SECONDS"])
SLOW_CLIENTS = 320


def _connect(desk: Desk) -> socket.socket:
    return socket.create_connection(("127.0.0.1", desk.port), timeout=5)


def test_hundreds_of_slowloris_connections_are_closed_and_health_answers_meanwhile(desk: Desk) -> None:
    opened: dict[socket.socket, float] = {}
    closed_after: dict[socket.socket, float] = {}
    answers: list[bytes] = []
    watching = selectors.DefaultSelector()
    try:
        with HealthWatch(desk) as health:
            for _ in range(SLOW_CLIENTS):
                sock = _connect(desk)
                sock.sendall(b"GET /api/v1/cases HTTP/1.1\r\nHost: desk\r\n")
                sock.setblocking(False)
                opened[sock] = time.monotonic()
                watching.register(sock, selectors.EVENT_READ)
            # One header line a second from each, as a slowloris does, until the server hangs up on it.
            next_drip = time.monotonic() + 1
            deadline = time.monotonic() + HEADER_TIMEOUT + 4
            while len(closed_after) < len(opened) and time.monotonic() < deadline:
                for key, _ in watching.select(timeout=0.1):
                    sock = key.fileobj  # type: ignore[assignment]
                    try:
                        data = sock.recv(4096)
                    except OSError:
                        data = b""
                    answers.append(data[:40])
                    closed_after[sock] = time.monotonic() - opened[sock]
                    watching.unregister(sock)
                if time.monotonic() >= next_drip:
                    next_drip += 1
                    for sock in opened.keys() - closed_after.keys():
                        with contextlib.suppress(OSError):
                            sock.send(b"X-Still-Here: yes\r\n")
        health.assert_answered_throughout(within=1.0)
    finally:
        for sock in opened:
            sock.close()

    assert len(closed_after) == SLOW_CLIENTS, f"{SLOW_CLIENTS - len(closed_after)} slow connections were left open"
    assert all(answer.startswith(b"HTTP/1.1 408") or answer == b"" for answer in answers), set(answers)
    assert sum(a.startswith(b"HTTP/1.1 408") for a in answers) >= SLOW_CLIENTS * 0.9
    slowest = max(closed_after.values())
    assert min(closed_after.values()) >= HEADER_TIMEOUT - 0.2 and slowest < HEADER_TIMEOUT + 2.5, slowest
    assert desk.call("GET", "/api/v1/cases")[0] == 200  # and the server carries on


def test_a_megabyte_of_headers_is_answered_431(desk: Desk) -> None:
    with _connect(desk) as sock:
        sock.sendall(b"GET /api/v1/cases HTTP/1.1\r\nHost: desk\r\nX-Padding: " + b"a" * 1_000_000 + b"\r\n\r\n")
        answer = sock.recv(4096)

    assert answer.startswith(b"HTTP/1.1 431 "), answer[:100]
    assert b"connection: close" in answer.lower()
    assert desk.call("GET", "/healthz")[0] == 200


def test_a_body_that_stops_arriving_is_answered_408(desk: Desk) -> None:
    with _connect(desk) as sock:
        sock.sendall(
            b"POST /api/v1/cases HTTP/1.1\r\nHost: desk\r\nAuthorization: Bearer " + desk.token.encode() + b"\r\n"
            b'Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{"subject": "slow'
        )
        started = time.monotonic()
        sock.settimeout(BODY_TIMEOUT + 5)
        answer = sock.recv(4096)
        waited = time.monotonic() - started

    assert answer.startswith(b"HTTP/1.1 408 "), answer[:100]
    assert BODY_TIMEOUT - 0.2 <= waited < BODY_TIMEOUT + 1.5
    assert desk.count("SELECT count(*) FROM cases WHERE subject LIKE 'slow%'") == 0
