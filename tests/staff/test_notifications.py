"""Staff notifications against a real database: who is told, what they see, and that each alert goes out once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sameside.callbacks import rules as callback_rules
from sameside.callbacks import service as callbacks
from sameside.cases.access import case_for
from sameside.consults import service as consults
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.kit.cursor import BadCursor
from sameside.kit.errors import NotFound
from sameside.kit.hours import parse_hours
from sameside.staff import notifications as notices
from sameside.staff.models import Department, Notification, Staff
from tests.factories import Factory, Person

SYSTEM = SystemActor("tests")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALWAYS = parse_hours("Mon-Sun 00:00-23:59", "UTC")


def as_staff(person: Person, role: Role = Role.AGENT) -> StaffActor:
    return StaffActor(person.id, role, person.team_id)


def told(db: Database, kind: str | None = None) -> list[tuple[int, int | None]]:
    """(staff id, case id) of every notification (of `kind`), oldest first."""
    with db.unit_of_work(write=False) as s:
        query = select(Notification).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return [(n.staff_id, n.case_id) for n in s.scalars(query)]


def test_a_person_reads_their_own_notifications_newest_first_by_pages(db: Database, make: Factory) -> None:
    dana, eli = make.staff(password=None), make.staff(password=None)
    number = make.case().id
    with db.unit_of_work() as s:
        for n in range(5):
            notices.notify(s, [dana.id, dana.id, None], kind="test", text=f"note {n}", case_id=number)
        theirs = notices.notify(s, [eli.id], kind="test", text="for Eli")[0].id

    with db.unit_of_work(write=False) as s:
        assert notices.unread_count(s, dana.id) == 5  # once each, however often the id was given
        first = notices.list_for(s, dana.id, limit=2)
        assert [n.text for n in first.items] == ["note 4", "note 3"] and first.next_cursor
        newest = first.items[0].id
        rest = notices.list_for(s, dana.id, limit=10, cursor=first.next_cursor)
        assert [n.text for n in rest.items] == ["note 2", "note 1", "note 0"] and rest.next_cursor is None
        with pytest.raises(BadCursor):
            notices.list_for(s, dana.id, cursor="nonsense")

    with db.unit_of_work() as s:
        notices.mark_read(s, as_staff(dana), newest)
        with pytest.raises(NotFound):
            notices.mark_read(s, as_staff(dana), theirs)  # someone else's looks missing
    with db.unit_of_work(write=False) as s:
        assert notices.unread_count(s, dana.id) == 4
        assert [n.text for n in notices.list_for(s, dana.id, unread_only=True).items] == [
            "note 3",
            "note 2",
            "note 1",
            "note 0",
        ]
    with db.unit_of_work() as s:
        assert notices.mark_all_read(s, as_staff(dana)) == 4
    with db.unit_of_work(write=False) as s:
        assert notices.unread_count(s, dana.id) == 0 and notices.unread_count(s, eli.id) == 1


def test_long_text_is_cut_to_what_a_notification_holds(db: Database, make: Factory) -> None:
    dana = make.staff(password=None)
    with db.unit_of_work() as s:
        [row] = notices.notify(s, [dana.id], kind="test", text="word " * 200)
        assert len(row.text) <= notices.TEXT_MAX and row.text.endswith(" word…")  # cut at a word


def test_supervisors_are_the_teams_active_ones_or_else_the_admins(db: Database, make: Factory) -> None:
    team, empty = make.team(), make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    retired = make.staff(Role.SUPERVISOR, team=team, password=None)
    admin = make.staff(Role.ADMIN, password=None)
    with db.unit_of_work() as s:
        row = s.get(Staff, retired.id)
        assert row is not None
        row.is_active = False
    with db.unit_of_work(write=False) as s:
        assert [p.id for p in notices.supervisors_of(s, staff_id=agent.id)] == [boss.id]
        assert [p.id for p in notices.supervisors_of(s, team_id=team.id)] == [boss.id]
        assert [p.id for p in notices.supervisors_of(s, staff_id=boss.id)] == [admin.id]  # never their own
        assert [p.id for p in notices.supervisors_of(s, team_id=empty.id)] == [admin.id]
        assert [p.id for p in notices.supervisors_of(s)] == [admin.id]


def test_an_answered_consult_tells_the_owner_not_the_department(db: Database, make: Factory) -> None:
    team, shipping = make.team(), make.department("shipping")
    owner = make.staff(Role.AGENT, team=team, password=None)
    clerk = make.staff(Role.AGENT, department=shipping, password=None)
    number = make.case(team=team, owner=owner).id
    with db.unit_of_work() as s:
        department = s.get(Department, shipping.id)
        assert department is not None
        consult = consults.ask(s, as_staff(owner), case_for(s, SYSTEM, number), department, "Has it left?", ALWAYS)
    with db.unit_of_work() as s:
        consults.answer(s, StaffActor(clerk.id, Role.AGENT, None, shipping.id), consult.id, "Yes, this morning.")

    assert told(db) == [(owner.id, number)]
    with db.unit_of_work(write=False) as s:
        row = s.scalars(select(Notification)).one()
        assert row.kind == "consult_answered" and row.data == {"consult_id": consult.id}
        assert "Yes, this morning." in row.text and "Has it left?" not in row.text  # the answer, not the question


def test_an_overdue_consult_tells_the_owner_and_the_department_once(db: Database, make: Factory) -> None:
    team, shipping = make.team(), make.department("shipping")
    owner = make.staff(Role.AGENT, team=team, password=None)
    clerks = [make.staff(Role.AGENT, department=shipping, password=None) for _ in range(2)]
    late, answered = make.case(team=team, owner=owner).id, make.case(team=team, owner=owner).id
    with clock.frozen(MONDAY), db.unit_of_work() as s:
        department = s.get(Department, shipping.id)
        assert department is not None
        for number in (late, answered):
            consults.ask(s, as_staff(owner), case_for(s, SYSTEM, number), department, f"About #{number}?", ALWAYS)
    due = MONDAY + timedelta(hours=department.service_level_hours)
    with db.unit_of_work(write=False) as s:
        answered_id = s.scalars(select(consults.Consult.id).where(consults.Consult.case_id == answered)).one()
    with clock.frozen(due - timedelta(minutes=1)), db.unit_of_work() as s:
        consults.answer(s, StaffActor(clerks[0].id, Role.AGENT, None, shipping.id), answered_id, "Done.")
        assert consults.flag_overdue_consults(s) == 0  # nothing is late yet

    with db.unit_of_work() as s:
        assert consults.flag_overdue_consults(s, due + timedelta(minutes=1)) == 1
    with db.unit_of_work() as s:
        assert consults.flag_overdue_consults(s, due + timedelta(hours=5)) == 0  # once
    assert told(db, "consult_overdue") == [(owner.id, late), (clerks[0].id, late), (clerks[1].id, late)]


def test_overdue_consults_beyond_one_batch_are_all_flagged(db: Database, make: Factory) -> None:
    team, shipping = make.team(), make.department()
    owner = make.staff(Role.AGENT, team=team, password=None)
    numbers = [make.case(team=team, owner=owner).id for _ in range(5)]
    with clock.frozen(MONDAY), db.unit_of_work() as s:
        department = s.get(Department, shipping.id)
        assert department is not None
        for number in numbers:
            consults.ask(s, as_staff(owner), case_for(s, SYSTEM, number), department, "Any news?", ALWAYS)
    later = MONDAY + timedelta(days=3)
    with db.unit_of_work() as s:
        assert consults.flag_overdue_consults(s, later, batch=2) == 5
    with db.unit_of_work() as s:
        assert consults.flag_overdue_consults(s, later, batch=2) == 0
    assert sorted(told(db, "consult_overdue")) == sorted((owner.id, n) for n in numbers)


def test_a_missed_call_tells_the_owner_and_their_supervisor(db: Database, make: Factory) -> None:
    team = make.team()
    owner = make.staff(Role.AGENT, team=team, password=None)
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    number = make.case(team=team, owner=owner).id
    policy = callbacks.Policy(hours=callback_rules.parse_hours("Mon-Fri 09:00-17:00", "UTC"))
    with clock.frozen(MONDAY), db.unit_of_work() as s:
        slot = callbacks.free_slots(s, policy)[0]
        callbacks.book(s, SYSTEM, case_for(s, SYSTEM, number), policy, starts_at=slot, phone="0301234")

    with clock.frozen(slot + timedelta(minutes=policy.minutes) + callback_rules.MISSED_AFTER), db.unit_of_work() as s:
        assert callbacks.flag_missed(s) == 1
    with db.unit_of_work() as s:
        assert callbacks.flag_missed(s) == 0

    assert told(db, "callback_missed") == [(owner.id, number), (boss.id, number)]
    with db.unit_of_work(write=False) as s:
        text = s.scalars(select(Notification.text)).first()
        assert text is not None and "nobody called 0301234" in text
