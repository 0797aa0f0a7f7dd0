"""`import-mail` from real files: .eml files, folders of them and mbox archives, into cases, once."""

from __future__ import annotations

import io
import mailbox
import shutil
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select

from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import EntryKind
from sameside.customers.models import CustomerIdentity
from sameside.customers.rules import IdentityKind
from sameside.db.engine import Database
from sameside.mail import outbox
from sameside.mail.blobs import BlobStore
from sameside.mail.models import Attachment, InboundMail, InboundState
from sameside.mailboxes.files import import_paths
from sameside.mailboxes.filing import Intake
from tests.factories import Factory

FIXTURES = Path(__file__).parent.parent / "data" / "mail" / "import"
BILLING = "billing@acme.example"
MAX_BYTES = 1024 * 1024


@pytest.fixture
def intake(db: Database, tmp_path: Path) -> Iterator[Intake]:
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="acme.example", from_address="support@acme.example", from_name="Acme"))
    yield Intake(db, BlobStore(tmp_path / "blobs"))
    outbox.configure(saved)


def mail(sender: str, subject: str, body: str, message_id: str, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@acme.example"
    msg["Subject"] = subject
    msg["Date"] = "Fri, 06 Mar 2026 08:00:00 +0000"
    msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def write_mbox(path: Path, messages: list[EmailMessage]) -> Path:
    box = mailbox.mbox(path)
    try:
        for msg in messages:
            box.add(msg)
        box.flush()
    finally:
        box.close()
    return path


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """The fixture folder (one file in a subfolder), plus a hidden file an importer must pass over."""
    folder = shutil.copytree(FIXTURES / "inbox", tmp_path / "inbox")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return folder


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An mbox with a new case, Priya's follow-up to normal.eml, and an out-of-office to nothing of ours."""
    return write_mbox(
        tmp_path / "export.mbox",
        [
            mail(
                "Li Wei <li.wei@example.com>",
                "Please change my delivery address",
                "From Monday please deliver to 12 Harbour Road instead.",
                "<mbox-new-1@example.com>",
            ),
            mail(
                "Priya Natarajan <priya.natarajan@example.com>",
                "Re: Charged twice for order 7731",
                "Here is the statement line: 2026-03-02 ACME SHOP 49.90.",
                "<mbox-reply-2@mail.example.com>",
                In_Reply_To="<import-normal-7731@mail.example.com>",
                References="<import-normal-7731@mail.example.com>",
            ),
            mail(
                "Olu Bello <olu.bello@example.com>",
                "Out of office",
                "I am away until Monday.",
                "<mbox-ooo-3@example.com>",
                Auto_Submitted="auto-replied",
            ),
        ],
    )


def run(intake: Intake, *paths: Path, max_bytes: int = MAX_BYTES) -> tuple[Counter[str], str]:
    out = io.StringIO()
    tally = import_paths(intake, list(paths), max_bytes=max_bytes, console=Console(file=out, width=200))
    return tally, out.getvalue()


def cases_by_subject(db: Database) -> dict[str, Case]:
    with db.unit_of_work(write=False) as s:
        rows = {c.subject: c for c in s.scalars(select(Case).order_by(Case.id))}
        s.expunge_all()
        return rows


def customer_addresses(db: Database, case: Case) -> list[str]:
    with db.unit_of_work(write=False) as s:
        return list(
            s.scalars(
                select(CustomerIdentity.value).where(
                    CustomerIdentity.customer_id == case.customer_id, CustomerIdentity.kind == IdentityKind.EMAIL
                )
            )
        )


def messages_on(db: Database, case_id: int) -> list[str]:
    with db.unit_of_work(write=False) as s:
        return list(
            s.scalars(
                select(TimelineEntry.body)
                .where(TimelineEntry.case_id == case_id, TimelineEntry.kind == EntryKind.MESSAGE)
                .where(TimelineEntry.direction == "inbound")
                .order_by(TimelineEntry.id)
            )
        )


def inbound_count(db: Database) -> int:
    with db.unit_of_work(write=False) as s:
        return int(s.scalar(select(func.count()).select_from(InboundMail)) or 0)


def test_a_folder_and_an_mbox_become_cases_and_the_summary_says_what_happened(
    db: Database, make: Factory, intake: Intake, inbox: Path, archive: Path
) -> None:
    billing = make.team("billing", email=BILLING)

    tally, output = run(intake, inbox, archive)

    assert tally == Counter(new_case=4, joined=1, ignored=1, quarantined=1)
    assert "Imported mail" in output
    for label, count in [
        ("opened a new case", 4),
        ("joined an existing case", 1),
        ("kept, on no case", 1),
        ("quarantined", 1),
        ("already here", 0),
        ("not imported", 0),
    ]:
        [line] = [line for line in output.splitlines() if label in line]
        assert line.rstrip(" │|").split()[-1] == str(count), line
    assert "5/5 files" in output, "the bar counts files: 4 .eml and 1 mbox; the hidden file is passed over"

    cases = cases_by_subject(db)
    assert set(cases) == {
        "Charged twice for order 7731",
        "Login page shows a blank screen",
        "Invoice 2026-0142 has the wrong VAT number",
        "Please change my delivery address",
    }
    charged = cases["Charged twice for order 7731"]
    assert charged.team_id == billing.id
    assert customer_addresses(db, charged) == ["priya.natarajan@example.com"]
    first, follow_up = messages_on(db, charged.id)
    assert "charged twice for order 7731" in first and "49.90 €" in first
    assert "ACME SHOP 49.90" in follow_up

    html = cases["Login page shows a blank screen"]
    assert html.team_id is None  # help@ is no team's address
    [text] = messages_on(db, html.id)
    assert "login page shows a blank screen" in text.replace("\n", " ")
    assert "alert" not in text and "<b>" not in text

    invoice = cases["Invoice 2026-0142 has the wrong VAT number"]
    assert invoice.team_id == billing.id
    with db.unit_of_work(write=False) as s:
        [attachment] = s.scalars(select(Attachment).where(Attachment.case_id == invoice.id)).all()
        assert (attachment.filename, attachment.content_type) == ("invoice-2026-0142.pdf", "application/pdf")
        assert intake.blobs.read(attachment.sha256).startswith(b"%PDF-1.4")

        states = Counter(s.scalars(select(InboundMail.state)))
        assert states == Counter({InboundState.FILED: 5, InboundState.IGNORED: 1, InboundState.QUARANTINED: 1})
        garbage = s.scalar(select(InboundMail).where(InboundMail.state == InboundState.QUARANTINED))
        assert garbage is not None and garbage.source == "import" and garbage.reason
        assert garbage.reason.startswith("Unreadable")


def test_importing_the_same_files_again_adds_nothing(
    db: Database, make: Factory, intake: Intake, inbox: Path, archive: Path
) -> None:
    make.team("billing", email=BILLING)
    run(intake, inbox, archive)
    cases_before, stored_before = cases_by_subject(db), inbound_count(db)

    tally, output = run(intake, archive, inbox)

    assert tally == Counter(duplicate=7)
    [line] = [line for line in output.splitlines() if "already here" in line]
    assert line.rstrip(" │|").split()[-1] == "7"
    assert {k: c.id for k, c in cases_by_subject(db).items()} == {k: c.id for k, c in cases_before.items()}
    assert inbound_count(db) == stored_before == 7
    first_case = cases_before["Charged twice for order 7731"]
    assert len(messages_on(db, first_case.id)) == 2, "the follow-up was not added a second time"


def test_a_file_or_mbox_message_over_the_limit_is_skipped_with_the_reason(
    db: Database, intake: Intake, tmp_path: Path
) -> None:
    big_body = "Log excerpt follows.\n" + ("0123456789abcdef " * 4000)  # ~68 KB
    small = mail("Ana Silva <ana.silva@example.com>", "Small one", "Just a question.", "<small@example.com>")
    big = mail("Ana Silva <ana.silva@example.com>", "Big one", big_body, "<big-in-mbox@example.com>")
    folder = tmp_path / "drop"
    folder.mkdir()
    oversized = folder / "huge.eml"
    oversized.write_bytes(mail("Ana Silva <ana.silva@example.com>", "Huge", big_body, "<huge@example.com>").as_bytes())
    box = write_mbox(tmp_path / "mixed.mbox", [small, big])

    tally, output = run(intake, folder, box, max_bytes=50_000)

    assert tally == Counter(new_case=1, skipped=2)
    flat = " ".join(output.split())
    size = oversized.stat().st_size
    assert f"skipped {oversized}: {size:,} bytes is over the 50,000-byte limit" in flat
    assert f"skipped {box}#2:" in flat and "over the 50,000-byte limit" in flat
    assert set(cases_by_subject(db)) == {"Small one"}
    assert inbound_count(db) == 1, "nothing of a skipped file is stored"
