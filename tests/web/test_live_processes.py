"""Two server processes and Redis: a message posted on one reaches a page connected to the other."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from websockets.sync.client import connect

from sameside.auth import service as auth
from sameside.cases import service as cases
from sameside.customers import service as customers
from sameside.customers.rules import Channel, IdentityKind
from sameside.db import migrate
from sameside.db.engine import Database
from sameside.kit.actors import Role, SystemActor
from sameside.staff import service as staff_service
from tests.support import listening, stop, unavailable
from tests.worker.smtp_sink import free_port

REDIS = ("127.0.0.1", 6379)
SYSTEM = SystemActor("test")


def _redis_url() -> str:
    try:
        with socket.create_connection(REDIS, timeout=1) as s:
            s.sendall(b"PING\r\n")
            if not s.recv(16).startswith(b"+PONG"):
                raise OSError("not Redis")
    except OSError as exc:
        unavailable(f"Redis is not reachable on {REDIS[0]}:{REDIS[1]} ({exc})")
    return f"redis://{REDIS[0]}:{REDIS[1]}/15"


@contextmanager
def server(url: str, redis_url: str, tmp_path: Path, name: str) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "SAMESIDE_DATABASE_URL": url,
        "SAMESIDE_REDIS_URL": redis_url,
        "SAMESIDE_DATA_DIR": str(tmp_path),
    }
    with (tmp_path / f"{name}.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sameside.cli.main", "serve", "--port", str(port), "--no-access-log"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if listening(tmp_path / f"{name}.log", port):
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                        if answer.status == 200:
                            break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((tmp_path / f"{name}.log").read_text(errors="replace")[-2000:])
            time.sleep(0.2)
        yield port
    finally:
        stop(process)


@pytest.mark.slow
def test_a_reply_posted_on_one_server_reaches_a_page_on_the_other(tmp_path: Path) -> None:
    redis_url = _redis_url()
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    session_token, token, number = _desk(url)

    with server(url, redis_url, tmp_path, "a") as a, server(url, redis_url, tmp_path, "b") as b:
        headers = {"Origin": f"http://127.0.0.1:{b}", "Cookie": f"sameside_session={session_token}"}
        with connect(f"ws://127.0.0.1:{b}/ws/live", additional_headers=headers, open_timeout=10) as page:
            page.send(json.dumps({"watch": f"case:{number}"}))
            assert json.loads(page.recv(timeout=10))["type"] == "watching"

            request = urllib.request.Request(
                f"http://127.0.0.1:{a}/api/v1/cases/{number}/replies",
                data=json.dumps({"body": "On its way today."}).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status == 201

            heard = []
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not any(m.get("type") == "case.message" for m in heard):
                heard.append(json.loads(page.recv(timeout=10)))

    assert any(m["type"] == "case.message" and m["case"] == number for m in heard), heard


@pytest.mark.slow
def test_a_browser_on_one_server_shows_a_message_posted_on_the_other(tmp_path: Path, browser: Browser) -> None:
    redis_url = _redis_url()
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    session_token, api_token, number = _desk(url)

    with server(url, redis_url, tmp_path, "a") as a, server(url, redis_url, tmp_path, "b") as b:
        context = browser.new_context(base_url=f"http://127.0.0.1:{b}")
        try:
            context.add_cookies([{"name": "sameside_session", "value": session_token, "url": f"http://127.0.0.1:{b}"}])
            page = context.new_page()
            page.goto(f"/desk/cases/{number}")
            expect(page.locator("#timeline").get_by_text("Where is it?")).to_be_visible()
            page.wait_for_timeout(500)  # the page's socket subscribes to the case

            request = urllib.request.Request(
                f"http://127.0.0.1:{a}/api/v1/cases/{number}/replies",
                data=json.dumps({"body": "Posted on the other server."}).encode(),
                headers={"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status == 201

            expect(page.locator("#timeline")).to_contain_text("Posted on the other server.", timeout=10_000)
        finally:
            context.close()


def _desk(url: str) -> tuple[str, str, int]:
    """A migrated database with an agent (a browser session and an API token) and one case."""
    db = Database(url)
    migrate.upgrade(db)
    with db.unit_of_work() as s:
        staff = staff_service.add_staff(s, SYSTEM, email="dana@desk.example", name="Dana", role=Role.SUPERVISOR)
        session = auth.open_session(s, staff=staff, days=1)
        _, token = auth.create_api_token(s, SYSTEM, staff, "test")
        customer, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value="ana@example.com", name="Ana")
        number = cases.open_case(
            s, SYSTEM, customer=customer, subject="Late", body="Where is it?", channel=Channel.PORTAL
        ).id
    db.dispose()
    return session.token, token, number
