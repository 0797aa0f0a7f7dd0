"""`sameside import-mail`, run as a subprocess against a migrated SQLite file, the way an operator runs it."""

from __future__ import annotations

import mailbox
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sameside.cases.models import Case
from sameside.db import migrate
from sameside.db.engine import Database
from sameside.kit.actors import SystemActor
from sameside.mail.models import InboundMail, InboundState
from sameside.staff import service as staff_service

FIXTURES = Path(__file__).parent.parent / "data" / "mail" / "import"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        """stderr with line wrapping undone."""
        return " ".join(self.stderr.split())


@dataclass
class Imported:
    url: str
    inbox: Path
    archive: Path
    first: Run
    missing: Run


def start(home: Path, url: str, bytecode: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMESIDE_") and k != "PYTHONDONTWRITEBYTECODE"}
    env |= {
        "SAMESIDE_DATABASE_URL": url,
        "SAMESIDE_DATA_DIR": str(home / "var"),
        "SAMESIDE_MAIL_DOMAIN": "acme.example",
        "COLUMNS": "200",
        "NO_COLOR": "1",
        "PYTHONPYCACHEPREFIX": str(bytecode),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "sameside.cli.main", *args],
        cwd=home,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> Run:
    stdout, stderr = process.communicate(timeout=120)
    return Run(process.returncode, stdout, stderr)


def archive_of_three(path: Path) -> Path:
    box = mailbox.mbox(path)
    try:
        for n, sender in enumerate(["li.wei@example.com", "ana.silva@example.com", "omar.haddad@example.com"], 1):
            msg = EmailMessage()
            msg["From"] = sender
            msg["To"] = "billing@acme.example"
            msg["Subject"] = f"Question {n} from the old help desk"
            msg["Message-ID"] = f"<cli-archive-{n}@example.com>"
            msg.set_content(f"This is question {n}, exported from the old system.")
            box.add(msg)
        box.flush()
    finally:
        box.close()
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    """One installation; the import and the mistaken import run side by side (each start costs seconds)."""
    home = tmp_path_factory.mktemp("desk")
    bytecode = tmp_path_factory.mktemp("pycache")
    (home / "var").mkdir()
    url = f"sqlite:///{home / 'var' / 'desk.db'}"
    database = Database(url)
    migrate.upgrade(database)
    with database.unit_of_work() as s:
        staff_service.create_team(s, SystemActor("test"), slug="billing", name="Billing", email="billing@acme.example")
    database.dispose()
    inbox = Path(shutil.copytree(FIXTURES / "inbox", home / "old-desk" / "inbox"))
    archive = archive_of_three(home / "old-desk" / "export.mbox")

    first = start(home, url, bytecode, "import-mail", str(inbox), str(archive))
    missing = start(home, url, bytecode, "import-mail", str(inbox), str(home / "no-such-folder"))
    yield Imported(url, inbox, archive, finish(first), finish(missing))


def test_import_mail_files_a_folder_and_an_mbox_into_cases_and_prints_a_summary(imported: Imported) -> None:
    run = imported.first
    assert run.code == 0, run.stderr
    assert run.stdout == ""  # everything it says goes to stderr
    said = run.said
    assert "Importing mail" in said and "5/5 files" in said
    assert "Imported mail" in said
    for row in [
        "opened a new case │ 6",
        "joined an existing case │ 0",
        "quarantined (see the admin's mail list) │ 1",
        "already here │ 0",
        "not imported (too large or unreadable file) │ 0",
    ]:
        assert row in said, row

    database = Database(imported.url)
    try:
        with database.unit_of_work(write=False) as s:
            subjects = set(s.scalars(select(Case.subject)))
            states = dict(s.execute(select(InboundMail.state, func.count()).group_by(InboundMail.state)).all())
            sources = set(s.scalars(select(InboundMail.source)))
    finally:
        database.dispose()
    assert subjects == {
        "Charged twice for order 7731",
        "Login page shows a blank screen",
        "Invoice 2026-0142 has the wrong VAT number",
        "Question 1 from the old help desk",
        "Question 2 from the old help desk",
        "Question 3 from the old help desk",
    }
    assert states == {InboundState.FILED: 6, InboundState.QUARANTINED: 1}
    assert sources == {"import"}


def test_import_mail_with_a_missing_path_fails_clearly_before_importing_anything(imported: Imported) -> None:
    run = imported.missing
    assert run.code == 1
    assert "Traceback" not in run.stderr
    no_such = Path(imported.inbox).parent.parent / "no-such-folder"
    assert f"error: No such file or folder: {no_such}" in run.said
    assert "Imported mail" not in run.said
