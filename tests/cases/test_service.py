"""The case verbs against a real database: what they record, what they refuse, what they set in motion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.queries import timeline
from sameside.cases.rules import CaseClosed, CaseStatus, EntryKind, EventType
from sameside.customers import service as customers
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.rules import Channel, IdentityKind, Tier
from sameside.db.engine import Database
from sameside.jobs.models import Job
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
from sameside.kit.errors import Forbidden, Invalid
from sameside.kit.events import Event, bus
from sameside.mail.models import OutboundMail
from sameside.mail.outbox import DELIVER
from tests.factories import Factory, Person

SYSTEM = SystemActor("tests")
T0 = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)


def staff_actor(person: Person, role: Role = Role.AGENT) -> StaffActor:
    return StaffActor(person.id, role, person.team_id)


def customer_actor(customer: Customer) -> CustomerActor:
    return CustomerActor(customer.id, customer.organization_id)


def _snapshot(row: Case | TimelineEntry | Job) -> SimpleNamespace:
    """The row's stored values, readable after its session has closed."""
    values = {c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs}
    if isinstance(row, Case):
        values["tag_names"] = row.tag_names
    return SimpleNamespace(**values)


def messages(db: Database, number: int) -> list[SimpleNamespace]:
    with db.unit_of_work(write=False) as s:
        case = case_for(s, SYSTEM, number)
        return [_snapshot(e) for e in timeline(s, SYSTEM, case) if e.kind is EntryKind.MESSAGE]


def events(db: Database, number: int) -> list[EventType | None]:
    with db.unit_of_work(write=False) as s:
        case = case_for(s, SYSTEM, number)
        return [e.event for e in timeline(s, SYSTEM, case) if e.kind is EntryKind.EVENT]


def fetch(db: Database, number: int) -> SimpleNamespace:
    with db.unit_of_work(write=False) as s:
        return _snapshot(case_for(s, SYSTEM, number))


def jobs(db: Database, kind: str = DELIVER) -> list[SimpleNamespace]:
    with db.unit_of_work(write=False) as s:
        return [_snapshot(j) for j in s.scalars(select(Job).where(Job.kind == kind).order_by(Job.id))]


@pytest.fixture
def delivered() -> Iterator[list[Event]]:
    """Events named `case.created` as handlers see them; the bus is restored afterwards."""
    saved = {name: list(handlers) for name, handlers in bus._handlers.items()}
    seen: list[Event] = []
    bus.subscribe("case.created", seen.append)
    yield seen
    bus._handlers.clear()
    bus._handlers.update(saved)


# ---------------------------------------------------------------- opening


def test_opening_a_case_records_the_customers_own_words_as_the_first_inbound_message(
    db: Database, make: Factory
) -> None:
    team = make.team()
    agent = make.staff(team=team, password=None)
    customer = make.customer("ana@example.com", name="Ana Silva")
    with clock.frozen(T0), db.unit_of_work() as s:
        fresh = s.get(Customer, customer.id)
        assert fresh is not None
        case = service.open_case(
            s,
            staff_actor(agent),
            customer=fresh,
            subject="Charged twice",
            body="  My card shows two charges of 49 EUR.\n\nPlease help.  ",
            channel=Channel.PHONE,
        )
        number = case.id

    stored = fetch(db, number)
    assert stored.status is CaseStatus.NEW
    assert stored.owner_id is None
    assert stored.created_at == stored.updated_at == stored.last_customer_message_at == T0
    assert stored.first_human_reply_at is None

    [first] = messages(db, number)
    assert first.direction == "inbound"
    assert first.is_public
    assert first.channel is Channel.PHONE
    assert first.author_customer_id == customer.id
    assert first.author_staff_id is None
    assert first.body == "My card shows two charges of 49 EUR.\n\nPlease help."
    # Written down by an agent on the phone: we know who recorded it.
    assert first.data == {"recorded_by": agent.id}

    assert events(db, number) == [EventType.CREATED]


def test_a_customer_opens_cases_only_for_themselves(db: Database, make: Factory) -> None:
    ana, bob = make.customer(), make.customer()
    with pytest.raises(Forbidden), db.unit_of_work() as s:
        service.open_case(
            s, customer_actor(ana), customer=s.get(Customer, bob.id), subject="Hi", body="x", channel=Channel.PORTAL
        )
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(Case.id)) is None


