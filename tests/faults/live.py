"""A real `sameside serve` on a fresh database, spoken to over sockets, and a watch on its health check."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from sameside.auth import service as auth
from sameside.db import migrate
from sameside.db.engine import Database
from sameside.kit.actors import Role, SystemActor
from sameside.staff import service as staff_service
from tests.support import fresh_postgres_database, listening, postgres_problem, stop, unavailable
from tests.worker.smtp_sink import free_port

SYSTEM = SystemActor("test")
STARTUP_SECONDS = 60

LIMITS = {
    "SAMESIDE_HTTP_HEADER_TIMEOUT_SECONDS": "2",
    "SAMESIDE_HTTP_BODY_TIMEOUT_SECONDS": "2",
    "SAMESIDE_DB_LOCK_TIMEOUT_SECONDS": "2",
    "SAMESIDE_DB_POOL_TIMEOUT_SECONDS": "3",
}
"""Short limits, so each fault passes in seconds; the server reads them as it would in production."""


@dataclass
class Desk:
    url: str
    """The database URL the server uses."""
    token: str
    """An admin's API token."""
    port: int = 0
    log: Path = Path()

    def call(
        self, method: str, path: str, body: object | None = None, *, timeout: float = 15
    ) -> tuple[int, dict[str, str], bytes, float]:
        """One request on a fresh connection: (status, headers, body, seconds taken)."""
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"Authorization": f"Bearer {self.token}"}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=headers)
            answer = conn.getresponse()
            content = answer.read()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, content, time.monotonic() - started
        finally:
            conn.close()

    def open_case(self, subject: str) -> tuple[int, dict[str, str], bytes, float]:
        return self.call(
            "POST",
            "/api/v1/cases",
            {
                "customer": {"email": f"{subject}@example.com"},
                "subject": subject,
                "body": "Where is my parcel?",
                "channel": "phone",
            },
        )

    def count(self, sql: str, **params: object) -> int:
        """Ask the database directly, on a connection of the test's own."""
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                return int(conn.execute(text(sql), params).scalar_one())
        finally:
            engine.dispose()


@contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A migrated database with nothing in it: a SQLite file, or a throwaway PostgreSQL database."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'desk.db'}"
        _migrate(url)
        yield url
        return
    problem = postgres_problem()
    if problem is not None:
        unavailable(f"PostgreSQL is not reachable: {problem}")
    with fresh_postgres_database("sameside_faults") as url:
        _migrate(url)
        yield url


def _migrate(url: str) -> None:
    db = Database(url)
    migrate.upgrade(db)
    db.dispose()


def admin_token(url: str) -> str:
    db = Database(url)
    try:
        with db.unit_of_work() as s:
            email = f"admin-{uuid.uuid4().hex[:6]}@desk.example"
            staff = staff_service.add_staff(s, SYSTEM, email=email, name="Ada", role=Role.ADMIN)
            _, token = auth.create_api_token(s, SYSTEM, staff, "faults")
    finally:
        db.dispose()
    return token


@contextmanager
def serving(url: str, tmp_path: Path, name: str, **settings: str) -> Iterator[Desk]:
    """`sameside serve` on a free port with the short `LIMITS` (and `settings`), until the block ends."""
    desk = Desk(url=url, token=admin_token(url), port=free_port(), log=tmp_path / f"{name}.log")
    env = {
        **os.environ,
        **LIMITS,
        **settings,
        "SAMESIDE_DATABASE_URL": url,
        "SAMESIDE_DATA_DIR": str(tmp_path / f"{name}-data"),
    }
    with desk.log.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sameside.cli.main", "serve", "--port", str(desk.port), "--no-access-log"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                # Ours, not another test's server that took the port first: ours says it is listening on it.
                if listening(desk.log, desk.port) and desk.call("GET", "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(desk.log.read_text(errors="replace")[-3000:])
            time.sleep(0.1)
        yield desk
    finally:
        stop(process)


@dataclass
class HealthWatch:
    """Asks `/healthz` every `every` seconds on a new connection, and remembers each answer and how long it took."""

    desk: Desk
    every: float = 0.2
    answers: list[tuple[int, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> HealthWatch:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                status = self.desk.call("GET", "/healthz", timeout=5)[0]
            except OSError:
                status = 0
            self.answers.append((status, time.monotonic() - started))
            self._stop.wait(self.every)

    def assert_answered_throughout(self, within: float = 1.0) -> None:
        assert self.answers, "the health check was never asked"
        late = [(status, round(took, 2)) for status, took in self.answers if status != 200 or took > within]
        assert not late, f"/healthz failed or took over {within} s: {late} of {len(self.answers)}"
