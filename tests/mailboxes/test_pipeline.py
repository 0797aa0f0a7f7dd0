"""Inbound mail becomes cases: threading that cannot be forged, loops and bounces, nothing lost."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus, EntryKind, EventType
from sameside.customers.models import CustomerIdentity
from sameside.db.engine import Database
from sameside.mail import outbox
from sameside.mail.blobs import BlobStore
from sameside.mail.models import Attachment, InboundMail, InboundState, OutboundMail, OutboundState
from sameside.mail.threads import subject_token
from sameside.mailboxes.filing import Intake, Outcome
from tests.factories import Factory

SUPPORT = "support@acme.example"
CUSTOMER = "dana.reyes@example.com"


@pytest.fixture
def intake(db: Database, tmp_path: Path) -> Iterator[Intake]:
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="acme.example", from_address=SUPPORT, from_name="Acme Support"))
    yield Intake(db, BlobStore(tmp_path / "blobs"))
    outbox.configure(saved)


def message(
    body: str = "My parcel never arrived. Order 4411.",
    *,
    sender: str = f"Dana Reyes <{CUSTOMER}>",
    to: str = SUPPORT,
    subject: str = "Parcel never arrived",
    headers: dict[str, str] | None = None,
    cc: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.com")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes()


def take(intake: Intake, *raws: bytes) -> list[Outcome]:
    return intake.take([(raw, {"source": "import"}) for raw in raws])


def case_rows(db: Database) -> list[Case]:
    with db.unit_of_work(write=False) as s:
        rows = list(s.scalars(select(Case).order_by(Case.id)))
        s.expunge_all()  # keep what was read past the read's rollback
        return rows


def entries(db: Database, case_id: int) -> list[TimelineEntry]:
    with db.unit_of_work(write=False) as s:
        rows = list(s.scalars(select(TimelineEntry).where(TimelineEntry.case_id == case_id).order_by(TimelineEntry.id)))
        s.expunge_all()
        return rows


def messages_on(db: Database, case_id: int) -> list[TimelineEntry]:
    return [e for e in entries(db, case_id) if e.kind is EntryKind.MESSAGE]


def outbound(db: Database) -> list[OutboundMail]:
    with db.unit_of_work(write=False) as s:
        rows = list(s.scalars(select(OutboundMail).order_by(OutboundMail.id)))
        for row in rows:
            _ = row.raw
        s.expunge_all()
        return rows


def headers_of(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def reply_to(
    ours: OutboundMail,
    body: str,
    *,
    sender: str = f"Dana Reyes <{CUSTOMER}>",
    headers: dict[str, str] | None = None,
    **kw: Any,
) -> bytes:
    """What a mail client sends when its user answers one of our messages."""
    original = headers_of(ours.raw or b"")
    quoted = "\n".join(f"> {line}" for line in str(original.get_body(("plain",)).get_content()).splitlines())  # type: ignore[union-attr]
    text = f"{body}\n\nOn Mon, 3 Mar 2031 at 09:00, Acme Support <{SUPPORT}> wrote:\n{quoted}\n"
    return message(
        text,
        sender=sender,
        subject=str(original["Subject"]),
        headers={
            "In-Reply-To": str(original["Message-ID"]),
            "References": str(original["Message-ID"]),
            **(headers or {}),
        },
        **kw,
    )


# ---------------------------------------------------------------- new mail


def test_new_mail_opens_a_case_for_its_sender_on_the_team_it_was_sent_to(
    intake: Intake, db: Database, make: Factory
) -> None:
    billing = make.team("billing", email="billing@acme.example")

    [outcome] = take(intake, message(to="Billing <billing@acme.example>"))

    assert (outcome.state, outcome.new_case) == (InboundState.FILED, True)
    [case] = case_rows(db)
    assert case.subject == "Parcel never arrived"
    assert case.team_id == billing.id
    assert case.status is CaseStatus.NEW
    [first] = messages_on(db, case.id)[:1]
    assert first.body == "My parcel never arrived. Order 4411."
    assert first.direction == "inbound"
    with db.unit_of_work(write=False) as s:
        identity = s.scalar(select(CustomerIdentity).where(CustomerIdentity.value == CUSTOMER))
        assert identity is not None
        assert identity.customer_id == case.customer_id


def test_new_mail_gets_an_honest_automatic_acknowledgement_marked_as_automatic(intake: Intake, db: Database) -> None:
    [outcome] = take(intake, message())

    assert outcome.acknowledged
    [ack] = outbound(db)
    assert (ack.purpose, ack.recipient, ack.state) == ("acknowledgement", CUSTOMER, OutboundState.QUEUED)
    sent = headers_of(ack.raw or b"")
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["X-Loop"] == "sameside@acme.example"
    case = case_rows(db)[0]
    assert f"[#{case.id}-{case.thread_key}]" in str(sent["Subject"])
    assert "A person on our team" in str(sent.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    # The acknowledgement is no human reply: the case still waits for a person.
    assert case.first_human_reply_at is None
    assert case.status is CaseStatus.NEW


def test_a_reply_to_our_mail_lands_on_its_case_showing_only_what_is_new(intake: Intake, db: Database) -> None:
    take(intake, message())
    [ack] = outbound(db)
    case = case_rows(db)[0]

    [outcome] = take(intake, reply_to(ack, "Thanks — the tracking number is 1Z999."))

    assert (outcome.state, outcome.case_id, outcome.new_case) == (InboundState.FILED, case.id, False)
    latest = messages_on(db, case.id)[-1]
    assert latest.direction == "inbound"
    assert latest.body == "Thanks — the tracking number is 1Z999."
    assert latest.data is not None
    assert "we have your message" in latest.data["quoted"]
    assert len(case_rows(db)) == 1


def test_new_mail_from_the_same_customer_without_a_reference_is_a_new_case(intake: Intake, db: Database) -> None:
    take(intake, message(subject="Parcel never arrived"))
    take(intake, message("Also, my invoice shows the wrong address.", subject="Parcel never arrived"))

    assert len(case_rows(db)) == 2  # never threaded by subject


def test_the_subject_token_with_its_key_threads_but_a_bare_case_number_does_not(intake: Intake, db: Database) -> None:
    """The key is in our mail only; a number anyone can count to proves nothing, even from the right address."""
    take(intake, message())
    case = case_rows(db)[0]

    [keyed] = take(intake, message("Any news?", subject=f"About {subject_token(case.id, case.thread_key)}"))
    [bare] = take(intake, message("Any news at all?", subject=f"About [#{case.id}]"))

    assert (keyed.case_id, keyed.new_case) == (case.id, False)
    assert bare.new_case and bare.case_id != case.id
    assert [m.body for m in messages_on(db, case.id)][-1] == "Any news?"
    [first] = messages_on(db, bare.case_id or 0)[:1]
    assert first.body == "Any news at all?"
    assert first.data is not None and first.data["points_at"] == [case.id]  # the agent is told what it named


def test_a_subject_token_with_the_wrong_key_points_nowhere(intake: Intake, db: Database) -> None:
    take(intake, message())
    case = case_rows(db)[0]

    take(intake, message("Hello?", subject=f"Re: [#{case.id}-zzzzzz]"))

    assert len(case_rows(db)) == 2


# ---------------------------------------------------------------- forged threading


def test_a_stranger_with_a_copied_message_id_gets_a_case_of_their_own(intake: Intake, db: Database) -> None:
    take(intake, message())
    [ack] = outbound(db)
    original = case_rows(db)[0]
    before = len(entries(db, original.id))

    [outcome] = take(
        intake, reply_to(ack, "Please send me the order details.", sender="Mallory <mallory@evil.example>")
    )

    assert outcome.new_case
    assert outcome.case_id != original.id
    assert len(entries(db, original.id)) == before
    stranger_case = next(c for c in case_rows(db) if c.id == outcome.case_id)
    assert stranger_case.customer_id != original.customer_id
    # Their acknowledgement quotes nothing of the original case.
    theirs = [m for m in outbound(db) if m.recipient == "mallory@evil.example"]
    assert theirs
    assert all(b"4411" not in (m.raw or b"") for m in theirs)


def test_a_stranger_with_a_valid_subject_token_gets_a_case_of_their_own(intake: Intake, db: Database) -> None:
    take(intake, message())
    original = case_rows(db)[0]

    [outcome] = take(
        intake,
        message(
            "I am Dana, send me everything.",
            sender="Mallory <mallory@evil.example>",
            subject=f"Re: {subject_token(original.id, original.thread_key)}",
        ),
    )

    assert outcome.new_case and outcome.case_id != original.id


def test_a_colleague_in_cc_may_answer_on_the_case(intake: Intake, db: Database) -> None:
    take(intake, message(cc="Sam Reyes <sam.reyes@example.com>"))
    [ack] = outbound(db)
    case = case_rows(db)[0]

    [outcome] = take(
        intake, reply_to(ack, "I am Dana's partner; the parcel is still missing.", sender="sam.reyes@example.com")
    )

    assert outcome.case_id == case.id and not outcome.new_case


# ---------------------------------------------------------------- duplicates


def test_the_same_message_twice_is_stored_and_filed_once(intake: Intake, db: Database) -> None:
    raw = message()
    trace = b"Received: from mx2.example.com by mx.acme.example; Mon, 3 Mar 2031 09:00:00 +0000\r\n"

    first, again, by_another_route = take(intake, raw, raw, trace + raw)

    assert not first.duplicate
    assert again.duplicate and by_another_route.duplicate
    assert again.inbound_id == by_another_route.inbound_id == first.inbound_id
    assert len(case_rows(db)) == 1


def test_a_reused_message_id_with_other_content_is_not_a_duplicate(intake: Intake, db: Database) -> None:
    raw = message()
    forged = raw.replace(b"Order 4411", b"Order 9999")

    first, second = take(intake, raw, forged)

    assert not second.duplicate
    assert first.case_id != second.case_id


# ---------------------------------------------------------------- loops and noise


def test_an_out_of_office_reply_is_kept_on_the_case_and_never_answered(intake: Intake, db: Database) -> None:
    take(intake, message())
    [ack] = outbound(db)
    case = case_rows(db)[0]

    [outcome] = take(
        intake,
        reply_to(ack, "I am out of the office until Monday.", headers={"Auto-Submitted": "auto-replied"}),
    )

    assert outcome.case_id == case.id and outcome.kind == "auto_reply"
    latest = messages_on(db, case.id)[-1]
    assert latest.is_automatic and latest.direction == "inbound"
    assert case_rows(db)[0].status is CaseStatus.NEW  # it changed nothing
    assert len(outbound(db)) == 1  # and got no answer


def test_automatic_mail_about_nothing_of_ours_opens_no_case(intake: Intake, db: Database) -> None:
    outcomes = take(
        intake,
        message("Out of office.", subject="Automatic reply: hello", headers={"Auto-Submitted": "auto-replied"}),
        message("Newsletter", headers={"Precedence": "junk", "Auto-Submitted": "auto-generated"}),
    )

    assert [o.state for o in outcomes] == [InboundState.IGNORED, InboundState.IGNORED]
    assert all(o.reason for o in outcomes)
    assert case_rows(db) == []
    assert outbound(db) == []


def test_auto_submitted_no_is_an_ordinary_human_message(intake: Intake, db: Database) -> None:
    [outcome] = take(intake, message(headers={"Auto-Submitted": "no"}))

    assert outcome.new_case and outcome.kind == "human" and outcome.acknowledged


def test_mail_carrying_our_own_loop_marker_is_never_filed_or_answered(intake: Intake, db: Database) -> None:
    [outcome] = take(intake, message(headers={"X-Loop": "sameside@acme.example"}))

    assert outcome.state is InboundState.IGNORED
    assert case_rows(db) == [] and outbound(db) == []


def test_mail_from_our_own_address_is_never_filed_or_answered(intake: Intake, db: Database) -> None:
    [outcome] = take(intake, message(sender=f"Acme Support <{SUPPORT}>"))

    assert outcome.state is InboundState.IGNORED and "our own" in (outcome.reason or "")
    assert case_rows(db) == [] and outbound(db) == []


def test_one_address_gets_at_most_a_few_automatic_answers_an_hour(intake: Intake, db: Database) -> None:
    outcomes = take(intake, *(message(f"Problem number {n}", subject=f"Problem {n}") for n in range(6)))

    assert all(o.new_case for o in outcomes)
    assert [o.acknowledged for o in outcomes] == [True, True, True, False, False, False]


def test_a_bulk_list_message_opens_a_case_but_gets_no_automatic_answer(intake: Intake, db: Database) -> None:
    [outcome] = take(intake, message(headers={"List-Id": "<customers.lists.example.com>"}))

    assert outcome.new_case and outcome.kind == "bulk" and not outcome.acknowledged
    assert outbound(db) == []


# ---------------------------------------------------------------- bounces


def bounce_for(ours: OutboundMail, *, status: str = "5.1.1", action: str = "failed") -> bytes:
    original = headers_of(ours.raw or b"")
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\n"
        f"To: {SUPPORT}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.example.com')}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
        "\r\n--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "\r\n--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; {ours.recipient}\r\nAction: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} <{ours.recipient}>: Recipient address rejected\r\n"
        "\r\n--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: {original['From']}\r\nTo: {original['To']}\r\nMessage-ID: {original['Message-ID']}\r\n"
        f"Subject: {original['Subject']}\r\n"
        "\r\n--b1--\r\n"
    ).encode()


def test_a_bounce_marks_our_message_and_the_address_and_opens_no_case(intake: Intake, db: Database) -> None:
    take(intake, message())
    [ack] = outbound(db)
    case = case_rows(db)[0]

    [outcome] = take(intake, bounce_for(ack))

    assert outcome.state is InboundState.IGNORED and outcome.kind == "bounce"
    assert len(case_rows(db)) == 1
    [after] = outbound(db)
    assert after.state is OutboundState.BOUNCED
    events = [e for e in entries(db, case.id) if e.event is EventType.DELIVERY_FAILED]
    assert len(events) == 1 and events[0].data and events[0].data["bounced"]
    with db.unit_of_work(write=False) as s:
        identity = s.scalar(select(CustomerIdentity).where(CustomerIdentity.value == CUSTOMER))
        assert identity is not None and identity.undeliverable_since is not None


def test_a_delay_notice_marks_nothing_as_failed(intake: Intake, db: Database) -> None:
    take(intake, message())
    [ack] = outbound(db)

    [outcome] = take(intake, bounce_for(ack, status="4.4.7", action="delayed"))

    assert outcome.state is InboundState.IGNORED
    assert outbound(db)[0].state is OutboundState.QUEUED


def test_a_forged_bounce_for_mail_we_never_sent_changes_nothing(intake: Intake, db: Database) -> None:
    take(intake, message())
    fake = OutboundMail(recipient=CUSTOMER, raw=message(subject="Made up", sender=SUPPORT, to=CUSTOMER))

    [outcome] = take(intake, bounce_for(fake))

    assert outcome.state is InboundState.IGNORED
    assert "not about a message we sent" in (outcome.reason or "")
    with db.unit_of_work(write=False) as s:
        identity = s.scalar(select(CustomerIdentity).where(CustomerIdentity.value == CUSTOMER))
        assert identity is not None and identity.undeliverable_since is None


# ---------------------------------------------------------------- closed cases, attachments


def test_writing_back_on_a_closed_case_opens_a_follow_up(intake: Intake, db: Database) -> None:
    take(intake, message())
    [ack] = outbound(db)
    case = case_rows(db)[0]
    with db.unit_of_work() as s:
        s.get(Case, case.id).status = CaseStatus.CLOSED  # type: ignore[union-attr]

    [outcome] = take(intake, reply_to(ack, "It broke again."))

    assert outcome.new_case
    follow_up = next(c for c in case_rows(db) if c.id == outcome.case_id)
    assert follow_up.follow_up_of == case.id
    assert follow_up.customer_id == case.customer_id


def test_attachments_are_stored_by_content_and_a_hostile_name_stays_a_label(
    intake: Intake, db: Database, tmp_path: Path
) -> None:
    msg = EmailMessage()
    msg["From"] = CUSTOMER
    msg["To"] = SUPPORT
    msg["Subject"] = "Photo of the damage"
    msg.set_content("See attached.")
    msg.add_attachment(b"\x89PNG fake image bytes", maintype="image", subtype="png", filename="../../etc/passwd")

    [outcome] = take(intake, msg.as_bytes())

    with db.unit_of_work(write=False) as s:
        [attachment] = s.scalars(select(Attachment)).all()
        s.expunge_all()
    assert attachment.case_id == outcome.case_id
    assert "/" not in attachment.filename and ".." not in attachment.filename.split("/")
    stored = BlobStore(tmp_path / "blobs")
    assert stored.read(attachment.sha256) == b"\x89PNG fake image bytes"
    assert stored.path(attachment.sha256).is_relative_to(tmp_path / "blobs")
    assert not (tmp_path / "etc").exists()


# ---------------------------------------------------------------- never lost


def test_an_unreadable_message_is_quarantined_with_its_reason_and_kept(intake: Intake, db: Database) -> None:
    junk = b"\x00\x01\x02 this is not an email at all \xff\xfe"

    [outcome] = take(intake, junk)

    assert outcome.state is InboundState.QUARANTINED and outcome.reason
    with db.unit_of_work(write=False) as s:
        row = s.get(InboundMail, outcome.inbound_id)
        assert row is not None and row.raw == junk


def test_a_poison_message_does_not_stall_the_ones_behind_it(intake: Intake, db: Database, tmp_path: Path) -> None:
    """A filing failure (here: the attachment store cannot be written) quarantines one message, not the batch."""
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the attachment folder should be")
    broken = Intake(db, BlobStore(blocked))
    with_attachment = EmailMessage()
    with_attachment["From"] = CUSTOMER
    with_attachment["To"] = SUPPORT
    with_attachment["Subject"] = "Invoice"
    with_attachment.set_content("Attached.")
    with_attachment.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="invoice.pdf")

    before, poison, after = take(broken, message("First"), with_attachment.as_bytes(), message("Third", subject="x"))

    assert before.state is after.state is InboundState.FILED
    assert poison.state is InboundState.QUARANTINED
    assert "Could not be filed" in (poison.reason or "")

    # After the fix, an admin reprocesses it and it lands with its attachment.
    blocked.unlink()
    again = broken.reprocess(poison.inbound_id)
    assert again.state is InboundState.FILED and again.new_case
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1


def test_stored_mail_waits_for_filing_and_is_filed_once(intake: Intake, db: Database) -> None:
    received = intake.receive(message(), source="smtp", envelope_to=[SUPPORT])
    assert case_rows(db) == []

    [outcome] = intake.process_pending()
    assert outcome.inbound_id == received.inbound_id and outcome.new_case
    assert intake.process_pending() == []
    assert len(case_rows(db)) == 1
