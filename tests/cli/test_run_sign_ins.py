"""`make run` on another host or port: the demo prints links that open there, one sign-in per role.

The real command as a subprocess against a SQLite file, as `make run` runs it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import stop

SAMESIDE = Path(sys.executable).parent / "sameside"
REPOSITORY = Path(__file__).resolve().parents[2]


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMESIDE_")}
    return env | {
        "SAMESIDE_DATABASE_URL": f"sqlite:///{home / 'desk.db'}",
        "COLUMNS": "200",
        "NO_COLOR": "1",
        **extra,
    }


def _run(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SAMESIDE), *args],
        check=False,
        cwd=home,
        env=_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    home = tmp_path_factory.mktemp("run")
    first = _run(home, "demo", "--once", "--cases", "12", "--host", "127.0.0.1", "--port", "8101")
    assert first.returncode == 0, first.stderr[-3000:]
    yield home, first.stderr


def test_the_demo_prints_every_link_on_the_port_it_will_be_served_on(seeded: tuple[Path, str]) -> None:
    _, said = seeded
    assert "Sameside is at http://127.0.0.1:8101/" in said
    assert "http://127.0.0.1:8101/auth/magic?token=" in said
    assert ":8000" not in said


def test_the_demo_prints_one_sign_in_per_role_a_back_office_member_included(seeded: tuple[Path, str]) -> None:
    _, said = seeded
    lines = said.splitlines()

    def line_of(role: str) -> str:
        found = [line for line in lines if line.strip().startswith(f"{role}:")]
        assert len(found) == 1, said
        return found[0]

    assert "admin@sameside.example" in line_of("admin")
    assert "supervisor@sameside.example" in line_of("supervisor")
    assert "agent@sameside.example" in line_of("agent")
    assert "backoffice@sameside.example" in line_of("back office")
    assert "Operations" in line_of("back office")
    assert re.search(r"http://127\.0\.0\.1:8101/auth/magic\?token=\S+", line_of("customer"))
    assert "password sameside-demo" in said
    assert "not in this database" not in said


def test_running_again_seeds_nothing_and_prints_a_fresh_customer_link(seeded: tuple[Path, str]) -> None:
    home, first = seeded
    again = _run(home, "demo", "--once", "--host", "0.0.0.0", "--port", "8102")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "already there" in again.stderr
    # Listening on every address, the desk is opened on this machine at the loopback one.
    assert "Sameside is at http://127.0.0.1:8102/" in again.stderr
    token = re.compile(r"token=(\S+)")
    assert token.findall(again.stderr) != token.findall(first)


def test_a_public_address_that_is_set_wins_over_the_port(seeded: tuple[Path, str]) -> None:
    home, _ = seeded
    done = _run(home, "demo", "--once", "--port", "8103", SAMESIDE_BASE_URL="https://help.example.com")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Sameside is at https://help.example.com/" in done.stderr
    assert "https://help.example.com/auth/magic?token=" in done.stderr
    assert ":8103" not in done.stderr


def test_serve_says_where_it_is_and_answers_there(seeded: tuple[Path, str]) -> None:
    home, _ = seeded
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(SAMESIDE), "serve", "--port", str(port), "--no-access-log"],
        cwd=home,
        env=_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        heard = ""
        deadline = time.monotonic() + 60
        while "Serving Sameside at" not in heard and time.monotonic() < deadline:
            heard += server.stderr.readline()
        assert f"Serving Sameside at http://127.0.0.1:{port}" in heard, heard
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
    finally:
        stop(server)
        if server.stderr is not None:
            server.stderr.close()


def test_make_run_hands_host_and_port_to_the_demo_and_the_server() -> None:
    planned = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0", "PORT=8101"],
        check=False,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert planned.returncode == 0, planned.stderr
    commands = planned.stdout.splitlines()
    demo = next(c for c in commands if "sameside demo" in c)
    serve = next(c for c in commands if "sameside serve" in c)
    for command in (demo, serve):
        assert "--host 0.0.0.0 --port 8101" in command
