"""Consults against a real database: the answer reaches the case through the case verbs, on its timeline and live."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from sameside.cases import events
from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus, EntryKind, EventType
from sameside.consults import service as consults
from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.kit.events import Event, bus
from sameside.kit.hours import parse_hours
from sameside.staff.models import Department
from tests.factories import Factory, Person

SYSTEM = SystemActor("tests")
ALWAYS = parse_hours("Mon-Sun 00:00-23:59", "UTC")
LIVE = ("case.status", "case.note")


@pytest.fixture
def published() -> Iterator[list[Event]]:
    """Live-page events as handlers see them (after commit); the bus is restored afterwards."""
    saved = {name: list(handlers) for name, handlers in bus._handlers.items()}
    seen: list[Event] = []
    for name in LIVE:
        bus.subscribe(name, seen.append)
    yield seen
    bus._handlers.clear()
    bus._handlers.update(saved)


def as_staff(person: Person, department: Department | None = None) -> StaffActor:
    return StaffActor(person.id, Role.AGENT, person.team_id, department.id if department else None)


def ask(db: Database, owner: Person, number: int, department: Department, question: str) -> int:
    with db.unit_of_work() as s:
        dept = s.get(Department, department.id)
        assert dept is not None
        return consults.ask(s, as_staff(owner), case_for(s, SYSTEM, number), dept, question, ALWAYS).id


def answer(db: Database, clerk: Person, department: Department, consult_id: int, text: str) -> None:
    with db.unit_of_work() as s:
        consults.answer(s, as_staff(clerk, department), consult_id, text)


def entries_after(db: Database, number: int, after: int) -> list[TimelineEntry]:
    with db.unit_of_work(write=False) as s:
        rows = list(
            s.scalars(
                select(TimelineEntry)
                .where(TimelineEntry.case_id == number, TimelineEntry.id > after)
                .order_by(TimelineEntry.id)
            )
        )
        s.expunge_all()  # read after the unit of work, as loaded
        return rows


def last_entry_id(db: Database, number: int) -> int:
    return max(e.id for e in entries_after(db, number, 0))


def test_the_last_answer_hands_the_case_back_on_its_timeline_and_to_live_pages(
    db: Database, make: Factory, published: list[Event]
) -> None:
    team, shipping = make.team(), make.department()
    owner = make.staff(team=team, password=None)
    clerk = make.staff(department=shipping, password=None)
    number = make.case(team=team, owner=owner).id
    first = ask(db, owner, number, shipping, "Has it left the depot?")
    second = ask(db, owner, number, shipping, "Which courier has it?")
    before = last_entry_id(db, number)
    published.clear()

    answer(db, clerk, shipping, first, "Yes, this morning.")
    with db.unit_of_work(write=False) as s:
        assert s.get(Case, number).status is CaseStatus.WAITING_ON_INTERNAL  # type: ignore[union-attr]
    assert [e.event for e in entries_after(db, number, before)] == [None, EventType.CONSULT_ANSWERED]
    assert [e.name for e in published] == ["case.note"]
    before = last_entry_id(db, number)
    published.clear()

    answer(db, clerk, shipping, second, "DHL.")

    note, answered, moved = entries_after(db, number, before)
    assert note.kind is EntryKind.NOTE and note.author_staff_id == clerk.id and "DHL." in (note.body or "")
    assert events.payload_of(answered) == events.ConsultAnswered(consult_id=second, late=False)
    assert events.payload_of(moved) == events.StatusChanged(
        from_=CaseStatus.WAITING_ON_INTERNAL, to=CaseStatus.OPEN, reason="consult answered"
    )
    assert moved.is_public and moved.author_staff_id == clerk.id  # the customer's page hears of it too
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None and case.status is CaseStatus.OPEN and case.owner_id == owner.id
    assert ("case.status", "open") in [(e.name, e.data.get("status")) for e in published]
    assert [e.data["case_id"] for e in published] == [number] * len(published)


def test_an_answer_on_a_case_no_longer_waiting_moves_nothing(db: Database, make: Factory) -> None:
    team, shipping = make.team(), make.department()
    owner = make.staff(team=team, password=None)
    clerk = make.staff(department=shipping, password=None)
    number = make.case(team=team, owner=owner).id
    asked = ask(db, owner, number, shipping, "Has it left the depot?")
    with db.unit_of_work() as s:
        cases.change_status(s, as_staff(owner), case_for(s, SYSTEM, number), CaseStatus.WAITING_ON_CUSTOMER)
    before = last_entry_id(db, number)

    answer(db, clerk, shipping, asked, "Yes.")

    assert [e.event for e in entries_after(db, number, before)] == [None, EventType.CONSULT_ANSWERED]
    with db.unit_of_work(write=False) as s:
        assert s.get(Case, number).status is CaseStatus.WAITING_ON_CUSTOMER  # type: ignore[union-attr]
