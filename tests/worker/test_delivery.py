"""Outbound mail over real SMTP: what the customer's server receives, retries, refusals, no double sends."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from sameside.auth.service import request_magic_link
from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import TimelineEntry
from sameside.cases.rules import EventType
from sameside.config import Settings
from sameside.customers.models import Customer
from sameside.db.engine import Database
from sameside.jobs.models import Job
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.mail import outbox
from sameside.mail.compose import Outgoing, UnsendableAddress, compose
from sameside.mail.models import OutboundMail, OutboundState
from sameside.staff.models import Staff
from sameside.worker.delivery import Deliverer
from tests.factories import Factory
from tests.worker.smtp_sink import Sink, smtp_sink

SYSTEM = SystemActor("test")


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


def parsed(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def agent_replies(
    db: Database, make: Factory, text: str = "Your refund is on its way.", *, customer: Customer | None = None
) -> int:
    """An agent called Dana Reyes answers a new email case; returns its number."""
    agent = make.staff(Role.AGENT, password=None)
    with db.unit_of_work() as s:
        row = s.get(Staff, agent.id)
        assert row is not None
        row.name = "Dana Reyes"
    number = make.case(customer=customer).id
    with db.unit_of_work() as s:
        cases.reply(s, StaffActor(agent.id, Role.SUPERVISOR), case_for(s, SYSTEM, number), text)
    return number


def outbound_rows(db: Database) -> list[OutboundMail]:
    with db.unit_of_work(write=False) as s:
        rows = list(s.scalars(select(OutboundMail).order_by(OutboundMail.id)))
        for r in rows:
            _ = r.raw
        s.expunge_all()
        return rows


def test_a_reply_reaches_the_customer_from_a_person_threaded_and_in_two_parts(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings
) -> None:
    customer = make.customer("ana.silva@example.com", name="Ana Silva")
    number = agent_replies(db, make, customer=customer)

    assert Deliverer(db, mail_settings).deliver_next()

    [got] = sink.wait_for(1)
    assert got.rcpt_tos == ["ana.silva@example.com"]
    assert got.mail_from == "support@acme.example"
    message = parsed(got.data)
    assert message["From"].addresses[0].display_name == "Dana at Acme Support"
    assert message["To"].addresses[0].addr_spec == "ana.silva@example.com"
    [row] = outbound_rows(db)
    assert message["Message-ID"] == f"<{row.message_id}>"
    assert f"[#{number}-" in message["Subject"]
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    reply, signature = plain.split("\n-- \n")  # the company's footer, behind the signature separator
    assert reply.strip() == "Your refund is on its way." and signature.strip()
    assert "Your refund is on its way." in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert row.state is OutboundState.SENT and row.sent_at is not None
    assert not Deliverer(db, mail_settings).deliver_next()  # nothing left


def test_a_temporary_refusal_is_retried_later_with_the_same_message(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings
) -> None:
    agent_replies(db, make)
    refusals = iter(["451 4.7.1 Greylisted, try again later"])
    sink.answer = lambda _e: next(refusals, None)
    deliverer = Deliverer(db, mail_settings)

    assert deliverer.deliver_next()
    [row] = outbound_rows(db)
    assert row.state is OutboundState.QUEUED and row.attempts == 1 and "451" in (row.last_error or "")
    assert not deliverer.deliver_next(), "not before its backoff has passed"

    with clock.frozen(clock.now() + timedelta(minutes=2)):
        assert deliverer.deliver_next()
    [got] = sink.wait_for(1)
    assert parsed(got.data)["Message-ID"] == f"<{row.message_id}>"
    assert outbound_rows(db)[0].state is OutboundState.SENT


def test_a_permanent_refusal_stops_at_once_and_the_case_says_delivery_failed(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings
) -> None:
    number = agent_replies(db, make)
    sink.answer = lambda _e: "550 5.1.1 No such user here"

    assert Deliverer(db, mail_settings).deliver_next()

    [row] = outbound_rows(db)
    assert row.state is OutboundState.FAILED and "550" in (row.last_error or "")
    with db.unit_of_work(write=False) as s:
        job = s.scalar(select(Job))
        assert job is not None and job.state == "failed"
        events = s.scalars(
            select(TimelineEntry).where(
                TimelineEntry.case_id == number, TimelineEntry.event == EventType.DELIVERY_FAILED
            )
        ).all()
        assert len(events) == 1 and events[0].data and events[0].data["reason"].startswith("550")
    assert not Deliverer(db, mail_settings).deliver_next()


def test_an_unreachable_relay_is_a_temporary_failure(db: Database, make: Factory, mail_settings: Settings) -> None:
    agent_replies(db, make)
    closed = mail_settings.model_copy(update={"smtp_port": 1})

    assert Deliverer(db, closed).deliver_next()

    [row] = outbound_rows(db)
    assert row.state is OutboundState.QUEUED and row.last_error


def test_two_workers_never_send_one_message_twice(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings
) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    numbers = [make.case().id for _ in range(12)]
    with db.unit_of_work() as s:
        for number in numbers:
            cases.reply(s, StaffActor(agent.id, Role.SUPERVISOR), case_for(s, SYSTEM, number), f"Answer for {number}")

    def work() -> None:
        deliverer = Deliverer(db, mail_settings)
        while deliverer.deliver_next():
            pass

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    ids = [parsed(d.data)["Message-ID"] for d in sink.wait_for(12)]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert {r.state for r in outbound_rows(db)} == {OutboundState.SENT}


def test_a_sign_in_link_is_erased_from_storage_once_sent(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings
) -> None:
    make.customer("ana.silva@example.com")
    with db.unit_of_work() as s:
        request_magic_link(s, "ana.silva@example.com", link_base="http://desk.example/auth/magic", minutes=30)

    assert Deliverer(db, mail_settings).deliver_next()

    [got] = sink.wait_for(1)
    message = parsed(got.data)
    assert "http://desk.example/auth/magic?token=" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert message["Auto-Submitted"] == "auto-generated"
    [row] = outbound_rows(db)
    assert row.state is OutboundState.SENT and row.raw is None


def test_cr_lf_in_a_name_or_subject_cannot_add_a_header_or_a_recipient(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings
) -> None:
    customer = make.customer("ana.silva@example.com", name="Ana\r\nBcc: victim@evil.example")
    number = make.case(customer=customer, subject="Hi\r\nBcc: other@evil.example").id
    agent = make.staff(Role.SUPERVISOR, password=None)
    with db.unit_of_work() as s:
        cases.reply(s, StaffActor(agent.id, Role.SUPERVISOR), case_for(s, SYSTEM, number), "Hello")

    assert Deliverer(db, mail_settings).deliver_next()

    [got] = sink.wait_for(1)
    assert got.rcpt_tos == ["ana.silva@example.com"]
    message = parsed(got.data)
    assert message["Bcc"] is None
    assert b"\nBcc:" not in got.data


def test_an_address_with_a_line_break_is_refused_when_composing() -> None:
    base = {
        "from_name": "Support",
        "from_address": "support@acme.example",
        "to_name": "Ana",
        "subject": "x",
        "text": "y",
        "message_id": "a@b",
        "date": clock.now(),
        "loop_marker": "sameside@acme.example",
    }
    for bad in ("ana@example.com\r\nBcc: x@evil.example", "a@b@c", "<ana@example.com>", ""):
        with pytest.raises(UnsendableAddress):
            compose(Outgoing(to_address=bad, **base))  # type: ignore[arg-type]


# ---------------------------------------------------------------- crash safety


def _worker_process(settings: Settings, tmp_path: Path, log_name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SAMESIDE_DATABASE_URL": settings.database_url,
        "SAMESIDE_DATA_DIR": str(tmp_path),
        "SAMESIDE_SMTP_HOST": "127.0.0.1",
        "SAMESIDE_SMTP_PORT": str(settings.smtp_port),
        "SAMESIDE_MAIL_DOMAIN": "acme.example",
        "SAMESIDE_WORKER_LEASE_SECONDS": "2",
        "SAMESIDE_WORKER_POLL_SECONDS": "0.2",
    }
    with (tmp_path / log_name).open("wb") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "sameside.cli.main", "worker"], env=env, stdout=subprocess.DEVNULL, stderr=log
        )


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_nothing_and_the_resend_keeps_its_message_id(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings, tmp_path: Path
) -> None:
    agent_replies(db, make)
    [row] = outbound_rows(db)
    sink.hold_seconds = 3.0  # the first delivery hangs in DATA

    first = _worker_process(mail_settings, tmp_path, "first.log")
    try:
        assert sink.data_started.wait(60), "the worker never started sending"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    assert sink.delivered == []
    sink.hold_seconds = 0.0
    time.sleep(3.5)  # the dead worker's hanging DATA finishes nothing; its lease runs out

    second = _worker_process(mail_settings, tmp_path, "second.log")
    try:
        delivered = sink.wait_for(1, timeout=60)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    assert len(delivered) >= 1
    assert {parsed(d.data)["Message-ID"] for d in delivered} == {f"<{row.message_id}>"}
    assert outbound_rows(db)[0].state is OutboundState.SENT
