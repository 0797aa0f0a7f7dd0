"""`/healthz` and `/readyz`: they answer whatever the requests are doing, and say why when the answer is no."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from sameside.app import create_app
from sameside.config import Settings
from sameside.db import migrate
from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import Factory

NEW_CASE = {"customer": {"email": "ana@example.com"}, "subject": "Late", "body": "Where is it?", "channel": "phone"}


def test_health_and_readiness_say_ok_when_all_is_well(client: TestClient) -> None:
    health = client.get("/healthz")
    ready = client.get("/readyz")

    assert (health.status_code, health.json()["status"], health.json()["database"]) == (200, "ok", "ok")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "reasons": []})
    assert health.headers["cache-control"] == ready.headers["cache-control"] == "no-store"


def test_health_answers_while_every_request_thread_is_taken(client: TestClient) -> None:
    release = threading.Event()

    def stuck() -> dict[str, str]:  # a plain function: FastAPI runs it in a request thread
        release.wait(20)
        return {}

    client.app.add_api_route("/stuck-for-this-test", stuck)  # type: ignore[attr-defined]
    threads = client.app.state.settings.worker_threads  # type: ignore[attr-defined]
    with ThreadPoolExecutor(threads) as pool:
        try:
            for _ in range(threads):
                pool.submit(client.get, "/stuck-for-this-test")
            time.sleep(0.3)
            started = time.monotonic()
            health = client.get("/healthz")
            ready = client.get("/readyz")
            took = time.monotonic() - started
        finally:
            release.set()

    assert (health.status_code, ready.status_code) == (200, 200)
    assert took < 2


def test_low_disk_space_refuses_writes_and_readiness_says_where(db: Database, make: Factory, tmp_path: Path) -> None:
    settings = Settings(
        database_url=db.url.render_as_string(hide_password=False),
        base_url="http://testserver",
        data_dir=tmp_path,
        disk_min_free_mb=10**9,  # a petabyte: more than any disk here has free
    )
    admin = make.staff(Role.ADMIN, password=None)
    with TestClient(create_app(settings, database=db), raise_server_exceptions=False) as client:
        refused = client.post("/api/v1/cases", json=NEW_CASE, headers=admin.headers)
        listed = client.get("/api/v1/cases", headers=admin.headers)
        ready = client.get("/readyz")
        health = client.get("/healthz")

    assert refused.status_code == 503 and refused.headers["retry-after"].isdigit()
    assert "disk is nearly full; nothing was changed" in refused.json()["detail"]
    assert listed.status_code == 200 and listed.json()["items"] == []
    assert ready.status_code == 503
    assert any(r.startswith(f"low disk space in {tmp_path}: ") for r in ready.json()["reasons"]), ready.json()
    assert health.status_code == 200  # alive: only not ready


@contextmanager
def _sqlite_write_lock_held(path: str) -> Iterator[None]:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_on_sqlite_a_lock_held_elsewhere_never_stops_the_event_loop(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    # The writer below waits 3 s for the lock: a loop it stopped would keep the
    # reads waiting most of that, far past the 1.5 s a busy machine may take.
    db = Database(f"sqlite:///{path}", lock_timeout=3.0)
    migrate.upgrade(db)
    admin = Factory(db).staff(Role.ADMIN, password=None)
    settings = Settings(database_url=f"sqlite:///{path}", base_url="http://testserver", data_dir=tmp_path)
    try:
        with TestClient(create_app(settings, database=db), raise_server_exceptions=False) as client:
            client.get("/api/v1/cases", headers=admin.headers)  # the token's use recorded: later reads only read
            with _sqlite_write_lock_held(str(path)):
                started = time.monotonic()
                first = client.post("/api/v1/cases", json=NEW_CASE, headers=admin.headers)
                first_took = time.monotonic() - started
                assert not db.runs_inline  # writes now wait in threads, off the loop
                with ThreadPoolExecutor(1) as pool:
                    waiting = pool.submit(client.post, "/api/v1/cases", json=NEW_CASE, headers=admin.headers)
                    time.sleep(0.2)
                    started = time.monotonic()
                    health = client.get("/healthz")
                    listed = client.get("/api/v1/cases", headers=admin.headers)
                    meanwhile = time.monotonic() - started
                    second = waiting.result(10)
            after = client.post("/api/v1/cases", json=NEW_CASE, headers=admin.headers)
    finally:
        db.dispose()

    assert first.status_code == 503 and "busy" in first.json()["detail"] and first_took < 1
    assert (health.status_code, listed.status_code) == (200, 200) and meanwhile < 1.5
    assert second.status_code == 503 and second.headers["retry-after"].isdigit()
    assert after.status_code == 201


def test_a_full_sqlite_database_is_a_503_and_readiness_says_so(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    admin = Factory(db).staff(Role.ADMIN, password=None)
    db.dispose()
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("VACUUM")  # no free pages left inside the file to grow into
        pages = conn.execute("PRAGMA page_count").fetchone()[0]

    def at_its_limit(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite answers SQLITE_FULL past it

    event.listen(Engine, "connect", at_its_limit)
    db = Database(f"sqlite:///{path}")
    settings = Settings(database_url=f"sqlite:///{path}", base_url="http://testserver", data_dir=tmp_path)
    try:
        with TestClient(create_app(settings, database=db), raise_server_exceptions=False) as client:
            big = {**NEW_CASE, "body": "A long story. " * 7000}
            refused = client.post("/api/v1/cases", json=big, headers=admin.headers)
            ready = client.get("/readyz")
            health = client.get("/healthz")
            listed = client.get("/api/v1/cases", headers=admin.headers)
    finally:
        event.remove(Engine, "connect", at_its_limit)
        db.dispose()

    assert refused.status_code == 503 and refused.headers["retry-after"].isdigit()
    assert "disk is full; nothing was changed" in refused.json()["detail"]
    assert ready.status_code == 503
    assert any("full" in reason for reason in ready.json()["reasons"]), ready.json()
    assert health.status_code == 200
    assert listed.status_code == 200 and listed.json()["items"] == []
