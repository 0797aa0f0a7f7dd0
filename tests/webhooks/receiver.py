"""A real HTTP receiver on loopback for webhook tests: it verifies each message with the reference library.

`Receiver` runs a threaded `http.server` on 127.0.0.1 (an ephemeral port) and answers each POST with the
next status of `answers` (the last repeats). Every request is kept with its body and headers, and checked
with `standardwebhooks` against each secret the test gave: `verified_by` says which secrets verify it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified_by: list[str] = field(default_factory=list)
    """The secrets (of those known when it arrived) whose signature it carries, verified by the library."""


class Receiver:
    def __init__(self) -> None:
        self.answers: list[int] = [200]
        self.secrets: list[str] = []
        self.received: list[Received] = []
        self.location = "http://example.com/elsewhere"
        self.reply: bytes | None = None
        """What to answer with instead of a short text (a huge body, say)."""
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def url(self, host: str = "127.0.0.1", path: str = "/hooks/sameside") -> str:
        return f"http://{host}:{self.port}{path}"

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("content-length") or 0)
        body = request.rfile.read(length)
        headers = {k.lower(): v for k, v in request.headers.items()}
        got = Received(request.path, headers, body)
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            got.verified_by.append(secret)
        with self._lock:
            self.received.append(got)
            status = self.answers[min(len(self.received), len(self.answers)) - 1]
        request.send_response(status)
        if 300 <= status < 400:
            request.send_header("Location", self.location)
        text = self.reply or (b"ok, thanks" if status < 300 else b"receiver is down for maintenance")
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", str(len(text)))
        request.end_headers()
        request.wfile.write(text)

    @contextmanager
    def running(self) -> Iterator[Receiver]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=5)
