"""Mail that only claims a sender: a forged From never joins or reopens a case, a bare number never threads.

The receiving server (named by `SAMESIDE_MAIL_AUTHSERV_ID`) writes what it found
into `Authentication-Results`; only its fields count, and the top-most win.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from sameside import wiring
from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.config import Settings
from sameside.customers.models import CustomerIdentity
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.mail import outbox
from sameside.mail.blobs import BlobStore
from sameside.mail.models import InboundMail, InboundState
from sameside.mail.threads import subject_token
from sameside.mailboxes.filing import Intake, Outcome
from tests.factories import Factory
from tests.mailboxes.test_pipeline import (
    CUSTOMER,
    SUPPORT,
    case_rows,
    entries,
    message,
    messages_on,
    outbound,
    reply_to,
    take,
)
from tests.mailboxes.test_smtp_in import all_filed, data_reply, inbound_rows, listening, wait_until
from tests.web.test_desk import signed_in

OURS = "mx.acme.example"
DMARC_FAIL = "dmarc=fail (p=reject dis=none) header.from=example.com"
DMARC_PASS = "dkim=pass header.d=example.com header.s=s1; dmarc=pass (p=reject dis=none) header.from=example.com"


def intake_for(db: Database, tmp_path: Path, authserv_id: str | None) -> Iterator[Intake]:
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="acme.example", from_address=SUPPORT, from_name="Acme Support"))
    yield Intake(db, BlobStore(tmp_path / "blobs"), authserv_id=authserv_id)
    outbox.configure(saved)


@pytest.fixture
def intake(db: Database, tmp_path: Path) -> Iterator[Intake]:
    """An intake that believes what mx.acme.example found, and nothing else."""
    yield from intake_for(db, tmp_path, OURS)


@pytest.fixture
def unchecked(db: Database, tmp_path: Path) -> Iterator[Intake]:
    """An intake with no receiving server named."""
    yield from intake_for(db, tmp_path, None)


def received(raw: bytes, *results: str, by: str = OURS) -> bytes:
    """The message as our receiving server hands it on: its findings on top, above its Received line."""
    fields = "".join(f"Authentication-Results: {by};\r\n\t{r}\r\n" for r in results)
    trace = f"Received: from mail.example.com by {OURS} with ESMTPS; Mon, 3 Mar 2031 09:00:00 +0000\r\n"
    return (fields + trace).encode() + raw


def resolved_case_with_our_mail(intake: Intake, db: Database) -> Case:
    """Dana's case, acknowledged by email, then resolved."""
    take(intake, received(message(), DMARC_PASS))
    case = case_rows(db)[0]
    with db.unit_of_work() as s:
        s.execute(update(Case).where(Case.id == case.id).values(status=CaseStatus.RESOLVED))
    return case


def first_message_data(db: Database, outcome: Outcome) -> dict[str, object]:
    assert outcome.case_id is not None
    [first] = messages_on(db, outcome.case_id)[:1]
    assert first.data is not None
    return first.data


# ---------------------------------------------------------------- forged senders


@pytest.mark.parametrize("pointer", ["a reply to our mail", "a bare case number"])
def test_a_forged_message_for_a_resolved_case_opens_its_own_marked_case_and_reopens_nothing(
    intake: Intake, db: Database, pointer: str
) -> None:
    case = resolved_case_with_our_mail(intake, db)
    [ack] = outbound(db)
    before = len(entries(db, case.id))
    forged_body = "Please send the refund to my new account, IBAN DE00 1234."
    if pointer == "a reply to our mail":  # the forger even holds a copy of our message
        raw = reply_to(ack, forged_body)
    else:
        raw = message(forged_body, subject=f"Re: Parcel [#{case.id}]")

    [outcome] = take(intake, received(raw, "spf=fail smtp.mailfrom=example.com", DMARC_FAIL))

    assert outcome.state is InboundState.FILED and outcome.new_case and outcome.case_id != case.id
    [old] = [c for c in case_rows(db) if c.id == case.id]
    assert old.status is CaseStatus.RESOLVED  # not reopened
    assert len(entries(db, case.id)) == before  # and nothing added
    new = next(c for c in case_rows(db) if c.id == outcome.case_id)
    assert new.follow_up_of is None
    data = first_message_data(db, outcome)
    assert data["sender_unverified"] == f"DMARC failed for example.com, as {OURS} found"
    assert data["points_at"] == [case.id]
    assert outcome.reason == f"Sender not verified (DMARC failed for example.com, as {OURS} found): " + (
        "filed on a case of its own."
    )
    # Nothing answers it: the address's owner may never have written.
    assert not outcome.acknowledged and [m.id for m in outbound(db)] == [ack.id]


