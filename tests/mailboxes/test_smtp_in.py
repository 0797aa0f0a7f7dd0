"""The SMTP listener over real SMTP on loopback: stored and committed before 250, refusals, a crash mid-stream."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from sameside import wiring
from sameside.cases.models import Case
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.mail import outbox
from sameside.mail.models import InboundMail, InboundState
from sameside.mail.threads import normalize_message_id
from sameside.mailboxes.filing import Intake
from sameside.mailboxes.smtp import SmtpListener
from sameside.staff.models import Team
from tests.factories import Factory
from tests.worker.smtp_sink import free_port

BILLING = "billing@acme.example"
CUSTOMER = "dana.reyes@example.com"


ACME = {"mail_domain": "acme.example", "mail_from": "support@acme.example"}


@pytest.fixture
def restore_outbox() -> Iterator[None]:
    """`wiring.wire` configures the process; put back what was there."""
    saved = outbox.config()
    yield
    outbox.configure(saved)


@pytest.fixture
def mail_settings(settings: Settings, restore_outbox: None) -> Settings:
    configured = settings.model_copy(update=ACME)
    wiring.wire(configured)
    return configured


@contextmanager
def broken_database(path: Path, *, with_teams_table: bool) -> Iterator[tuple[Database, Settings]]:
    """A real database that cannot store mail: a fresh SQLite file nobody migrated."""
    broken = Database(f"sqlite:///{path}")
    try:
        if with_teams_table:
            Team.__table__.create(broken.engine)  # type: ignore[attr-defined]
        url = broken.url.render_as_string(False)
        settings = Settings(database_url=url, data_dir=path.parent).model_copy(update=ACME)
        wiring.wire(settings)
        yield broken, settings
    finally:
        broken.dispose()


@contextmanager
def listening(db: Database, settings: Settings, intake: Intake | None = None) -> Iterator[int]:
    """A real listener on a free loopback port, with its filer; yields the port."""
    port = free_port()
    listener = SmtpListener(settings, intake or wiring.intake(db, settings), host="127.0.0.1", port=port)
    listener.start()
    try:
        yield port
    finally:
        listener.stop()


def message(
    body: str = "My parcel never arrived. Order 4411.\n",
    *,
    to: str = BILLING,
    subject: str = "Parcel never arrived",
    message_id: str | None = None,
) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = f"Dana Reyes <{CUSTOMER}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="example.com")
    msg.set_content(body)
    return msg.as_bytes()


def data_reply(port: int, raw: bytes, *, to: list[str], mail_from: str = CUSTOMER) -> tuple[int, str]:
    """Send one message step by step; the server's answer to the end of DATA."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo("mta.example.com")
        client.mail(mail_from)
        for address in to:
            code, _ = client.rcpt(address)
            assert code == 250, address
        code, reply = client.data(raw)
        return code, reply.decode()


def inbound_rows(db: Database) -> list[InboundMail]:
    with db.unit_of_work(write=False) as s:
        rows = list(s.scalars(select(InboundMail).options(undefer(InboundMail.raw)).order_by(InboundMail.id)))
        s.expunge_all()
        return rows


def wait_until(condition: Callable[[], bool], timeout: float = 20.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def all_filed(db: Database) -> bool:
    return all(r.state is not InboundState.RECEIVED for r in inbound_rows(db))


# ---------------------------------------------------------------- stored before 250, then filed


def test_the_250_comes_after_the_exact_bytes_are_committed_then_the_message_is_filed_for_its_team(
    db: Database, make: Factory, mail_settings: Settings
) -> None:
    billing = make.team("billing", email=BILLING)
    other = make.team("shipping", email="shipping@acme.example")
    body = "Grüße! The parcel never came.\n.A line that starts with a dot.\n..and one with two.\n"
    raw = message(body, subject="Parcel never arrived")
    assert b"\r\n.A line" in raw and "ü".encode() in raw  # 8-bit, CRLF, dots to stuff: bytes that are easy to alter

    with listening(db, mail_settings) as port:
        code, reply = data_reply(port, raw, to=[BILLING], mail_from="bounces+dana@example.com")
        [row] = inbound_rows(db)  # a fresh unit of work, the moment the client has its answer

        assert code == 250 and reply == f"2.0.0 Stored as {row.id}"
        assert row.raw == raw
        assert (row.source, row.envelope_from, row.envelope_to) == ("smtp", "bounces+dana@example.com", [BILLING])
        assert row.size == len(raw)

        wait_until(lambda: all_filed(db), what="the filer")

    [row] = inbound_rows(db)
    assert row.state is InboundState.FILED and row.case_id is not None
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, row.case_id)
        assert case is not None
        assert (case.subject, case.team_id) == ("Parcel never arrived", billing.id)
        assert case.team_id != other.id