def test_a_subject_is_kept_on_one_line_and_nul_bytes_are_dropped(make: Factory, db: Database) -> None:
    case = make.case(subject="Refund\r\nBcc: someone@evil.example\rX\nY", body="he\x00llo")
    stored = fetch(db, case.id)
    assert "\r" not in stored.subject
    assert "\n" not in stored.subject
    assert stored.subject.startswith("Refund")
    assert messages(db, case.id)[0].body == "hello"


@pytest.mark.parametrize(("subject", "body"), [("   ", "body"), ("subject", " \n\t "), ("\x00", "body")])
def test_an_empty_subject_or_body_is_refused(make: Factory, db: Database, subject: str, body: str) -> None:
    with pytest.raises(Invalid, match="cannot be empty"):
        make.case(subject=subject, body=body)
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(Case.id)) is None


# ---------------------------------------------------------------- replies


def test_the_first_human_reply_is_stamped_and_its_author_becomes_owner(db: Database, make: Factory) -> None:
    team = make.team()
    agent = make.staff(team=team, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    number = make.case(team=team).id

    with clock.frozen(T0 + timedelta(minutes=5)), db.unit_of_work() as s:
        service.reply(s, staff_actor(agent), case_for(s, SYSTEM, number), "Looking into it.")
    answered = fetch(db, number)
    assert answered.first_human_reply_at == T0 + timedelta(minutes=5)
    assert answered.owner_id == agent.id
    assert answered.status is CaseStatus.OPEN

    # A later reply, by someone else, changes neither.
    with clock.frozen(T0 + timedelta(hours=2)), db.unit_of_work() as s:
        service.reply(s, staff_actor(supervisor, Role.SUPERVISOR), case_for(s, SYSTEM, number), "Refund on its way.")
    later = fetch(db, number)
    assert later.first_human_reply_at == T0 + timedelta(minutes=5)
    assert later.owner_id == agent.id
    assert later.updated_at == T0 + timedelta(hours=2)


def test_the_first_reply_keeps_an_existing_owner(db: Database, make: Factory) -> None:
    team = make.team()
    owner = make.staff(team=team, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    number = make.case(team=team, owner=owner).id
    with db.unit_of_work() as s:
        service.reply(s, staff_actor(supervisor, Role.SUPERVISOR), case_for(s, SYSTEM, number), "On it.")
    answered = fetch(db, number)
    assert answered.owner_id == owner.id
    assert answered.first_human_reply_at is not None


def test_an_automatic_acknowledgement_is_not_a_human_reply(db: Database, make: Factory) -> None:
    agent = make.staff(password=None)
    number = make.case().id

    with clock.frozen(T0), db.unit_of_work() as s:
        ack = service.acknowledge(s, SystemActor("auto-ack"), case_for(s, SYSTEM, number), "We got your message.")
        assert ack.is_automatic
    acknowledged = fetch(db, number)
    assert acknowledged.first_human_reply_at is None
    assert acknowledged.owner_id is None

    # Even an auto-reply sent in a staff member's name does not count.
    with clock.frozen(T0 + timedelta(minutes=1)), db.unit_of_work() as s:
        service.acknowledge(s, staff_actor(agent), case_for(s, SYSTEM, number), "Out of office until Monday.")
    assert fetch(db, number).first_human_reply_at is None

    # Nor does an internal note.
    with db.unit_of_work() as s:
        service.add_note(s, staff_actor(agent), case_for(s, SYSTEM, number), "Customer is a VIP.")
    assert fetch(db, number).first_human_reply_at is None

    with clock.frozen(T0 + timedelta(minutes=30)), db.unit_of_work() as s:
        service.reply(s, staff_actor(agent), case_for(s, SYSTEM, number), "Hello, I am Sam and I will help.")
    answered = fetch(db, number)
    assert answered.first_human_reply_at == T0 + timedelta(minutes=30)
    assert answered.owner_id == agent.id


def _move_to(db: Database, number: int, status: CaseStatus) -> None:
    with db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        if status is CaseStatus.CLOSED:
            service.resolve(s, SYSTEM, case)
        service.change_status(s, SYSTEM, case, status)


def test_a_customer_reply_on_a_case_waiting_for_them_reopens_it(db: Database, make: Factory) -> None:
    customer = make.customer()
    number = make.case(customer).id
    _move_to(db, number, CaseStatus.WAITING_ON_CUSTOMER)

    with clock.frozen(T0), db.unit_of_work() as s:
        entry = service.receive_message(s, customer_actor(customer), case_for(s, SYSTEM, number), "Here is the photo.")
        assert entry.direction == "inbound"
    case = fetch(db, number)
    assert case.status is CaseStatus.OPEN
    assert case.reopen_count == 0
    assert case.last_customer_message_at == T0


def test_a_customer_reply_on_a_resolved_case_reopens_it_and_counts_the_reopening(db: Database, make: Factory) -> None:
    customer = make.customer()
    number = make.case(customer).id
    _move_to(db, number, CaseStatus.RESOLVED)
    assert fetch(db, number).resolved_at is not None

    with db.unit_of_work() as s:
        service.receive_message(s, customer_actor(customer), case_for(s, SYSTEM, number), "It broke again.")
    case = fetch(db, number)
    assert case.status is CaseStatus.OPEN
    assert case.reopen_count == 1
    assert case.resolved_at is None

    assert events(db, number)[-1] is EventType.REOPENED


def test_a_customer_reply_on_a_closed_case_is_refused_and_nothing_is_recorded(db: Database, make: Factory) -> None:
    customer = make.customer()
    number = make.case(customer).id
    _move_to(db, number, CaseStatus.CLOSED)
    before = fetch(db, number)

    with pytest.raises(CaseClosed) as refused, db.unit_of_work() as s:
        service.receive_message(s, customer_actor(customer), case_for(s, SYSTEM, number), "Hello?")
    assert refused.value.status == 409
    after = fetch(db, number)
    assert after.status is CaseStatus.CLOSED
    assert after.updated_at == before.updated_at
    assert len(messages(db, number)) == 1


def test_a_customer_cannot_set_the_status_with_their_reply(db: Database, make: Factory) -> None:
    customer = make.customer()
    number = make.case(customer).id
    with pytest.raises(Forbidden), db.unit_of_work() as s:
        service.reply(s, customer_actor(customer), case_for(s, SYSTEM, number), "Done", status=CaseStatus.RESOLVED)
    assert fetch(db, number).status is CaseStatus.NEW


def test_an_agent_cannot_reply_on_a_case_a_colleague_owns(db: Database, make: Factory) -> None:
    team = make.team()
    owner, colleague = make.staff(team=team, password=None), make.staff(team=team, password=None)
    number = make.case(team=team, owner=owner).id
    with pytest.raises(Forbidden), db.unit_of_work() as s:
        service.reply(s, staff_actor(colleague), case_for(s, SYSTEM, number), "Let me jump in.")
    assert len(messages(db, number)) == 1


# ---------------------------------------------------------------- events and jobs ride the transaction


def test_events_are_delivered_after_commit(db: Database, make: Factory, delivered: list[Event]) -> None:
    customer = make.customer()
    with db.unit_of_work() as s:
        case = service.open_case(
            s, SYSTEM, customer=s.get(Customer, customer.id), subject="Hi", body="Hello", channel=Channel.EMAIL
        )
        s.flush()
        assert delivered == []  # not while the transaction could still roll back
        number = case.id
    assert [e.name for e in delivered] == ["case.created"]
    assert delivered[0].data["case_id"] == number


def test_events_are_never_delivered_when_the_transaction_rolls_back(
    db: Database, make: Factory, delivered: list[Event]
) -> None:
    customer = make.customer()
    with pytest.raises(RuntimeError), db.unit_of_work() as s:
        service.open_case(
            s, SYSTEM, customer=s.get(Customer, customer.id), subject="Hi", body="Hello", channel=Channel.EMAIL
        )
        raise RuntimeError("something later in the request failed")
    assert delivered == []
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(Case.id)) is None

    # And the abandoned event does not leak into the next transaction.
    number = make.case(customer).id
    assert [e.data["case_id"] for e in delivered] == [number]


def test_a_failing_handler_does_not_undo_or_break_the_committed_change(
    db: Database, make: Factory, delivered: list[Event], caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_: Event) -> None:
        raise ValueError("handler bug")

    bus.subscribe("case.created", broken)
    number = make.case().id  # does not raise
    assert fetch(db, number).subject
    assert [e.data["case_id"] for e in delivered] == [number]
    assert "event handler failed for case.created" in caplog.text


def test_a_reply_on_an_email_case_enqueues_the_email_in_the_same_transaction(db: Database, make: Factory) -> None:
    agent = make.staff(password=None)
    number = make.case(channel=Channel.EMAIL).id
    with db.unit_of_work() as s:
        entry = service.reply(s, staff_actor(agent), case_for(s, SYSTEM, number), "Refunded.")
        s.flush()
        [mail] = s.scalars(select(OutboundMail)).all()
        assert (mail.entry_id, mail.case_id, mail.purpose) == (entry.id, number, "reply")
        outbound_id = mail.id
    [job] = jobs(db)
    assert job.payload == {"outbound_id": outbound_id}
    assert job.state == "pending"


def test_a_reply_that_fails_leaves_no_email_behind(db: Database, make: Factory) -> None:
    agent = make.staff(password=None)
    number = make.case(channel=Channel.EMAIL).id
    with pytest.raises(RuntimeError), db.unit_of_work() as s:
        service.reply(s, staff_actor(agent), case_for(s, SYSTEM, number), "Refunded.")
        raise RuntimeError("the request failed after the reply")
    assert jobs(db) == []
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(OutboundMail)).all() == []


