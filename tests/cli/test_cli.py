"""The real `sameside` command, run as a subprocess against a SQLite file, the way an operator runs it.

Starting the command costs seconds, so one installation is set up per module and commands that do not
depend on each other run side by side.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import inspect

from sameside import __version__
from sameside.auth import service as auth
from sameside.customers import service as customers
from sameside.customers.rules import IdentityKind
from sameside.db import migrate
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.staff.queries import staff_by_email

SAMESIDE = Path(sys.executable).parent / "sameside"
BASE_URL = "https://help.example.com"
ADMIN = "Root@Desk.Example"
PASSWORD = "a long enough password"


@dataclass
class Run:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        """stderr with line wrapping undone."""
        return " ".join(self.stderr.split())


class Cli:
    def __init__(self, home: Path, database_url: str, bytecode: Path) -> None:
        self.home = home
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith("SAMESIDE_") and k != "PYTHONDONTWRITEBYTECODE"
        }
        self.env |= {
            "SAMESIDE_DATABASE_URL": database_url,
            "SAMESIDE_BASE_URL": BASE_URL,
            "COLUMNS": "200",
            "NO_COLOR": "1",
            # Compiled once into a temporary cache and reused by every later run (the repository is untouched).
            "PYTHONPYCACHEPREFIX": str(bytecode),
        }

    def start(self, *args: str) -> tuple[tuple[str, ...], subprocess.Popen[str]]:
        process = subprocess.Popen(
            [str(SAMESIDE), *args],
            cwd=self.home,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return args, process

    def together(self, *commands: tuple[str, ...]) -> list[Run]:
        """Run commands side by side; their results in the order given."""
        started = [self.start(*command) for command in commands]
        runs = []
        for args, process in started:
            stdout, stderr = process.communicate(timeout=120)
            runs.append(Run(args, process.returncode, stdout, stderr))
        return runs


@dataclass
class Installation:
    url: str
    home: Path
    first_init: Run
    second_init: Run
    version: Run
    add_before_init: Run
    serve_before_init: Run
    add_admin: Run
    token: Run
    duplicate: Run
    link: Run
    unknown_link: Run
    customer_id: int


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    home = tmp_path_factory.mktemp("install")
    bytecode = tmp_path_factory.mktemp("pycache")
    url = f"sqlite:///{home / 'var' / 'desk.db'}"
    cli = Cli(home, url, bytecode)
    other = Cli(home, f"sqlite:///{home / 'never-initialised.db'}", bytecode)
    assert SAMESIDE.exists(), f"the console script is not installed at {SAMESIDE}"

    [version] = cli.together(("version",))
    [first_init] = cli.together(("init",))
    add_before_init, serve_before_init = other.together(
        ("user", "add", "early@desk.example", "--password", PASSWORD), ("serve", "--port", "9")
    )
    second_init, add_admin = cli.together(("init",), ("user", "add", ADMIN, "--role", "admin", "--password", PASSWORD))

    database = Database(url)
    with database.unit_of_work() as s:
        customer, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value="ana@example.com", name="Ana")
    database.dispose()

    token, duplicate, link, unknown_link = cli.together(
        ("token", "create", ADMIN.lower()),
        ("user", "add", ADMIN.upper(), "--password", PASSWORD),
        ("login-link", "Ana@Example.com"),
        ("login-link", "nobody@example.com"),
    )
    yield Installation(
        url=url,
        home=home,
        first_init=first_init,
        second_init=second_init,
        version=version,
        add_before_init=add_before_init,
        serve_before_init=serve_before_init,
        add_admin=add_admin,
        token=token,
        duplicate=duplicate,
        link=link,
        unknown_link=unknown_link,
        customer_id=customer.id,
    )


def test_init_creates_the_database_and_running_it_again_is_harmless(installation: Installation) -> None:
    first, second = installation.first_init, installation.second_init
    assert first.code == 0, first.stderr
    assert second.code == 0, second.stderr
    assert "Database ready" in first.said
    assert "Database ready" in second.said
    assert (installation.home / "var" / "desk.db").exists()

    database = Database(installation.url)
    try:
        revision = migrate.current_revision(database)
        assert revision is not None
        assert f"(revision {revision})" in second.said
        assert {"cases", "customers", "staff", "api_tokens"} <= set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()


def test_user_add_then_token_create_prints_a_working_token_alone(installation: Installation) -> None:
    added, token = installation.add_admin, installation.token
    assert added.code == 0, added.stderr
    assert "root@desk.example" in added.said
    assert added.stdout == ""

    assert token.code == 0, token.stderr
    lines = token.stdout.splitlines()
    assert len(lines) == 1, token.stdout
    assert token.stdout == lines[0] + "\n"
    plaintext = lines[0]
    assert re.fullmatch(r"ss_[A-Za-z0-9_-]{43,}", plaintext)

    database = Database(installation.url)
    try:
        with database.unit_of_work(write=False) as s:
            resolved = auth.resolve_api_token(s, plaintext)
            assert resolved is not None
            assert resolved.actor.role is Role.ADMIN
            assert auth.resolve_api_token(s, plaintext + "x") is None
            staff = staff_by_email(s, ADMIN)
            assert staff is not None
            assert resolved.actor.staff_id == staff.id
    finally:
        database.dispose()


def test_adding_the_same_email_twice_fails_clearly(installation: Installation) -> None:
    duplicate = installation.duplicate
    assert duplicate.code != 0
    assert duplicate.stdout == ""
    assert "A staff member with the email root@desk.example already exists." in duplicate.said
    assert "Traceback" not in duplicate.stderr


def test_a_command_before_init_says_to_run_init_instead_of_a_traceback(installation: Installation) -> None:
    for early in (installation.add_before_init, installation.serve_before_init):
        assert early.code != 0
        assert "Traceback" not in early.stderr, early.stderr[-2000:]
        assert "sameside init" in early.said


def test_login_link_prints_only_a_working_sign_in_link(installation: Installation) -> None:
    link = installation.link
    assert link.code == 0, link.stderr
    assert link.stdout.count("\n") == 1
    url = link.stdout.strip()
    match = re.fullmatch(re.escape(BASE_URL) + r"/auth/magic\?token=([A-Za-z0-9_-]{43,})", url)
    assert match, url

    database = Database(installation.url)
    try:
        with database.unit_of_work() as s:
            assert auth.redeem_magic_link(s, match.group(1)).id == installation.customer_id
    finally:
        database.dispose()


def test_login_link_for_an_unknown_address_fails_and_prints_no_link(installation: Installation) -> None:
    unknown = installation.unknown_link
    assert unknown.code != 0
    assert unknown.stdout == ""
    assert "nobody@example.com" in unknown.said
    assert "Traceback" not in unknown.stderr


def test_version_prints_the_version(installation: Installation) -> None:
    version = installation.version
    assert version.code == 0, version.stderr
    assert version.stdout == f"sameside {__version__}\n"
