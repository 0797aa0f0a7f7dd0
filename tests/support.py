"""What tests need from the machine, and an honest way to go without it.

A test that needs something the machine lacks (PostgreSQL, Chromium, wrk, the
shared corpus…) calls `unavailable(reason)`: it skips with that reason under
`make test`, and fails under CI, where SAMESIDE_REQUIRE_ALL=1 promises
everything is there.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REQUIRE_ALL = os.environ.get("SAMESIDE_REQUIRE_ALL") == "1"
POSTGRES_ADMIN_URL = os.environ.get(
    "SAMESIDE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REPOSITORY = Path(__file__).resolve().parents[1]
CORPUS_DIR_VARIABLE = "SAMESIDE_CORPUS_DIR"
CORPUS_DIR = Path(os.environ.get(CORPUS_DIR_VARIABLE) or REPOSITORY.parent / "shared" / "corpus").absolute()
"""The shared real-world corpus, read in place and never copied in: ../shared/corpus beside the repository,
or wherever SAMESIDE_CORPUS_DIR says. Tests reach it through `corpus_dir()`."""


def unavailable(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"required but unavailable (SAMESIDE_REQUIRE_ALL=1): {reason}")
    pytest.skip(reason)


def corpus_dir(part: str = "") -> Path:
    """A folder of the shared corpus (`corpus_dir("mail")`), or `unavailable` saying where it was looked for."""
    path = CORPUS_DIR / part
    if not path.is_dir():
        unavailable(
            f"the shared corpus is not at {path} "
            f"(set {CORPUS_DIR_VARIABLE} to the corpus folder; by default it is ../shared/corpus beside the repository)"
        )
    return path


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def _try_start_postgres() -> None:
    """This machine kind runs PostgreSQL from Debian's cluster tools; start it if it is down."""
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        return
    for version in sorted(os.listdir("/etc/postgresql")):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            capture_output=True,
            timeout=60,
            check=False,
        )


def postgres_problem() -> str | None:
    """None if PostgreSQL can be used (starting it if need be), else why not."""
    problem = _postgres_reachable()
    if problem is not None:
        _try_start_postgres()
        problem = _postgres_reachable()
    return problem


@contextmanager
def fresh_postgres_database(prefix: str = "sameside_test") -> Iterator[str]:
    """Create a throwaway database and drop it afterwards; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def mail_text(raw: bytes) -> str:
    """The plain-text part of a message we composed, decoded, as its reader sees it."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the message has no text part"
    return str(part.get_content())  # type: ignore[attr-defined]


def stop(process: subprocess.Popen[Any]) -> None:
    """End a server the test started: asked politely, then killed if it has not gone within 15 s."""
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def listening(log: Path, port: int) -> bool:
    """Whether the `sameside serve` writing `log` has bound `port` itself (uvicorn says so once it has).

    A health answer alone may come from another test's server that took a free port first.
    """
    return f"running on http://127.0.0.1:{port} " in log.read_text(errors="replace")
