"""Mail transports: the settings choose SMTP or the console, and a worker with no relay prints what it would send."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from sameside import wiring
from sameside.auth.service import request_magic_link
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs.models import Job
from sameside.mail.models import OutboundMail, OutboundState
from sameside.worker.delivery import Deliverer
from sameside.worker.loop import Worker
from sameside.worker.transport import ConsoleTransport, SmtpTransport, transport_from
from tests.factories import Factory
from tests.worker.test_delivery import agent_replies


def test_without_a_relay_mail_goes_to_the_console_and_with_one_over_smtp(settings: Settings) -> None:
    assert settings.smtp_host is None
    assert isinstance(transport_from(settings), ConsoleTransport)

    relay = settings.model_copy(update={"smtp_host": "mail.example.com", "smtp_port": 587, "smtp_starttls": True})
    smtp = transport_from(relay)
    assert isinstance(smtp, SmtpTransport)
    assert (smtp.host, smtp.port, smtp.starttls) == ("mail.example.com", 587, True)

    assert isinstance(transport_from(relay.model_copy(update={"mail_transport": "console"})), ConsoleTransport)
    with pytest.raises(ValueError, match="SAMESIDE_SMTP_HOST"):
        transport_from(settings.model_copy(update={"mail_transport": "smtp"}))


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMESIDE_MAIL_TRANSPORT", "console")
    monkeypatch.setenv("SAMESIDE_SMTP_HOST", "mail.example.com")
    assert Settings().mail_transport == "console"
    assert isinstance(transport_from(Settings()), ConsoleTransport)
    monkeypatch.setenv("SAMESIDE_MAIL_TRANSPORT", "pigeon")
    with pytest.raises(ValueError, match="mail_transport"):
        Settings()


def test_the_console_prints_who_a_message_is_for_its_subject_and_its_text_and_it_counts_as_sent(
    db: Database, make: Factory, settings: Settings
) -> None:
    customer = make.customer("ana.silva@example.com", name="Ana Silva")
    number = agent_replies(db, make, "Your refund is on its way.", customer=customer)
    out = io.StringIO()

    assert Deliverer(db, settings, ConsoleTransport(out)).deliver_next()

    printed = out.getvalue()
    assert "→ ana.silva@example.com" in printed
    assert "To: Ana Silva <ana.silva@example.com>" in printed
    assert f"[#{number}-" in printed
    assert "Your refund is on its way." in printed
    assert "not sent" in printed.lower()
    with db.unit_of_work(write=False) as s:
        [mail] = s.scalars(select(OutboundMail)).all()
        [job] = s.scalars(select(Job)).all()
        assert mail.state is OutboundState.SENT and mail.sent_at is not None
        assert job.state == "done"


def test_a_worker_with_no_relay_prints_a_sign_in_link(
    db: Database, make: Factory, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    make.customer("ana.silva@example.com")
    with db.unit_of_work() as s:
        request_magic_link(s, "ana.silva@example.com", link_base="http://desk.example/auth/magic", minutes=30)
    worker = Worker(db, settings, wiring.intake(db, settings))  # the settings name no relay

    assert worker.run_once()

    assert "http://desk.example/auth/magic?token=" in capsys.readouterr().out
    with db.unit_of_work(write=False) as s:
        [mail] = s.scalars(select(OutboundMail)).all()
        assert mail.state is OutboundState.SENT and mail.raw is None


@pytest.mark.slow
def test_sameside_worker_runs_without_a_relay_and_prints_the_mail(
    db: Database, make: Factory, settings: Settings, tmp_path: Path
) -> None:
    agent_replies(db, make, "Your refund is on its way.", customer=make.customer("ana.silva@example.com"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMESIDE_")}
    env |= {
        "SAMESIDE_DATABASE_URL": settings.database_url,
        "SAMESIDE_DATA_DIR": str(tmp_path),
        "SAMESIDE_WORKER_POLL_SECONDS": "0.2",
    }
    out = tmp_path / "worker.out"
    with out.open("wb") as stdout, (tmp_path / "worker.log").open("wb") as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "sameside.cli.main", "worker"], env=env, stdout=stdout, stderr=stderr
        )
    try:
        deadline = time.monotonic() + 60
        while "Your refund is on its way." not in out.read_text(errors="replace"):
            assert worker.poll() is None, (tmp_path / "worker.log").read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the worker never printed the message"
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)
    assert "→ ana.silva@example.com" in out.read_text()
    assert "printed here, not sent" in (tmp_path / "worker.log").read_text()
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(OutboundMail.state)).all() == [OutboundState.SENT]
