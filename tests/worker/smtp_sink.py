"""A real SMTP server on loopback that keeps what it is sent, and answers as a test tells it to."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class Sink:
    """What the server received; `answer` decides the reply to each DATA (None: accept)."""

    port: int = 0
    delivered: list[Delivered] = field(default_factory=list)
    answer: Callable[[Any], str | None] = lambda _envelope: None
    data_started: threading.Event = field(default_factory=threading.Event)
    hold_seconds: float = 0.0
    """Sleep this long inside DATA before answering (to be killed mid-send)."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_started.set()
        if self.hold_seconds:
            await asyncio.sleep(self.hold_seconds)
            if server.transport is None or server.transport.is_closing():
                return "421 4.4.2 The client went away"  # nobody hears it: nothing was delivered
        reply = self.answer(envelope)
        if reply is not None:
            return reply
        self.delivered.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 2.0.0 OK"

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Delivered]:
        deadline = time.monotonic() + timeout
        while len(self.delivered) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.delivered


@contextmanager
def smtp_sink(kind: type[Sink] = Sink) -> Iterator[Sink]:
    """A relay of `kind` (a Sink, or one that misbehaves in its own way) listening on a free loopback port."""
    sink = kind(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
