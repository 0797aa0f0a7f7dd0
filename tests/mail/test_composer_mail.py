"""A reply written in Markdown, copied to people in Cc: what the relay receives, and what the case keeps."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.replies import copies
from sameside.config import Settings
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.kit.errors import Invalid
from sameside.mail import outbox
from sameside.mail import queries as mail_queries
from sameside.mail.compose import Outgoing, compose
from sameside.mail.models import CaseParticipant, OutboundMail, OutboundState
from sameside.worker.delivery import Deliverer
from tests.factories import Factory
from tests.worker.smtp_sink import Sink, smtp_sink

SYSTEM = SystemActor("test")
MARKDOWN = (
    "Hello Ana,\n"
    "**your refund** is on its way: see [the status page](https://acme.example/refunds/41).\n\n"
    "- it takes 3 days\n"
    "- nothing to do\n\n"
    "<script>alert('x')</script> [trap](javascript:alert(1))"
)


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


def reply(db: Database, make: Factory, body: str = MARKDOWN, *, cc: list[str], **options: object) -> tuple[int, int]:
    """An agent answers Ana's email case, copying `cc`; returns the case's number and the reply's entry id."""
    agent = make.staff(Role.AGENT, password=None)
    customer = make.customer("ana.silva@example.com", name="Ana Silva")
    number = make.case(customer=customer).id
    with db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        entry = cases.reply(
            s,
            StaffActor(agent.id, Role.SUPERVISOR),
            case,
            body,
            data={"cc": copies.clean(s, case, cc)},
            **options,  # type: ignore[arg-type]
        )
        copies.confirm(entry)
        entry_id = entry.id
    return number, entry_id


def test_a_markdown_reply_reaches_the_customer_and_its_cc_as_text_and_sanitised_html(
    db: Database, make: Factory, sink: Sink, mail_settings: Settings
) -> None:
    number, entry_id = reply(db, make, cc=["Ben.Silva@example.com", "accounts@silva.example"])

    assert Deliverer(db, mail_settings).deliver_next()

    [got] = sink.wait_for(1)
    assert got.rcpt_tos == ["ana.silva@example.com", "ben.silva@example.com", "accounts@silva.example"]
    message = parsed(got.data)
    assert [a.addr_spec for a in message["Cc"].addresses] == ["ben.silva@example.com", "accounts@silva.example"]
    assert [a.addr_spec for a in message["To"].addresses] == ["ana.silva@example.com"]
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "**your refund** is on its way: see the status page (https://acme.example/refunds/41)." in text
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<strong>your refund</strong>" in html
    assert '<a href="https://acme.example/refunds/41" rel="noopener noreferrer nofollow">the status page</a>' in html
    assert "<li>it takes 3 days</li>" in html and "Hello Ana,<br>" in html
    assert "<script" not in html and 'href="javascript' not in html and "&lt;script&gt;" in html

    with db.unit_of_work(write=False) as s:
        joined = set(s.scalars(select(CaseParticipant.address).where(CaseParticipant.case_id == number)))
        assert joined == {"ben.silva@example.com", "accounts@silva.example"}
        [sent] = mail_queries.sent_for(s, number, [entry_id])[entry_id]
        assert sent.state is OutboundState.SENT and sent.sent_at is not None
        assert sent.cc == ["ben.silva@example.com", "accounts@silva.example"]


def test_a_notice_of_a_portal_reply_goes_to_the_customer_alone_and_a_cc_there_is_refused(
    db: Database, make: Factory
) -> None:
    with pytest.raises(Invalid, match="Cc goes only with a reply sent by email"):
        reply(db, make, cc=["ben@example.com"], channel=Channel.PORTAL, portal="https://help.acme.example/portal")
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(OutboundMail)).all() == []
        assert s.scalars(select(CaseParticipant)).all() == []


def test_cc_is_checked_before_anything_is_sent(db: Database, make: Factory) -> None:
    number = make.case(customer=make.customer("ana.silva@example.com")).id
    make.team("billing", email="billing@acme.example")
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="acme.example", from_address="support@acme.example"))
    try:
        with db.unit_of_work(write=False) as s:
            case = case_for(s, SYSTEM, number)
            assert copies.clean(s, case, "ben@example.com; <Ben@Example.com>,ana.silva@example.com") == [
                "ben@example.com"
            ], "each once, lower-cased, and never the customer's own (they are its To)"
            bad = ("ben", "ben@localhost", "a@b.example\r\nBcc: spy@evil.example", "a@@b.example", "ü@x.example")
            for wrong in bad:
                with pytest.raises(Invalid, match="not an email address we can send to"):
                    copies.clean(s, case, wrong)
            for ours in ("support@acme.example", "Billing@acme.example"):
                with pytest.raises(Invalid, match="one of our own addresses"):
                    copies.clean(s, case, ours)
            with pytest.raises(Invalid, match="at most 10"):
                copies.clean(s, case, [f"p{n}@example.com" for n in range(11)])
    finally:
        outbox.configure(saved)


def test_compose_puts_cc_in_its_header_and_renders_only_markdown_it_is_told_is_markdown() -> None:
    base = Outgoing(
        from_name="Dana at Acme",
        from_address="support@acme.example",
        to_name="Ana",
        to_address="ana@example.com",
        subject="Re: refund",
        text="**bold** and <b>raw</b>",
        message_id="1@acme.example",
        date=datetime(2031, 3, 6, 9, 0, tzinfo=UTC),
        loop_marker="sameside@acme.example",
    )
    plain = parsed(compose(base))
    assert plain["Cc"] is None
    assert "**bold** and &lt;b&gt;raw&lt;/b&gt;" in plain.get_body(("html",)).get_content()  # type: ignore[union-attr]

    marked = parsed(compose(Outgoing(**{**_fields(base), "markdown": True, "cc": ("ben@example.com",)})))
    assert marked["Cc"] == "ben@example.com"
    html = marked.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<strong>bold</strong> and &lt;b&gt;raw&lt;/b&gt;" in html and html.startswith("<!doctype html>")


def _fields(message: Outgoing) -> dict[str, object]:
    return {name: getattr(message, name) for name in Outgoing.__dataclass_fields__}