def test_sendmail_gets_its_250_with_plain_smtplib(db: Database, make: Factory, mail_settings: Settings) -> None:
    make.team("billing", email=BILLING)
    raw = message()
    with listening(db, mail_settings) as port, smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        assert client.sendmail(CUSTOMER, [BILLING], raw) == {}
        [row] = inbound_rows(db)
        assert row.raw == raw


# ---------------------------------------------------------------- recipients


def test_an_unknown_recipient_is_refused_and_nothing_is_stored(
    db: Database, make: Factory, mail_settings: Settings
) -> None:
    make.team("billing", email=BILLING)
    raw = message(to="nobody@acme.example")

    with listening(db, mail_settings) as port, smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail(CUSTOMER, ["nobody@acme.example"], raw)
        assert refused.value.recipients == {"nobody@acme.example": (550, b"5.1.1 No such mailbox here")}
        assert inbound_rows(db) == []

        # One good and one unknown recipient: the message is taken for the good one only.
        refusals = client.sendmail(CUSTOMER, ["nobody@acme.example", "Billing@ACME.example"], raw)
        assert refusals == {"nobody@acme.example": (550, b"5.1.1 No such mailbox here")}
        [row] = inbound_rows(db)
        assert row.envelope_to == ["Billing@ACME.example"]


def test_postmaster_is_always_taken_and_a_brand_new_team_address_at_once(
    db: Database, make: Factory, mail_settings: Settings
) -> None:
    make.team("billing", email=BILLING)
    with listening(db, mail_settings) as port, smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo("mta.example.com")
        client.mail(CUSTOMER)
        assert client.rcpt("postmaster")[0] == 250  # RFC 5321 4.5.1
        assert client.rcpt("returns@acme.example")[0] == 550
        make.team("returns", email="returns@acme.example")
        time.sleep(1.1)  # past the brief cache of known addresses
        assert client.rcpt("returns@acme.example")[0] == 250


def test_an_address_from_the_settings_is_taken_besides_the_teams(
    db: Database, make: Factory, mail_settings: Settings
) -> None:
    make.team("billing", email=BILLING)
    extra = mail_settings.model_copy(update={"mail_addresses": ["Help@acme.example", " "]})
    raw = message(to="help@acme.example")

    with listening(db, extra) as port, smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        assert client.sendmail(CUSTOMER, ["help@acme.example", BILLING], raw) == {}
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail(CUSTOMER, ["sales@acme.example"], message(to="sales@acme.example"))

    [row] = inbound_rows(db)
    assert row.envelope_to == ["help@acme.example", BILLING]


def test_with_no_address_configured_anything_is_taken_up_to_fifty_recipients(
    db: Database, mail_settings: Settings
) -> None:
    recipients = [f"person{n}@anywhere.example" for n in range(51)]
    with listening(db, mail_settings) as port, smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        refusals = client.sendmail(CUSTOMER, recipients, message(to=recipients[0]))

    assert refusals == {recipients[50]: (452, b"4.5.3 Too many recipients")}
    [row] = inbound_rows(db)
    assert row.envelope_to == recipients[:50]


@pytest.mark.parametrize("injected", ["\r", "\n"], ids=["CR", "LF"])
def test_a_line_break_inside_a_recipient_address_is_refused(
    db: Database, make: Factory, mail_settings: Settings, injected: str
) -> None:
    make.team("billing", email=BILLING)
    with listening(db, mail_settings) as port, smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo("mta.example.com")
        client.mail(CUSTOMER)
        # smtplib itself refuses to send a line break in a command; a hostile client is not so polite.
        client.send(f"RCPT TO:<billing{injected}@acme.example>\r\n")
        code, _ = client.getreply()
        assert code == 553
        if injected == "\n":  # the server reads a bare LF as the end of a line: the rest is a second command
            code, _ = client.getreply()
            assert code == 500
        code, _ = client.docmd("DATA")
        assert code == 503, "no recipient was accepted, so there is nothing to send data for"
    assert inbound_rows(db) == []


