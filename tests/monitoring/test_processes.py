"""A real `sameside serve --workers 2` and a real `sameside worker`: one scrape adds up every process's figures."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from sameside.db import migrate
from sameside.db.engine import Database
from tests.faults.live import admin_token
from tests.support import listening, stop
from tests.worker.smtp_sink import free_port

STARTUP_SECONDS = 90
PINGS = 24


def _call(port: int, method: str, path: str, body: object = None, headers: dict[str, str] | None = None) -> Any:
    """One request on a fresh connection (so the server processes share them out): (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        sent = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=sent)
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def _json_lines(log: Path) -> list[dict[str, Any]]:
    """The log's JSON lines (Rich's start-up words and printed mail are not log lines)."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


@contextmanager
def _started(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "sameside.cli.main", *args], env=env, stdout=subprocess.DEVNULL, stderr=out
        )
    try:
        yield process
    finally:
        stop(process)


def _answering(port: int, log: Path) -> bool:
    """Ours is up: it said it runs on the port (not another test's server), and a process there answers."""
    try:
        return listening(log, port) and _call(port, "GET", "/healthz")[0] == 200
    except OSError:  # bound by the parent, not yet listened on by a child
        return False


def _scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, _, body = _call(port, "GET", "/metrics")
    assert status == 200, body
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


@pytest.mark.slow
def test_two_server_processes_and_a_worker_are_counted_in_one_scrape(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    database = Database(url)
    migrate.upgrade(database)
    database.dispose()
    token = admin_token(url)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env |= {"SAMESIDE_DATABASE_URL": url, "SAMESIDE_DATA_DIR": str(tmp_path / "data"), "SAMESIDE_LOG_FORMAT": "json"}
    server_log, worker_log = tmp_path / "serve.log", tmp_path / "worker.log"
    staff = {"Authorization": f"Bearer {token}"}

    with _started(["serve", "--port", str(port), "--workers", "2", "--log-format", "json"], env, server_log) as server:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answering(port, server_log):
            assert server.poll() is None, server_log.read_text()
            assert time.monotonic() < deadline, server_log.read_text()
            time.sleep(0.3)

        for _ in range(PINGS):
            assert _call(port, "GET", "/api/v1/ping")[0] == 200
        new_case = {"customer": {"email": "ana@example.com"}, "subject": "Late", "body": "Where?", "channel": "email"}
        status, _, body = _call(port, "POST", "/api/v1/cases", new_case, staff)
        assert status == 201, body
        number = json.loads(body)["number"]
        reply = {"body": "Refunded today.", "send_now": True}
        status, headers, body = _call(
            port, "POST", f"/api/v1/cases/{number}/replies", reply, {**staff, "X-Request-ID": "e2e-reply-1"}
        )
        assert (status, headers["x-request-id"]) == (201, "e2e-reply-1"), body

        with _started(["worker", "--log-format", "json"], env, worker_log):
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                figures = _scrape(port)
                if figures.get(("sameside_mail_out_total", (("outcome", "sent"),)), 0) >= 1:
                    break
                assert time.monotonic() < deadline, worker_log.read_text()
                time.sleep(0.5)

    ping = (("method", "GET"), ("route", "/api/v1/ping"), ("status", "200"))
    assert figures[("sameside_http_requests_total", ping)] == PINGS, "every server process's requests, added up"
    assert figures[("sameside_http_request_duration_seconds_count", ping[:2])] == PINGS
    assert figures[("sameside_jobs_run_total", (("kind", "mail.deliver"), ("outcome", "returned")))] >= 1
    writers = {file.name.rsplit("_", 1)[-1] for file in (tmp_path / "data" / "metrics").glob("counter_*.db")}
    assert len(writers) >= 2, writers  # a server process and the worker at least

    [sent] = [line for line in _json_lines(worker_log) if "console transport" in line["message"]]
    assert sent["request_id"] == "e2e-reply-1", "the worker's line about the job carries the request's id"
    served = _json_lines(server_log)
    assert {"time", "level", "logger", "message", "request_id"} <= set(served[0])
    [access] = [line for line in served if line["logger"] == "uvicorn.access" and "/replies" in line["message"]]
    assert access["request_id"] == "e2e-reply-1"
