"""Acceptance: the real-world mail corpus through the whole intake, read in place.

Every raw message is stored byte for byte and either lands on a case, is
kept on no case with a reason (bounces, receipts, auto-replies), or is
quarantined with a reason — never an unhandled error. Bounces and automatic
replies never open a case and never get an automatic answer. (For the
record: django-helpdesk 2.6.1 on the same raw messages raised 6 uncaught
exceptions, opened cases for 27 of 28 bounces and answered 15 of them.)
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from sameside.db.engine import Database
from sameside.mail import outbox
from sameside.mail.blobs import BlobStore
from sameside.mail.models import InboundMail, InboundState, OutboundMail
from sameside.mailboxes.filing import Intake, Outcome
from tests.mail.test_corpus_parse import AUTO_REPLIES, CORPUS, _is_bounce, _is_report, _manifest, _raw_messages


@pytest.fixture
def outcomes(db: Database, tmp_path: Path) -> dict[str, Outcome]:
    rows = _manifest()
    names = _raw_messages(rows)
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="desk.example", from_address="support@desk.example"))
    try:
        intake = Intake(db, BlobStore(tmp_path / "blobs"))
        results: dict[str, Outcome] = {}
        for start in range(0, len(names), 25):
            batch = names[start : start + 25]
            taken = intake.take([((CORPUS / n).read_bytes(), {"source": "import"}) for n in batch])
            results.update(zip(batch, taken, strict=True))
    finally:
        outbox.configure(saved)
    return results


def test_every_corpus_message_is_stored_and_filed_or_set_aside_with_a_reason(
    outcomes: dict[str, Outcome], db: Database
) -> None:
    states = Counter(o.state.value for o in outcomes.values())
    print(f"\ncorpus intake: {len(outcomes)} messages: {dict(states)}")

    with db.unit_of_work(write=False) as s:
        for name, outcome in outcomes.items():
            row = s.get(InboundMail, outcome.inbound_id)
            assert row is not None, name
            assert row.raw == (CORPUS / name).read_bytes() or outcome.duplicate, f"{name}: not kept byte for byte"
            assert row.state is not InboundState.RECEIVED, f"{name}: left unfiled"
            if row.state is not InboundState.FILED:
                assert row.reason, f"{name}: set aside without a reason"
    crashed = {n: o.reason for n, o in outcomes.items() if (o.reason or "").startswith("Could not be filed")}
    assert crashed == {}, "filing raised an unexpected error"


def test_bounces_and_auto_replies_never_open_a_case_or_get_an_answer(
    outcomes: dict[str, Outcome], db: Database
) -> None:
    rows = {r["file"]: r for r in _manifest()}
    machines = {n for n in outcomes if _is_bounce(rows[n]) or _is_report(rows[n]) or n in AUTO_REPLIES}
    assert len([n for n in machines if _is_bounce(rows[n])]) >= 28

    opened = sorted(n for n in machines if outcomes[n].new_case)
    assert opened == [], "a bounce, receipt or auto-reply opened a case"
    answered = sorted(n for n in machines if outcomes[n].acknowledged)
    assert answered == []
    with db.unit_of_work(write=False) as s:
        recipients = set(s.scalars(select(OutboundMail.recipient)))
        kinds = Counter(o.kind for o in outcomes.values())
    print(f"\ncorpus kinds: {dict(kinds)}; automatic answers sent: {len(recipients)} addresses")
    assert {outcomes[n].kind for n in machines if _is_bounce(rows[n])} <= {"bounce"}


def test_people_writing_in_get_a_case_and_one_honest_answer(outcomes: dict[str, Outcome]) -> None:
    people = [o for o in outcomes.values() if o.kind == "human" and o.state is InboundState.FILED]
    assert len(people) >= 100
    assert all(o.case_id for o in people)
    # New cases from people are acknowledged, within the per-address allowance.
    assert sum(1 for o in people if o.acknowledged) >= 0.5 * sum(1 for o in people if o.new_case)
