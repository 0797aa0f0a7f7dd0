"""The IMAP poller against a real Dovecot on loopback: what it stores, and when it touches the server."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import undefer

from sameside import wiring
from sameside.cases.models import Case
from sameside.config import Settings
from sameside.customers.models import CustomerIdentity
from sameside.customers.rules import IdentityKind
from sameside.db.engine import Database
from sameside.mail.models import InboundMail, InboundState
from sameside.mailboxes.filing import Intake
from sameside.mailboxes.imap import ImapPoller
from sameside.mailboxes.store import Received
from tests.factories import Factory
from tests.mailboxes.imap_server import Dovecot, running_dovecot

POISON = b"X-Test: poison"


@pytest.fixture(scope="module")
def server() -> Iterator[Dovecot]:
    with running_dovecot() as dovecot:
        yield dovecot


@pytest.fixture
def dovecot(server: Dovecot) -> Dovecot:
    """The module's server, with an empty mailbox."""
    server.clear()
    return server


@pytest.fixture
def intake(db: Database, settings: Settings) -> Intake:
    return wiring.intake(db, settings)


def message(
    n: int, *, subject: str | None = None, sender: str = "Casey <casey@example.com>", extra: bytes = b""
) -> bytes:
    head = (
        f"From: {sender}\r\n"
        "To: help@desk.example\r\n"
        f"Subject: {subject or f'Question {n}'}\r\n"
        f"Message-ID: <q{n}.{uuid.uuid4().hex}@example.com>\r\n"
        "Date: Mon, 3 Feb 2025 09:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
    ).encode()
    return head + extra + f"\r\nHello, this is question {n}.\r\n".encode()


def inbound(db: Database) -> list[SimpleNamespace]:
    with db.unit_of_work(write=False) as s:
        rows = s.scalars(select(InboundMail).options(undefer(InboundMail.raw)).order_by(InboundMail.id))
        return [
            SimpleNamespace(source=r.source, mailbox=r.mailbox, uid=r.uid, raw=r.raw, state=r.state, case_id=r.case_id)
            for r in rows
        ]


def uidvalidity(dovecot: Dovecot, folder: str = "INBOX") -> int:
    with dovecot.connect() as imap:
        imap.select(f'"{folder}"', readonly=True)
        _, data = imap.response("UIDVALIDITY")
        return int(data[0])


class Watching:
    """The real intake, with a look at the server each time a message is handed over (and a poison pill)."""

    def __init__(self, intake: Intake, dovecot: Dovecot) -> None:
        self.intake = intake
        self.db = intake.db
        self.dovecot = dovecot
        self.flags_then: dict[int, set[str] | None] = {}

    def receive(self, raw: bytes, **where: Any) -> Received:
        uid = int(where["uid"])
        self.flags_then[uid] = self.dovecot.flags().get(uid)  # None: no longer in INBOX
        if POISON in raw:
            raise RuntimeError("the database said no")
        return self.intake.receive(raw, **where)

    def process_pending(self, limit: int = 100) -> list[Any]:
        return list(self.intake.process_pending(limit))


def test_new_mail_is_stored_once_and_flagged_seen_only_after_storing(
    db: Database, dovecot: Dovecot, intake: Intake
) -> None:
    first, second = message(1), message(2)
    dovecot.append(first)
    dovecot.append(second)
    uids = dovecot.uids()
    watching = Watching(intake, dovecot)
    poller = ImapPoller(watching, [dovecot.mailbox()])

    result = poller.poll(dovecot.mailbox())

    assert (result.fetched, result.stored, result.already_had, result.errors) == (2, 2, 0, 0)
    # Both were still there and unread when handed over; both are read now.
    then = [watching.flags_then[uid] for uid in uids]
    assert all(flags is not None and r"\Seen" not in flags for flags in then)
    assert all(r"\Seen" in flags for flags in dovecot.flags().values())
    key = f"desk/INBOX#{uidvalidity(dovecot)}"
    rows = inbound(db)
    assert [(r.source, r.mailbox, r.uid, r.raw) for r in rows] == [
        ("imap", key, str(uids[0]), first),
        ("imap", key, str(uids[1]), second),
    ]

    again = poller.poll(dovecot.mailbox())
    assert (again.fetched, again.stored, again.already_had, again.errors) == (0, 0, 0, 0)
    assert len(inbound(db)) == 2