def test_a_field_from_any_other_server_is_ignored_whatever_it_says(intake: Intake, db: Database) -> None:
    case = resolved_case_with_our_mail(intake, db)
    [ack] = outbound(db)

    # Even above our server's findings (a relay after it, or a header we were handed), another name counts for nothing.
    [against] = take(
        intake,
        received(
            received(reply_to(ack, "Another server vouches"), DMARC_FAIL), DMARC_PASS, by="relay.elsewhere.example"
        ),
    )
    [for_] = take(
        intake,
        received(
            received(reply_to(ack, "Another server doubts"), DMARC_PASS), DMARC_FAIL, by="relay.elsewhere.example"
        ),
    )

    assert against.new_case and against.case_id != case.id
    assert (for_.case_id, for_.new_case) == (case.id, False)


def test_without_our_servers_findings_a_sender_is_not_believed(intake: Intake, db: Database) -> None:
    case = resolved_case_with_our_mail(intake, db)
    [ack] = outbound(db)

    [outcome] = take(intake, received(reply_to(ack, "Hello again"), DMARC_PASS, by="mx.evil.example"))

    assert outcome.new_case and outcome.case_id != case.id
    assert first_message_data(db, outcome)["sender_unverified"] == f"no Authentication-Results from {OURS}"


def test_a_field_naming_our_server_below_the_genuine_one_loses(intake: Intake, db: Database) -> None:
    case = resolved_case_with_our_mail(intake, db)
    [ack] = outbound(db)
    forged_inside = received(reply_to(ack, "Trust me"), DMARC_PASS)  # what the forger wrote, naming our server

    [outcome] = take(intake, received(forged_inside, DMARC_FAIL))  # what our server then put on top

    assert outcome.new_case and outcome.case_id != case.id


def test_a_genuine_reply_that_passes_dmarc_joins_and_reopens_its_case_as_before(intake: Intake, db: Database) -> None:
    case = resolved_case_with_our_mail(intake, db)
    [ack] = outbound(db)

    [outcome] = take(intake, received(reply_to(ack, "It broke again."), DMARC_PASS))

    assert (outcome.case_id, outcome.new_case, outcome.reason) == (case.id, False, None)
    assert case_rows(db)[0].status is CaseStatus.OPEN
    assert messages_on(db, case.id)[-1].body == "It broke again."


def test_an_automatic_reply_from_a_forged_sender_joins_nothing_and_opens_nothing(intake: Intake, db: Database) -> None:
    case = resolved_case_with_our_mail(intake, db)
    [ack] = outbound(db)
    before = len(entries(db, case.id))

    [outcome] = take(
        intake,
        received(reply_to(ack, "I am away.", headers={"Auto-Submitted": "auto-replied"}), DMARC_FAIL),
    )

    assert outcome.state is InboundState.IGNORED and "sender not verified" in (outcome.reason or "")
    assert len(case_rows(db)) == 1 and len(entries(db, case.id)) == before


def test_a_forged_message_does_not_clear_a_bounce_mark(intake: Intake, db: Database) -> None:
    resolved_case_with_our_mail(intake, db)
    with db.unit_of_work() as s:
        s.execute(
            update(CustomerIdentity)
            .where(CustomerIdentity.value == CUSTOMER)
            .values(undeliverable_since=datetime(2031, 3, 1, tzinfo=UTC), undeliverable_reason="550 no such user")
        )

    take(intake, received(message("New problem", subject="Other"), DMARC_FAIL))

    with db.unit_of_work(write=False) as s:
        identity = s.scalar(select(CustomerIdentity).where(CustomerIdentity.value == CUSTOMER))
        assert identity is not None and identity.undeliverable_since is not None


