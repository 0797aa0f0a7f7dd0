"""Once the relay has accepted a message, nothing that fails afterwards sends it a second time."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs.models import Job
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.mail import outbox
from sameside.mail.models import OutboundMail, OutboundState
from sameside.worker.delivery import Deliverer
from tests.factories import Factory
from tests.worker.smtp_sink import Sink, smtp_sink

SYSTEM = SystemActor("test")


class BadGoodbyes(Sink):
    """Accepts every message, then answers QUIT with an error, as a relay shutting down may."""

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return "421 4.3.2 Service shutting down"


@pytest.fixture
def relay() -> Iterator[Sink]:
    with smtp_sink(BadGoodbyes) as sink:
        yield sink


@pytest.fixture
def mail_settings(settings: Settings, relay: BadGoodbyes) -> Iterator[Settings]:
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="acme.example", from_address="support@acme.example"))
    yield settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": relay.port, "mail_domain": "acme.example", "smtp_timeout": 10.0}
    )
    outbox.configure(saved)


def a_reply_is_queued(db: Database, make: Factory) -> None:
    agent = make.staff(Role.AGENT, password=None)
    number = make.case().id
    with db.unit_of_work() as s:
        cases.reply(s, StaffActor(agent.id, Role.AGENT), case_for(s, SYSTEM, number), "Your refund is on its way.")


def deliver_everything_due(db: Database, settings: Settings) -> None:
    """What workers do over the next day: every retry and every expired lease has come due."""
    deliverer = Deliverer(db, settings)
    with clock.frozen(clock.now() + timedelta(days=1)):
        while deliverer.deliver_next():
            pass


def states(db: Database) -> list[OutboundState]:
    with db.unit_of_work(write=False) as s:
        return list(s.scalars(select(OutboundMail.state)))


def test_a_relay_that_fails_the_goodbye_after_accepting_gets_the_message_once(
    db: Database, make: Factory, relay: BadGoodbyes, mail_settings: Settings
) -> None:
    a_reply_is_queued(db, make)

    assert Deliverer(db, mail_settings).deliver_next()
    deliver_everything_due(db, mail_settings)

    assert len(relay.delivered) == 1
    assert states(db) == [OutboundState.SENT]


def _refuse_finishing_jobs(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_done BEFORE UPDATE ON jobs WHEN NEW.state = 'done' "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_done() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_done BEFORE UPDATE ON jobs FOR EACH ROW "
                "WHEN (NEW.state = 'done') EXECUTE FUNCTION refuse_done()"
            )


def _allow_finishing_jobs(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER refuse_done" if db.is_sqlite else "DROP TRIGGER refuse_done ON jobs")
        if not db.is_sqlite:
            conn.exec_driver_sql("DROP FUNCTION refuse_done()")


def test_a_failure_after_the_relay_accepted_never_sends_the_message_again(
    db: Database, make: Factory, relay: BadGoodbyes, mail_settings: Settings
) -> None:
    """The step after the relay's 250 — settling the job — fails for real (a trigger refuses it)."""
    a_reply_is_queued(db, make)
    _refuse_finishing_jobs(db)
    try:
        with contextlib.suppress(Exception):  # the worker logs it and carries on
            Deliverer(db, mail_settings).deliver_next()
        assert len(relay.delivered) == 1
        assert states(db) == [OutboundState.SENT]  # marked before the job was settled
    finally:
        _allow_finishing_jobs(db)

    deliver_everything_due(db, mail_settings)

    assert len(relay.delivered) == 1
    with db.unit_of_work(write=False) as s:
        assert list(s.scalars(select(Job.state).where(Job.kind == outbox.DELIVER))) == ["done"]


def test_a_database_slow_to_take_the_mark_is_waited_out_rather_than_sending_again(
    db: Database, make: Factory, relay: BadGoodbyes, mail_settings: Settings
) -> None:
    """The outbound row is locked for a while right when the relay accepts: the mark waits, then lands."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL's lock timeout; SQLite's writers queue on our own lock for the whole timeout instead")
    a_reply_is_queued(db, make)
    impatient = Database(db.url.render_as_string(hide_password=False), lock_timeout=0.3)
    locked, done = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        with db.unit_of_work() as s:
            s.execute(select(OutboundMail.id).with_for_update())
            locked.set()
            time.sleep(1.0)  # longer than the worker's lock timeout, shorter than its patience
        done.set()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        assert Deliverer(impatient, mail_settings).deliver_next()
        assert done.is_set()  # the mark waited for the lock to go
        assert states(db) == [OutboundState.SENT]
    finally:
        holder.join(10)
        impatient.dispose()

    deliver_everything_due(db, mail_settings)
    assert len(relay.delivered) == 1