def test_no_email_is_enqueued_when_the_reply_rolls_back(db: Database, make: Factory) -> None:
    agent = make.staff(password=None)
    number = make.case(channel=Channel.EMAIL).id
    with pytest.raises(RuntimeError), db.unit_of_work() as s:
        service.reply(s, staff_actor(agent), case_for(s, SYSTEM, number), "Refunded.")
        raise RuntimeError("the request failed after the reply")
    assert jobs(db) == []
    assert len(messages(db, number)) == 1
    assert fetch(db, number).first_human_reply_at is None


def test_notes_messages_from_the_customer_and_calls_written_down_send_no_email(db: Database, make: Factory) -> None:
    # A portal reply is no longer silent: its customer gets a notice (tests/api/test_delivery_preferences.py).
    agent = make.staff(password=None)
    customer = make.customer()
    email = make.case(customer, channel=Channel.EMAIL).id
    with db.unit_of_work() as s:
        call = service.reply(
            s, staff_actor(agent), case_for(s, SYSTEM, email), "Called them: refund agreed.", channel=Channel.PHONE
        )
        assert call.channel is Channel.PHONE
        service.add_note(s, staff_actor(agent), case_for(s, SYSTEM, email), "Internal only.")
        service.receive_message(s, customer_actor(customer), case_for(s, SYSTEM, email), "The customer writes again.")
    assert jobs(db) == []