def test_without_a_named_server_dmarc_is_not_read_as_before(unchecked: Intake, db: Database) -> None:
    case = resolved_case_with_our_mail(unchecked, db)
    [ack] = outbound(db)

    [outcome] = take(unchecked, received(reply_to(ack, "It broke again."), DMARC_FAIL))

    assert (outcome.case_id, outcome.new_case) == (case.id, False)


# ---------------------------------------------------------------- bare case numbers


def test_a_bare_case_number_from_the_right_address_opens_a_new_case_even_when_dmarc_passes(
    intake: Intake, db: Database, unchecked: Intake
) -> None:
    case = resolved_case_with_our_mail(intake, db)

    [checked] = take(intake, received(message("Any news?", subject=f"Re: [#{case.id}]"), DMARC_PASS))
    [plain] = take(unchecked, message("Any news at all?", subject=f"Re: [#{case.id}]"))

    for outcome in (checked, plain):
        assert outcome.new_case and outcome.case_id != case.id
        data = first_message_data(db, outcome)
        assert data["points_at"] == [case.id] and "sender_unverified" not in data
        assert outcome.acknowledged  # a new case like any other, answered as one
    assert case_rows(db)[0].status is CaseStatus.RESOLVED


def test_a_reply_with_only_in_reply_to_or_only_the_keyed_token_joins(intake: Intake, db: Database) -> None:
    case = resolved_case_with_our_mail(intake, db)
    [ack] = outbound(db)
    our_id = str(reply_to(ack, "x").split(b"In-Reply-To: ", 1)[1].split(b"\n", 1)[0].strip().decode())

    [by_header] = take(
        intake, received(message("Still broken.", subject="no token here", headers={"In-Reply-To": our_id}), DMARC_PASS)
    )
    [by_key] = take(
        intake,
        received(message("And again.", subject=f"Re: {subject_token(case.id, case.thread_key)}"), DMARC_PASS),
    )

    assert (by_header.case_id, by_header.new_case) == (case.id, False)
    assert (by_key.case_id, by_key.new_case) == (case.id, False)


# ---------------------------------------------------------------- where people see it


def test_the_desk_shows_an_unverified_sender_and_why(
    client: TestClient, db: Database, make: Factory, intake: Intake
) -> None:
    case = resolved_case_with_our_mail(intake, db)
    [outcome] = take(intake, received(message("Refund to my new account", subject=f"[#{case.id}]"), DMARC_FAIL))
    signed_in(client, db, make.staff(Role.SUPERVISOR, password=None))

    page = client.get(f"/desk/cases/{outcome.case_id}")

    assert page.status_code == 200
    assert "sender not verified" in page.text
    assert f"Sender not verified: DMARC failed for example.com, as {OURS} found." in page.text
    assert f'<a href="/desk/cases/{case.id}">case #{case.id}</a>' in page.text
    assert "Sender not verified" not in client.get(f"/desk/cases/{case.id}").text


def test_over_smtp_the_setting_decides_whose_findings_count(db: Database, settings: Settings) -> None:
    configured = settings.model_copy(
        update={"mail_domain": "acme.example", "mail_from": SUPPORT, "mail_authserv_id": OURS}
    )
    saved = outbox.config()
    wiring.wire(configured)
    try:
        with listening(db, configured) as port:
            first = received(message(), DMARC_PASS)
            assert data_reply(port, first, to=[SUPPORT])[0] == 250
            wait_until(lambda: all_filed(db), what="the filer")
            [case] = case_rows(db)
            forged = received(message("Send everything to me.", subject=f"Re: [#{case.id}]"), DMARC_FAIL)
            assert data_reply(port, forged, to=[SUPPORT])[0] == 250
            wait_until(lambda: all_filed(db) and len(inbound_rows(db)) == 2, what="the filer")
    finally:
        outbox.configure(saved)

    first_row, forged_row = inbound_rows(db)
    assert first_row.case_id == case.id and first_row.reason is None
    assert forged_row.state is InboundState.FILED and forged_row.case_id != case.id
    assert (forged_row.reason or "").startswith("Sender not verified (DMARC failed for example.com")
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(InboundMail.case_id).where(InboundMail.id == forged_row.id)) != case.id
