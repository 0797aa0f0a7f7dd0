"""When the database is in trouble, or something no route expected fails: always an answer, never a hang or a drop."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from sameside.app import create_app
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.api.test_errors import problem_of
from tests.factories import Factory


def test_a_lock_held_elsewhere_is_a_quick_503_and_the_desk_recovers(db: Database, make: Factory) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL's lock timeout; SQLite's writers are serialised by our own lock instead")
    settings = Settings(
        database_url=db.url.render_as_string(hide_password=False),
        base_url="http://testserver",
        db_lock_timeout_seconds=1,
    )
    timed = Database(settings.database_url, pool_size=2, lock_timeout=1)
    app = create_app(settings, database=timed)
    admin = make.staff(Role.ADMIN, password=None)
    make.case()
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with db.engine.connect() as conn, conn.begin():
            conn.execute(text("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE"))
            held.set()
            release.wait(20)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        with TestClient(app, raise_server_exceptions=False) as client:
            started = time.monotonic()
            answer = client.get("/api/v1/cases", headers=admin.headers)
            waited = time.monotonic() - started
            problem = problem_of(answer, 503)
            assert answer.headers["retry-after"].isdigit()
            assert "busy" in problem["detail"]
            assert waited < 8  # the lock timeout, not the 20 s the lock is held
            release.set()
            holder.join(10)
            assert client.get("/api/v1/cases", headers=admin.headers).status_code == 200
    finally:
        release.set()
        holder.join(10)
        timed.dispose()


def test_an_unexpected_error_is_one_logged_500_with_a_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    app = client.app

    def broken() -> None:
        raise RuntimeError("a bug nobody expected")

    app.add_api_route("/api/v1/broken-for-this-test", broken)  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR):
        answer = client.get("/api/v1/broken-for-this-test")
    problem = problem_of_500(answer)
    request_id = answer.headers["x-request-id"]
    assert request_id in problem["detail"]
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1 and request_id in tracebacks[0].getMessage()
    assert answer.headers.get("connection", "").lower() != "close"
    assert client.get("/healthz").status_code == 200  # the server carries on


def problem_of_500(answer: object) -> dict[str, object]:
    assert getattr(answer, "status_code", None) == 500
    assert answer.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body: dict[str, object] = answer.json()  # type: ignore[attr-defined]
    assert body["status"] == 500 and "Traceback" not in str(body)
    return body
