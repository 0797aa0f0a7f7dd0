"""A real Postfix bounce (RFC 3464) for a reply we sent lands on that reply, never on a new case.

The report is the Sisimai corpus's `lhost-postfix-02.eml`, read in place; only its addresses and the
returned message are swapped for ours, as the customer's server would have sent them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.replies import copies
from sameside.cases.rules import EventType
from sameside.customers.models import CustomerIdentity
from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.mail import outbox
from sameside.mail import queries as mail_queries
from sameside.mail.blobs import BlobStore
from sameside.mail.models import InboundState, OutboundMail, OutboundState
from sameside.mailboxes.filing import Intake
from tests.factories import Factory
from tests.support import corpus_dir

SUPPORT = "support@acme.example"
CUSTOMER = "ana.silva@example.com"
COPY = "ben.silva@example.com"
SYSTEM = SystemActor("test")


@pytest.fixture
def intake(db: Database, tmp_path: Path) -> Iterator[Intake]:
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="acme.example", from_address=SUPPORT, from_name="Acme Support"))
    yield Intake(db, BlobStore(tmp_path / "blobs"))
    outbox.configure(saved)


def sent_reply(db: Database, make: Factory) -> tuple[int, int, OutboundMail]:
    """Ana's case, answered by an agent with Ben in Cc, and accepted by the relay."""
    agent = make.staff(Role.AGENT, password=None)
    number = make.case(customer=make.customer(CUSTOMER, name="Ana Silva")).id
    with db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        body = "Your **refund** is on its way."
        entry = cases.reply(s, StaffActor(agent.id, Role.AGENT), case, body, data={"cc": [COPY]})
        entry_id = entry.id
    with db.unit_of_work() as s:
        ours = s.scalars(select(OutboundMail).where(OutboundMail.entry_id == entry_id)).one()
        outbox.mark_sent(s, ours.id)
    with db.unit_of_work(write=False) as s:
        ours = s.scalars(select(OutboundMail).where(OutboundMail.entry_id == entry_id)).one()
        _ = ours.raw
        s.expunge(ours)
    return number, entry_id, ours


def postfix_bounce(ours: OutboundMail, *, failed: tuple[str, str]) -> bytes:
    """The corpus's Postfix report, about `ours`: its two failed recipients become `failed`, its returned
    message our own message's head."""
    raw = (corpus_dir("mail") / "sisimai-set-of-emails" / "lhost-postfix-02.eml").read_bytes()
    head, marker, _returned = raw.partition(b"Content-Type: message/rfc822\n\n")
    assert marker, "the corpus file changed"
    returned = (ours.raw or b"").replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    boundary = b"--7874F1FB8E.1403375716/smtp.example.com--\n"
    head = head.replace(b"kijitora@example.jp", SUPPORT.encode())
    head = head.replace(b"filtered@example.co.jp", failed[0].encode())
    head = head.replace(b"userunknown@example.co.jp", failed[1].encode())
    return head + marker + returned + b"\n\nYour refund is on its way.\n\n" + boundary


def test_a_bounce_for_a_reply_marks_that_reply_bounced_with_the_servers_words(
    db: Database, make: Factory, intake: Intake
) -> None:
    number, entry_id, ours = sent_reply(db, make)

    [outcome] = intake.take([(postfix_bounce(ours, failed=(CUSTOMER, CUSTOMER)), {"source": "smtp"})])

    assert outcome.state is InboundState.IGNORED and outcome.kind == "bounce" and outcome.case_id == number
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1, "a bounce never opens a case"
        [sent] = mail_queries.sent_for(s, number, [entry_id])[entry_id]
        assert sent.state is OutboundState.BOUNCED and sent.failed_at is not None
        assert sent.error == f"550 5.2.1 <{CUSTOMER}>... User Unknown"
        [event] = s.scalars(
            select(TimelineEntry).where(
                TimelineEntry.case_id == number, TimelineEntry.event == EventType.DELIVERY_FAILED
            )
        ).all()
        assert event.data is not None and event.data["bounced"] and event.data["outbound_id"] == ours.id
        identity = s.scalars(select(CustomerIdentity).where(CustomerIdentity.value == CUSTOMER)).one()
        assert identity.undeliverable_since is not None


def test_a_bounce_of_the_copy_alone_leaves_the_reply_sent_and_the_customers_address_alone(
    db: Database, make: Factory, intake: Intake
) -> None:
    number, entry_id, ours = sent_reply(db, make)

    [outcome] = intake.take([(postfix_bounce(ours, failed=(COPY, COPY)), {"source": "smtp"})])

    assert outcome.state is InboundState.IGNORED and outcome.case_id == number
    with db.unit_of_work(write=False) as s:
        [sent] = mail_queries.sent_for(s, number, [entry_id])[entry_id]
        assert sent.state is OutboundState.SENT
        [event] = s.scalars(
            select(TimelineEntry).where(
                TimelineEntry.case_id == number, TimelineEntry.event == EventType.DELIVERY_FAILED
            )
        ).all()
        assert event.data is not None and event.data["recipient"] == COPY and event.data["bounced"]
        identity = s.scalars(select(CustomerIdentity).where(CustomerIdentity.value == CUSTOMER)).one()
        assert identity.undeliverable_since is None


def test_a_copied_person_who_answers_joins_the_case(db: Database, make: Factory, intake: Intake) -> None:
    number, _entry_id, ours = sent_reply(db, make)
    answer = (
        f"From: Ben Silva <{COPY}>\r\nTo: {SUPPORT}\r\nSubject: Re: refund\r\n"
        f"Message-ID: <ben-1@example.com>\r\nIn-Reply-To: <{ours.message_id}>\r\n\r\nThanks, I am her accountant.\r\n"
    ).encode()

    [outcome] = intake.take([(answer, {"source": "smtp"})])

    assert outcome.state is InboundState.FILED and outcome.case_id == number and not outcome.new_case
    with db.unit_of_work(write=False) as s:
        assert copies.of(s.scalars(select(TimelineEntry).where(TimelineEntry.id == _entry_id)).one()) == [COPY]
