"""Mail on a merged case's thread lands on the case that stays, and only on a case of the sender's."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest

from sameside.cases.access import case_for
from sameside.cases.links import service as links
from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor
from sameside.mail import outbox
from sameside.mail.blobs import BlobStore
from sameside.mail.threads import subject_token
from sameside.mailboxes.filing import Intake
from tests.factories import Factory
from tests.mailboxes.test_pipeline import SUPPORT, message, messages_on, take


@pytest.fixture
def intake(db: Database, tmp_path: Path) -> Iterator[Intake]:
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="acme.example", from_address=SUPPORT, from_name="Acme Support"))
    yield Intake(db, BlobStore(tmp_path / "blobs"))
    outbox.configure(saved)


def merge(make: Factory, duplicate: int, survivor: int) -> Case:
    boss = StaffActor(make.staff(Role.SUPERVISOR, password=None).id, Role.SUPERVISOR)
    with make.db.unit_of_work() as s:
        links.merge(s, boss, case_for(s, boss, duplicate), case_for(s, boss, survivor))
        dup = case_for(s, boss, duplicate)
        s.expunge(dup)
        return dup


def test_a_reply_to_the_duplicates_mail_lands_on_the_case_it_was_merged_into(
    intake: Intake, db: Database, make: Factory
) -> None:
    first_raw = message("My parcel never arrived.", subject="Parcel")
    [first] = take(intake, first_raw)
    dup_raw = message("Hello?? Parcel!", subject="Parcel again")
    [second] = take(intake, dup_raw)
    assert first.case_id and second.case_id and first.case_id != second.case_id
    duplicate = merge(make, second.case_id, first.case_id)
    assert duplicate.status is CaseStatus.CLOSED

    # By In-Reply-To: the duplicate's thread moved with its messages.
    original = email.message_from_bytes(dup_raw, policy=email.policy.default)
    headers = {"In-Reply-To": str(original["Message-ID"]), "References": str(original["Message-ID"])}
    [by_reference] = take(intake, message("Any news?", subject="Re: Parcel again", headers=headers))
    # By the duplicate's subject token, its key and all: forwarded to the survivor.
    token = subject_token(duplicate.id, duplicate.thread_key)
    [by_token] = take(intake, message("Still waiting.", subject=f"Re: Parcel again {token}"))

    assert not by_reference.new_case and by_reference.case_id == first.case_id
    assert not by_token.new_case and by_token.case_id == first.case_id
    assert [m.body for m in messages_on(db, first.case_id) if m.direction == "inbound"] == [
        "My parcel never arrived.",
        "Hello?? Parcel!",
        "Any news?",
        "Still waiting.",
    ]
    assert messages_on(db, second.case_id) == []


def test_a_colleagues_mail_on_their_merged_thread_never_joins_the_other_customers_case(
    intake: Intake, db: Database, make: Factory
) -> None:
    make.organization("Globex", domain="globex.example")
    [alice] = take(intake, message("VPN down", sender="alice@globex.example", subject="VPN"))
    [bob] = take(intake, message("VPN broken", sender="bob@globex.example", subject="VPN too"))
    assert alice.case_id and bob.case_id
    duplicate = merge(make, bob.case_id, alice.case_id)

    token = subject_token(duplicate.id, duplicate.thread_key)
    [again] = take(intake, message("Any news?", sender="bob@globex.example", subject=f"Re: VPN too {token}"))
    assert again.case_id not in (alice.case_id, bob.case_id) and again.new_case  # a follow-up of his own
    assert [m.body for m in messages_on(db, alice.case_id) if m.direction == "inbound"] == ["VPN down"]