# ---------------------------------------------------------------- tags


def test_tags_are_cleaned_when_a_case_is_opened_and_when_they_change(db: Database, make: Factory) -> None:
    number = make.case(tags=["Billing", " billing ", "VIP"]).id
    assert fetch(db, number).tag_names == ["billing", "vip"]

    agent = make.staff(password=None)
    with db.unit_of_work() as s:
        service.update_details(s, staff_actor(agent), case_for(s, SYSTEM, number), tags=["Refund", "vip", "REFUND"])
    assert fetch(db, number).tag_names == ["refund", "vip"]

    with pytest.raises(Invalid), db.unit_of_work() as s:
        service.update_details(s, staff_actor(agent), case_for(s, SYSTEM, number), tags=["ok", "not ok"])
    assert fetch(db, number).tag_names == ["refund", "vip"]


# ---------------------------------------------------------------- customers


def test_one_address_in_any_case_is_one_customer(db: Database) -> None:
    with db.unit_of_work() as s:
        first, created = customers.find_or_create(s, kind=IdentityKind.EMAIL, value="Ana.Silva@Example.com")
        assert created
    with db.unit_of_work() as s:
        again, created_again = customers.find_or_create(s, kind=IdentityKind.EMAIL, value="  ana.silva@EXAMPLE.COM ")
        assert not created_again
    assert again.id == first.id
    assert first.name == "ana.silva"
    with db.unit_of_work(write=False) as s:
        assert list(s.scalars(select(CustomerIdentity.value))) == ["ana.silva@example.com"]


def test_a_new_customer_joins_the_organization_of_their_email_domain(db: Database, make: Factory) -> None:
    acme = make.organization("Acme", domain="Acme.Example", tier=Tier.PREMIUM)
    with db.unit_of_work() as s:
        bob, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value="Bob@ACME.example", name="Bob")
        other, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value="eve@elsewhere.example")
        phone, _ = customers.find_or_create(s, kind=IdentityKind.PHONE, value="+49 30 1234567")
    assert bob.organization_id == acme.id
    assert bob.tier is Tier.PREMIUM
    assert other.organization_id is None
    assert other.tier is Tier.STANDARD
    assert phone.organization_id is None


def test_the_same_phone_number_written_differently_is_one_customer(db: Database) -> None:
    with db.unit_of_work() as s:
        a, _ = customers.find_or_create(s, kind=IdentityKind.PHONE, value="+49 (30) 123-4567")
    with db.unit_of_work() as s:
        b, created = customers.find_or_create(s, kind=IdentityKind.PHONE, value="0049 30 1234567")
    assert not created
    assert a.id == b.id
