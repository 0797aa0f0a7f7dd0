"""Files on a reply: recorded on its timeline entry, and sent as real attachments to the customer's mail server."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from sameside.attachments import rules
from sameside.attachments import service as attachments
from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.mail import outbox
from sameside.mail.blobs import BlobStore
from sameside.mail.models import Attachment
from sameside.worker.delivery import Deliverer
from tests.factories import Factory
from tests.worker.smtp_sink import Sink, smtp_sink

SYSTEM = SystemActor("test")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n" + b"0" * 5000
LIMITS = rules.Limits(max_bytes=1024 * 1024, max_count=5)


@pytest.fixture
def sink() -> Iterator[Sink]:
    with smtp_sink() as s:
        yield s


@pytest.fixture
def mail_settings(settings: Settings, sink: Sink) -> Iterator[Settings]:
    saved = outbox.config()
    outbox.configure(
        outbox.MailConfig(domain="acme.example", from_address="support@acme.example", from_name="Acme Support")
    )
    yield settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": sink.port, "mail_domain": "acme.example", "smtp_timeout": 10.0}
    )
    outbox.configure(saved)


def test_a_reply_with_files_arrives_with_them_attached_and_a_refused_one_stays_behind(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings, tmp_path: Path
) -> None:
    store = BlobStore(tmp_path / "blobs")
    customer = make.customer("ana.silva@example.com", name="Ana Silva")
    agent = make.staff(Role.AGENT, password=None)
    number = make.case(customer=customer).id
    sorted_ = rules.check(
        [
            rules.Upload("screen.png", len(PNG), PNG),
            rules.Upload("Rechnung März.pdf", len(PDF), PDF),
            rules.Upload("setup.exe", 64, b"MZ\x90\x00" + b"\x00" * 60),
        ],
        LIMITS,
    )
    assert [str(r) for r in sorted_.refused] == ["setup.exe: programs are not accepted"]
    with db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        entry = cases.reply(s, StaffActor(agent.id, Role.AGENT), case, "Both files attached.", files=sorted_.accepted)
        attachments.attach(s, store.put, case_id=number, entry_id=entry.id, files=sorted_.accepted)

    with db.unit_of_work(write=False) as s:
        rows = s.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert [(r.filename, r.content_type, r.size, r.entry_id is not None) for r in rows] == [
            ("screen.png", "image/png", len(PNG), True),
            ("Rechnung März.pdf", "application/pdf", len(PDF), True),
        ]
        assert store.read(rows[0].sha256) == PNG

    assert Deliverer(db, mail_settings).deliver_next()
    [got] = sink.wait_for(1)
    message: EmailMessage = email.message_from_bytes(got.data, policy=email.policy.default)  # type: ignore[assignment]
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(("plain",))
    assert (
        body is not None
        and body.get_content().replace("\r\n", "\n").split("\n-- \n")[0].strip() == "Both files attached."
    )
    files = [(p.get_filename(), p.get_content_type(), p.get_content()) for p in message.iter_attachments()]
    assert files == [("screen.png", "image/png", PNG), ("Rechnung März.pdf", "application/pdf", PDF)]


def test_files_too_large_for_email_are_named_in_it_and_wait_on_the_case(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sameside.cases.replies import mailing

    monkeypatch.setattr(mailing, "EMAIL_FILES_MAX", 6000)
    customer = make.customer("ana.silva@example.com", name="Ana Silva")
    agent = make.staff(Role.AGENT, password=None)
    number = make.case(customer=customer).id
    files = [rules.File("small.pdf", "application/pdf", PDF), rules.File("big.png", "image/png", PNG * 3)]
    with db.unit_of_work() as s:
        cases.reply(s, StaffActor(agent.id, Role.AGENT), case_for(s, SYSTEM, number), "Here you are.", files=files)

    assert Deliverer(db, mail_settings).deliver_next()
    [got] = sink.wait_for(1)
    message: EmailMessage = email.message_from_bytes(got.data, policy=email.policy.default)  # type: ignore[assignment]
    assert [p.get_filename() for p in message.iter_attachments()] == ["small.pdf"]
    body = message.get_body(("plain",))
    assert body is not None and "on your case in our help portal: big.png (" in body.get_content()