@pytest.mark.parametrize("after", ["seen", "delete", "move:Archive"])
def test_a_message_that_cannot_be_stored_stays_untouched_and_the_rest_go_on(
    db: Database, dovecot: Dovecot, intake: Intake, after: str
) -> None:
    dovecot.append(message(1))
    dovecot.append(message(2, extra=POISON + b"\r\n"))
    dovecot.append(message(3))
    first, poisoned, third = dovecot.uids()
    assert "Archive" not in dovecot.folders()
    mailbox = dovecot.mailbox(after=after)
    watching = Watching(intake, dovecot)

    result = ImapPoller(watching, [mailbox]).poll(mailbox)

    assert (result.fetched, result.stored, result.errors) == (3, 2, 1)
    # Each was still in INBOX, unflagged, when it was handed over.
    assert all(r"\Seen" not in (watching.flags_then[uid] or {"gone"}) for uid in (first, poisoned, third))
    if after == "seen":
        flags = dovecot.flags()
        assert r"\Seen" in flags[first] and r"\Seen" in flags[third]
        assert r"\Seen" not in flags[poisoned]
    else:
        assert dovecot.uids() == [poisoned]
        assert len(dovecot.uids("Archive")) == (2 if after == "move:Archive" else 0)
    assert len(inbound(db)) == 2

    # The database is well again: the one left behind comes in, nothing twice.
    retried = ImapPoller(intake, [mailbox]).poll(mailbox)
    assert (retried.fetched, retried.stored, retried.already_had, retried.errors) == (1, 1, 0, 0)
    assert len(inbound(db)) == 3
    if after == "seen":
        assert dovecot.uids("INBOX", "UNSEEN") == []
    else:
        assert dovecot.uids() == []
        assert len(dovecot.uids("Archive")) == (3 if after == "move:Archive" else 0)
    nothing = ImapPoller(intake, [mailbox]).poll(mailbox)
    assert (nothing.fetched, nothing.stored) == (0, 0)


def test_the_same_bytes_appended_again_are_a_duplicate_by_content(
    db: Database, dovecot: Dovecot, intake: Intake
) -> None:
    raw = message(1)
    dovecot.append(raw)
    poller = ImapPoller(intake, [dovecot.mailbox()])
    assert poller.poll(dovecot.mailbox()).stored == 1

    dovecot.append(raw)  # a new UID, the same message
    result = poller.poll(dovecot.mailbox())

    assert (result.fetched, result.stored, result.already_had) == (1, 0, 1)
    assert dovecot.uids("INBOX", "UNSEEN") == []
    assert len(inbound(db)) == 1


def test_when_the_server_refuses_the_move_the_next_poll_moves_it_without_storing_twice(
    db: Database, dovecot: Dovecot, intake: Intake
) -> None:
    dovecot.append(message(1))
    broken = dovecot.mailbox(after="move:~Archive")  # Dovecot will not create a folder named like that

    result = ImapPoller(intake, [broken]).poll(broken)

    assert (result.stored, result.errors) == (1, 1)
    assert len(dovecot.uids()) == 1

    fixed = dovecot.mailbox(after="move:Archive")
    retried = ImapPoller(intake, [fixed]).poll(fixed)

    assert (retried.fetched, retried.stored, retried.already_had, retried.errors) == (1, 0, 1, 0)
    assert dovecot.uids() == []
    assert len(dovecot.uids("Archive")) == 1
    assert len(inbound(db)) == 1


def test_a_broken_mailbox_is_logged_and_the_next_one_still_polled(
    db: Database, dovecot: Dovecot, intake: Intake, caplog: pytest.LogCaptureFixture
) -> None:
    dovecot.append(message(1))
    wrong_password = dovecot.mailbox("wrong-password", password="not it")
    nobody_home = dovecot.mailbox("nobody-home", port=_closed_port())
    poller = ImapPoller(intake, [wrong_password, nobody_home, dovecot.mailbox()], timeout=5)

    with caplog.at_level(logging.ERROR, logger="sameside.mailboxes.imap"):
        lines = poller.poll_all()

    assert len(lines) == 3
    assert lines[0].startswith("wrong-password (INBOX)") and "failed" in lines[0]
    assert "AUTHENTICATIONFAILED" in lines[0]
    assert lines[1].startswith("nobody-home (INBOX)") and "ConnectionRefusedError" in lines[1]
    assert lines[2] == "desk (INBOX): 1 new, 0 already had, 0 errors"
    logged = {r.getMessage().split(" ", 3)[2] for r in caplog.records if r.levelno == logging.ERROR}
    assert logged == {"wrong-password", "nobody-home"}
    assert len(inbound(db)) == 1


