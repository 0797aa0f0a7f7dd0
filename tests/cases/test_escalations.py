"""Escalation requests against a real database: back to the owner and their supervisor, never a new queue (P3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.cases.errors import CaseNotFound
from sameside.cases.escalation.service import FROM_MESSAGE, open_escalation, request_escalation
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseClosed, CaseStatus, EventType, HandoffBrief, Priority
from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
from sameside.kit.errors import Invalid
from sameside.kit.events import PENDING_KEY
from sameside.staff.models import Notification, Routing, Staff, Team
from tests.factories import Factory, Person

SYSTEM = SystemActor("tests")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def as_customer(customer: Customer) -> CustomerActor:
    return CustomerActor(customer.id, customer.organization_id)


def as_staff(person: Person, role: Role = Role.AGENT) -> StaffActor:
    return StaffActor(person.id, role, person.team_id)


def notified(db: Database) -> list[tuple[int, str, int | None]]:
    """Every notification as (staff id, kind, case id), oldest first."""
    with db.unit_of_work(write=False) as s:
        rows = s.scalars(select(Notification).order_by(Notification.id)).all()
        return [(n.staff_id, n.kind, n.case_id) for n in rows]


def escalation_events(db: Database, number: int) -> list[dict[str, Any]]:
    with db.unit_of_work(write=False) as s:
        rows = s.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.case_id == number, TimelineEntry.event == EventType.ESCALATION_REQUESTED)
            .order_by(TimelineEntry.id)
        ).all()
        assert all(not r.is_public for r in rows), "the request and its context are internal"
        return [dict(r.data or {}) for r in rows]


def case_row(db: Database, number: int) -> Case:
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None
        s.expunge_all()
        return case


def escalate(db: Database, actor: Any, number: int, reason: str = "Nobody has answered in a week.") -> None:
    with db.unit_of_work() as s:
        request_escalation(s, actor, case_for(s, SYSTEM, number), reason=reason, source="portal")


@pytest.fixture
def desk(make: Factory) -> dict[str, Any]:
    """A support team with an owner, a colleague and a supervisor; another team with its own supervisor."""
    support, billing = make.team("support"), make.team("billing")
    return {
        "team": support,
        "owner": make.staff(Role.AGENT, team=support, password=None),
        "colleague": make.staff(Role.AGENT, team=support, password=None),
        "supervisor": make.staff(Role.SUPERVISOR, team=support, password=None),
        "elsewhere": make.staff(Role.SUPERVISOR, team=billing, password=None),
        "admin": make.staff(Role.ADMIN, password=None),
    }


def test_a_customer_asking_goes_back_to_the_owner_and_their_supervisor_and_the_case_stays_put(
    db: Database, make: Factory, desk: dict[str, Any]
) -> None:
    customer = make.customer(name="Ana Silva")
    with clock.frozen(T0):
        number = make.case(customer, team=desk["team"], owner=desk["owner"]).id
    with clock.frozen(T0 + timedelta(hours=5)), db.unit_of_work() as s:
        event = request_escalation(
            s, as_customer(customer), case_for(s, SYSTEM, number), reason="Nobody has answered.", source="portal"
        )
        published = [(e.name, e.data.get("staff_id")) for e in s.info[PENDING_KEY]]
        assert event.id is not None

    case = case_row(db, number)
    assert (case.owner_id, case.team_id) == (desk["owner"].id, desk["team"].id)  # never a new queue
    assert case.priority is Priority.HIGH
    [data] = escalation_events(db, number)
    assert data["by"] == {"kind": "customer", "id": customer.id, "name": "Ana Silva"}
    assert data["reason"] == "Nobody has answered." and data["source"] == "portal"
    assert data["waiting_minutes"] == 5 * 60  # since their first message, unanswered
    assert data["owner_id"] == desk["owner"].id and data["team_id"] == desk["team"].id
    assert data["supervisor_ids"] == [desk["supervisor"].id]
    assert data["told"] == [desk["owner"].id, desk["supervisor"].id]
    assert notified(db) == [(desk["owner"].id, "escalation", number), (desk["supervisor"].id, "escalation", number)]
    assert ("staff.notified", desk["owner"].id) in published and ("staff.notified", desk["supervisor"].id) in published
    with db.unit_of_work(write=False) as s:
        changed = s.scalar(
            select(TimelineEntry).where(
                TimelineEntry.case_id == number, TimelineEntry.event == EventType.PRIORITY_CHANGED
            )
        )
        assert changed is not None and changed.data == {
            "from": "normal",
            "to": "high",
            "reason": "escalation requested",
        }
        text = s.scalars(select(Notification.text)).first()
        assert text is not None and "Ana Silva asked for someone senior" in text and "Waiting 5 h" in text


def test_an_unowned_case_goes_to_its_teams_supervisors_and_without_any_to_the_admins(
    db: Database, make: Factory, desk: dict[str, Any]
) -> None:
    customer = make.customer()
    in_team = make.case(customer, team=desk["team"]).id
    nowhere = make.case(customer).id

    escalate(db, as_customer(customer), in_team)
    escalate(db, as_customer(customer), nowhere)

    assert notified(db) == [
        (desk["supervisor"].id, "escalation", in_team),
        (desk["admin"].id, "escalation", nowhere),
    ]
    assert case_row(db, in_team).owner_id is None and case_row(db, in_team).team_id == desk["team"].id


def test_asking_again_soon_adds_nothing_and_pages_nobody_twice(
    db: Database, make: Factory, desk: dict[str, Any]
) -> None:
    customer = make.customer()
    number = make.case(customer, team=desk["team"], owner=desk["owner"], priority=Priority.URGENT).id
    with clock.frozen(T0):
        escalate(db, as_customer(customer), number)
    with clock.frozen(T0 + timedelta(hours=3)):
        for _ in range(25):  # pressing the button again and again while nobody has answered
            escalate(db, as_customer(customer), number, "Still nothing.")
    assert len(escalation_events(db, number)) == 1  # their request stands
    assert len(notified(db)) == 2  # owner and supervisor, once
    with clock.frozen(T0 + timedelta(hours=25)):
        escalate(db, as_customer(customer), number, "A day later, still nothing.")
    assert len(notified(db)) == 4
    assert case_row(db, number).priority is Priority.URGENT  # never lowered


def test_an_agent_asks_their_supervisor_for_help_and_must_say_with_what(
    db: Database, make: Factory, desk: dict[str, Any]
) -> None:
    number = make.case(team=desk["team"], owner=desk["owner"]).id
    with db.unit_of_work() as s, pytest.raises(Invalid):
        request_escalation(s, as_staff(desk["owner"]), case_for(s, SYSTEM, number), reason=" ", source="desk")

    escalate(db, as_staff(desk["owner"]), number, "They want a refund above my budget.")

    assert notified(db) == [(desk["supervisor"].id, "escalation", number)]  # not the asker themselves
    [data] = escalation_events(db, number)
    assert data["by"]["kind"] == "staff" and data["by"]["id"] == desk["owner"].id
    assert case_row(db, number).owner_id == desk["owner"].id


def test_the_latest_handoff_brief_travels_with_the_request(db: Database, make: Factory, desk: dict[str, Any]) -> None:
    customer = make.customer()
    number = make.case(customer, team=desk["team"], owner=desk["colleague"]).id
    with db.unit_of_work() as s:
        brief = HandoffBrief("Charged twice", "Checked the log", "A refund by Friday", "Annoyed")
        service.transfer(s, SYSTEM, case_for(s, SYSTEM, number), brief=brief, owner=s.get(Staff, desk["owner"].id))
    escalate(db, as_customer(customer), number)
    [data] = escalation_events(db, number)
    assert data["brief"]["problem"] == "Charged twice" and data["brief"]["promised"] == "A refund by Friday"
    assert isinstance(data["brief"]["at"], str)


def test_only_those_who_see_the_case_may_ask_and_never_on_a_closed_case(
    db: Database, make: Factory, desk: dict[str, Any]
) -> None:
    customer, stranger = make.customer(), make.customer()
    number = make.case(customer, team=desk["team"]).id
    with db.unit_of_work() as s, pytest.raises(CaseNotFound):
        request_escalation(s, as_customer(stranger), case_for(s, SYSTEM, number), reason="", source="api")
    with db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        service.resolve(s, SYSTEM, case)
        service.change_status(s, SYSTEM, case, CaseStatus.CLOSED)
    with db.unit_of_work() as s, pytest.raises(CaseClosed):
        request_escalation(s, as_customer(customer), case_for(s, SYSTEM, number), reason="", source="api")
    assert notified(db) == []


def test_asking_for_a_manager_in_a_message_escalates_and_an_ordinary_mention_does_not(
    db: Database, make: Factory, desk: dict[str, Any]
) -> None:
    customer = make.customer(name="Ana Silva")
    number = make.case(customer, team=desk["team"], owner=desk["owner"]).id
    with db.unit_of_work() as s:
        service.receive_message(
            s, as_customer(customer), case_for(s, SYSTEM, number), "My manager asked me to order these."
        )
    assert escalation_events(db, number) == []

    with db.unit_of_work() as s:
        service.receive_message(
            s, as_customer(customer), case_for(s, SYSTEM, number), "Still nothing. I want to speak to a manager."
        )
    [data] = escalation_events(db, number)
    assert data["source"] == FROM_MESSAGE and data["words"] == "speak to a manager"
    assert data["reason"] == "Still nothing. I want to speak to a manager."
    assert {n[0] for n in notified(db)} == {desk["owner"].id, desk["supervisor"].id}
    assert case_row(db, number).owner_id == desk["owner"].id


def test_a_first_message_asking_for_a_manager_reaches_the_teams_supervisor(
    db: Database, make: Factory, desk: dict[str, Any]
) -> None:
    customer = make.customer(name="Bo")
    number = make.case(customer, team=desk["team"], body="Third time I write. Put me through to your boss.").id

    [data] = escalation_events(db, number)
    assert data["by"] == {"kind": "customer", "id": customer.id, "name": "Bo"}  # their words, not the intake's
    assert notified(db) == [(desk["supervisor"].id, "escalation", number)]
    assert case_row(db, number).priority is Priority.HIGH


def test_the_open_request_is_there_for_the_case_page_until_someone_answers(
    db: Database, make: Factory, desk: dict[str, Any]
) -> None:
    customer = make.customer(name="Ana Silva")
    number = make.case(customer, team=desk["team"], owner=desk["owner"]).id
    with db.unit_of_work(write=False) as s:
        assert open_escalation(s, case_for(s, SYSTEM, number)) is None
    escalate(db, as_customer(customer), number, "Please have someone senior look.")

    with db.unit_of_work(write=False) as s:
        found = open_escalation(s, case_for(s, SYSTEM, number))
    assert found is not None
    assert found.asked_by.kind == "customer" and found.asked_by.name == "Ana Silva"
    assert found.reason == "Please have someone senior look." and found.source == "portal"
    assert found.owner_id == desk["owner"].id and found.told == (desk["owner"].id, desk["supervisor"].id)

    with db.unit_of_work() as s:
        service.add_note(s, as_staff(desk["supervisor"], Role.SUPERVISOR), case_for(s, SYSTEM, number), "On it.")
    with db.unit_of_work(write=False) as s:
        assert open_escalation(s, case_for(s, SYSTEM, number)) is not None  # a note is not an answer
    with db.unit_of_work() as s:
        service.reply(s, as_staff(desk["owner"]), case_for(s, SYSTEM, number), "I am sorry; here is what happens now.")
    with db.unit_of_work(write=False) as s:
        assert open_escalation(s, case_for(s, SYSTEM, number)) is None


def test_a_message_recorded_by_staff_still_counts_as_the_customers_words(
    db: Database, make: Factory, desk: dict[str, Any]
) -> None:
    customer = make.customer(name="Cy")
    with db.unit_of_work() as s:
        fresh = s.get(Customer, customer.id)
        assert fresh is not None
        case = service.open_case(
            s,
            as_staff(desk["colleague"]),
            customer=fresh,
            subject="Phoned in",
            body="Wants to speak to a supervisor about the refund.",
            channel=Channel.PHONE,
            team=s.get(Team, desk["team"].id),
        )
        number = case.id
    [data] = escalation_events(db, number)
    assert data["by"]["kind"] == "customer" and data["by"]["name"] == "Cy"


def test_a_first_message_asking_for_a_manager_reaches_the_owner_routing_just_chose(db: Database, make: Factory) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    with db.unit_of_work() as s:
        row = s.get(Team, team.id)
        assert row is not None
        row.routing = Routing.LEAST_LOADED
    case = make.case(team=team, body="Third time writing about this. I want to speak to a manager, please.")
    assert case.owner_id == agent.id
    assert (agent.id, "escalation", case.id) in notified(db)
