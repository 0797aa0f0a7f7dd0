"""An incident notice over real SMTP (P11): what the customer's mailbox receives, sent once."""

from __future__ import annotations

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.worker.delivery import Deliverer
from tests.factories import Factory
from tests.incidents.support import declare, run_incident_jobs, supervisor
from tests.worker.smtp_sink import Sink
from tests.worker.test_delivery import mail_settings, outbound_rows, parsed, sink

__all__ = ["mail_settings", "sink"]  # the SMTP sink and the settings pointing at it, as fixtures here too


def test_a_notice_reaches_the_customer_as_an_automatic_message_from_the_company(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings
) -> None:
    _, boss = supervisor(make)
    make.customer("ana.silva@example.com", name="Ana Silva")
    declare(
        db,
        boss,
        title="Card payments fail",
        message="Card payments fail at checkout; your card is not charged.",
        addresses=["ana.silva@example.com"],
        tell_everyone=True,
        urgent=True,
    )
    run_incident_jobs(db, mail_settings)
    run_incident_jobs(db, mail_settings)  # running the jobs again tells nobody twice

    assert Deliverer(db, mail_settings).deliver_next()
    assert not Deliverer(db, mail_settings).deliver_next()
    [got] = sink.wait_for(1)
    assert got.rcpt_tos == ["ana.silva@example.com"] and got.mail_from == "support@acme.example"
    message = parsed(got.data)
    assert message["Subject"] == "A problem that affects you: Card payments fail"
    assert message["Auto-Submitted"] == "auto-generated"  # out-of-office replies must not answer it
    assert message["From"].addresses[0].display_name == "Acme Support"
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "hear it from us first" in plain and "your card is not charged" in plain
    assert f"{mail_settings.base_url.rstrip('/')}/portal" in plain  # where to follow it
    [row] = outbound_rows(db)
    assert row.purpose == "incident_notice" and row.customer_id is not None