def test_garbage_is_stored_never_lost_and_the_poll_goes_on(db: Database, dovecot: Dovecot, intake: Intake) -> None:
    garbage = b"\x01\x02 this is not a message at all \xff\xfe\xfd\r\n{{{{ ]]]\r\n"
    dovecot.append(garbage)
    dovecot.append(message(2, subject="After the garbage"))

    result = ImapPoller(intake, [dovecot.mailbox()]).poll(dovecot.mailbox())

    assert (result.fetched, result.stored, result.errors) == (2, 2, 0)
    rows = inbound(db)
    assert rows[0].raw == garbage
    assert rows[0].state is not InboundState.RECEIVED  # read, and given a place or a reason
    assert rows[1].state is InboundState.FILED and rows[1].case_id is not None


def test_mail_lands_on_a_case_for_the_mailboxs_team(
    db: Database, dovecot: Dovecot, intake: Intake, make: Factory
) -> None:
    team = make.team("billing", email="billing@desk.example")
    dovecot.append(message(1, subject="Invoice 42 is wrong", sender="Ada Lovelace <ada@example.com>"))
    mailbox = dovecot.mailbox(team="billing")

    ImapPoller(intake, [mailbox]).poll(mailbox)

    with db.unit_of_work(write=False) as s:
        found = s.execute(
            select(Case.subject, Case.team_id, CustomerIdentity.value)
            .join(CustomerIdentity, CustomerIdentity.customer_id == Case.customer_id)
            .where(CustomerIdentity.kind == IdentityKind.EMAIL)
        ).all()
    assert [tuple(row) for row in found] == [("Invoice 42 is wrong", team.id, "ada@example.com")]
    assert [r.state for r in inbound(db)] == [InboundState.FILED]


def test_an_oversized_message_is_left_on_the_server_and_reported(
    db: Database, dovecot: Dovecot, intake: Intake
) -> None:
    dovecot.append(message(1))
    dovecot.append(message(2, extra=b"X-Padding: " + b"x" * 4000 + b"\r\n"))
    small, big = dovecot.uids()
    mailbox = dovecot.mailbox(after="delete")

    result = ImapPoller(intake, [mailbox], max_bytes=2000).poll(mailbox)

    assert (result.fetched, result.stored, result.too_big) == (1, 1, 1)
    assert "1 too big (left on the server)" in result.summary()
    assert dovecot.uids() == [big]
    assert [r.uid for r in inbound(db)] == [str(small)]


def test_many_messages_are_fetched_in_chunks(db: Database, dovecot: Dovecot, intake: Intake) -> None:
    for n in range(7):
        dovecot.append(message(n))

    result = ImapPoller(intake, [dovecot.mailbox()], chunk=3, max_bytes=1000).poll(dovecot.mailbox())

    assert (result.fetched, result.stored) == (7, 7)
    assert sorted(int(r.uid) for r in inbound(db)) == dovecot.uids()
    assert dovecot.uids("INBOX", "UNSEEN") == []


def test_a_new_uidvalidity_never_confuses_old_and_new_uids(db: Database, dovecot: Dovecot, intake: Intake) -> None:
    dovecot.append(message(1), folder="Support")
    mailbox = dovecot.mailbox(folder="Support")
    poller = ImapPoller(intake, [mailbox])
    poller.poll(mailbox)
    before = uidvalidity(dovecot, "Support")

    dovecot.delete_folder("Support")  # recreated: UIDs start again at 1 under a new UIDVALIDITY
    dovecot.append(message(2), folder="Support")
    result = poller.poll(mailbox)

    after = uidvalidity(dovecot, "Support")
    assert after != before
    assert result.stored == 1
    assert [(r.mailbox, r.uid) for r in inbound(db)] == [
        (f"desk/Support#{before}", "1"),
        (f"desk/Support#{after}", "1"),
    ]


def test_run_forever_polls_until_sigterm(db: Database, dovecot: Dovecot, intake: Intake) -> None:
    dovecot.append(message(1))
    poller = ImapPoller(intake, [dovecot.mailbox()])
    handler = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        poller.run_forever(0.05)
    finally:
        timer.cancel()

    assert signal.getsignal(signal.SIGTERM) == handler
    assert len(inbound(db)) == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