# ---------------------------------------------------------------- size


def test_a_message_over_the_size_limit_is_refused_with_552_and_nothing_is_stored(
    db: Database, make: Factory, mail_settings: Settings
) -> None:
    make.team("billing", email=BILLING)
    small = mail_settings.model_copy(update={"mail_max_bytes": 20_000})
    too_big = message("A long log follows.\n" + ("0123456789 " * 7 + "\n") * 400)
    assert len(too_big) > 30_000

    with listening(db, small) as port:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            # A client that declares the size (SIZE=…) is refused before it sends anything.
            with pytest.raises(smtplib.SMTPSenderRefused) as declared:
                client.sendmail(CUSTOMER, [BILLING], too_big)
            assert declared.value.smtp_code == 552
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            # One that does not is refused at the end of DATA.
            client.ehlo("mta.example.com")
            client.mail(CUSTOMER)
            client.rcpt(BILLING)
            code, _ = client.data(too_big)
            assert code == 552
        assert inbound_rows(db) == []

        code, _ = data_reply(port, message("A short one."), to=[BILLING])
        assert code == 250, "a message under the limit is still taken"
    assert len(inbound_rows(db)) == 1


# ---------------------------------------------------------------- failures and retries


def test_when_storing_fails_the_sender_hears_451_and_will_try_again(tmp_path: Path, restore_outbox: None) -> None:
    """The teams table is there but no table for mail: the address check works, storing fails."""
    with (
        broken_database(tmp_path / "half-made.db", with_teams_table=True) as (broken, settings),
        listening(broken, settings) as port,
        smtplib.SMTP("127.0.0.1", port, timeout=10) as client,
    ):
        client.ehlo("mta.example.com")
        client.mail(CUSTOMER)
        assert client.rcpt(BILLING)[0] == 250
        code, reply = client.data(message())
    assert code == 451, reply
    assert reply.startswith(b"4.3.0 ")
    assert b"sqlite" not in reply.lower() and b"mail_inbound" not in reply, "no internals told to strangers"


def test_when_the_database_is_unusable_the_recipient_check_fails_temporarily_too(
    tmp_path: Path, restore_outbox: None
) -> None:
    with (
        broken_database(tmp_path / "never-migrated.db", with_teams_table=False) as (broken, settings),
        listening(broken, settings) as port,
        smtplib.SMTP("127.0.0.1", port, timeout=10) as client,
    ):
        client.ehlo("mta.example.com")
        client.mail(CUSTOMER)
        code, reply = client.rcpt(BILLING)
    assert 400 <= code < 500, (code, reply)
    assert b"sqlite" not in reply.lower()


def test_the_same_message_sent_again_after_a_lost_250_is_stored_once(
    db: Database, make: Factory, mail_settings: Settings
) -> None:
    make.team("billing", email=BILLING)
    raw = message()

    with listening(db, mail_settings) as port:
        first = data_reply(port, raw, to=[BILLING])
        again = data_reply(port, raw, to=[BILLING])  # a new connection, as a retrying server opens one
        wait_until(lambda: all_filed(db), what="the filer")

    [row] = inbound_rows(db)
    assert first == again == (250, f"2.0.0 Stored as {row.id}")
    assert row.state is InboundState.FILED
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1


# ---------------------------------------------------------------- a crash mid-stream


def _listener_process(settings: Settings, tmp_path: Path, port: int, log_name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SAMESIDE_DATABASE_URL": settings.database_url,
        "SAMESIDE_DATA_DIR": str(tmp_path),
        "SAMESIDE_MAIL_DOMAIN": "acme.example",
        "SAMESIDE_MAIL_FROM": "support@acme.example",
    }
    with (tmp_path / log_name).open("wb") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "sameside.cli.main", "smtp", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def _wait_for_banner(process: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the listener exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                if conn.recv(100).startswith(b"220"):
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the listener did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


class Stream:
    """A sending server: pushes messages over a few connections, noting each one answered 250."""

    def __init__(self, port: int, messages: dict[str, bytes], per_connection: int = 250) -> None:
        self.port = port
        self.messages = messages
        self.per_connection = per_connection
        self.acknowledged: set[str] = set()
        self.stopped_by: BaseException | None = None
        self._lock = threading.Lock()

    def count(self) -> int:
        with self._lock:
            return len(self.acknowledged)

    def run(self, ids: list[str]) -> None:
        try:
            for start in range(0, len(ids), self.per_connection):
                with smtplib.SMTP("127.0.0.1", self.port, timeout=15) as client:
                    for message_id in ids[start : start + self.per_connection]:
                        client.sendmail(CUSTOMER, [BILLING], self.messages[message_id])
                        with self._lock:
                            self.acknowledged.add(message_id)
        except (OSError, smtplib.SMTPException) as exc:  # the server went away: what was not answered, was not taken
            self.stopped_by = exc


@pytest.mark.slow
def test_a_listener_killed_mid_stream_loses_nothing_it_answered_250_and_stores_each_message_once(
    db: Database, make: Factory, mail_settings: Settings, tmp_path: Path
) -> None:
    make.team("billing", email=BILLING)
    run_id = uuid.uuid4().hex[:8]
    messages = {
        f"<crash-{n}-{run_id}@example.com>": message(
            f"Message number {n}.\n", subject=f"Crash test {n}", message_id=f"<crash-{n}-{run_id}@example.com>"
        )
        for n in range(1000)
    }
    ids = list(messages)

    first_port, second_port = free_port(), free_port()
    first = _listener_process(mail_settings, tmp_path, first_port, "first.log")
    try:
        _wait_for_banner(first, first_port, tmp_path / "first.log")
        stream = Stream(first_port, messages)
        sender = threading.Thread(target=stream.run, args=(ids,), name="sending-mta")
        sender.start()
        wait_until(lambda: stream.count() >= 300 or not sender.is_alive(), timeout=40, what="300 answers")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        sender.join(30)
    finally:
        first.kill()
        first.wait(10)
    assert not sender.is_alive()
    answered = set(stream.acknowledged)
    assert 300 <= len(answered) < 1000, f"the kill should land mid-stream ({len(answered)} answered)"
    assert stream.stopped_by is not None

    # What the dead listener answered 250 to is there, each once, before anything is resent.
    with db.unit_of_work(write=False) as s:
        stored = dict(s.execute(select(InboundMail.message_id, func.count()).group_by(InboundMail.message_id)).all())
    assert {normalize_message_id(m) for m in answered} <= set(stored)
    assert set(stored.values()) == {1}

    second = _listener_process(mail_settings, tmp_path, second_port, "second.log")
    try:
        _wait_for_banner(second, second_port, tmp_path / "second.log")
        retry = Stream(second_port, messages)
        retry.run([m for m in ids if m not in answered])  # a real MTA resends whatever got no 250
        assert retry.stopped_by is None, retry.stopped_by
        assert answered | retry.acknowledged == set(ids)

        with db.unit_of_work(write=False) as s:
            stored = dict(
                s.execute(select(InboundMail.message_id, func.count()).group_by(InboundMail.message_id)).all()
            )
        assert stored == {normalize_message_id(m): 1 for m in ids}

        def nothing_left_received() -> bool:
            with db.unit_of_work(write=False) as s:
                left = s.scalar(
                    select(func.count()).select_from(InboundMail).where(InboundMail.state == InboundState.RECEIVED)
                )
            return left == 0

        wait_until(nothing_left_received, timeout=40, what="the restarted listener's filer to file everything")
    finally:
        _stop(second)
    with db.unit_of_work(write=False) as s:
        states = dict(s.execute(select(InboundMail.state, func.count()).group_by(InboundMail.state)).all())
        cases = s.scalar(select(func.count()).select_from(Case))
    assert states == {InboundState.FILED: 1000}
    assert cases == 1000
    assert second.returncode == 0, (tmp_path / "second.log").read_text(errors="replace")
