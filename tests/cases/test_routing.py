"""Routing on the real database: who a team's new and transferred cases go to, and what the timeline says."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.routing import rules as routing_rules
from sameside.cases.routing import service as routing
from sameside.cases.rules import CaseStatus, EventType, HandoffBrief
from sameside.customers import service as customers
from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor
from sameside.kit.events import Event, bus
from sameside.staff import service as staff_service
from sameside.staff.models import Routing, Staff, Team
from tests.factories import SYSTEM, Factory, Person

GERMAN = (
    "Guten Tag, mein Router verbindet sich seit gestern nicht mehr mit dem Internet. "
    "Ich habe ihn schon zweimal neu gestartet, aber die Lampe blinkt weiterhin rot."
)
BRIEF = HandoffBrief(problem="Charged twice", tried="Checked", promised="Nothing yet", feeling="Calm")


def routed_team(make: Factory, routing: Routing, name: str = "Support") -> Team:
    team = make.team(name=name)
    with make.db.unit_of_work() as s:
        row = s.get(Team, team.id)
        assert row is not None
        staff_service.set_routing(s, SYSTEM, row, routing)
        s.expunge(row)
        return row


def member(
    make: Factory,
    team: Team | None,
    *,
    languages: list[str] | None = None,
    products: list[str] | None = None,
    role: Role = Role.AGENT,
) -> Person:
    person = make.staff(role, team=team, password=None)
    with make.db.unit_of_work() as s:
        row = s.get(Staff, person.id)
        assert row is not None
        staff_service.set_skills(s, SYSTEM, row, languages=languages or ["en"], products=products or [])
    return person


def load(make: Factory, person: Person, count: int, status: CaseStatus = CaseStatus.OPEN) -> None:
    """Give `person` cases outside any team, in `status`."""
    for _ in range(count):
        number = make.case(owner=person).id
        if status is not CaseStatus.NEW:
            with make.db.unit_of_work() as s:
                cases.change_status(s, SYSTEM, case_for(s, SYSTEM, number), status)


def owner(db: Database, number: int) -> int | None:
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None
        return case.owner_id


def assignments(db: Database, number: int) -> list[dict[str, Any]]:
    with db.unit_of_work(write=False) as s:
        return [
            dict(e.data or {})
            for e in s.scalars(
                select(TimelineEntry)
                .where(TimelineEntry.case_id == number, TimelineEntry.event == EventType.ASSIGNED)
                .order_by(TimelineEntry.id)
            )
        ]


def last_routed(db: Database, team: Team) -> int | None:
    with db.unit_of_work(write=False) as s:
        row = s.get(Team, team.id)
        assert row is not None
        return row.last_routed_staff_id


def customer_speaking(make: Factory, language: str) -> Customer:
    customer = make.customer()
    with make.db.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        customers.update_customer(s, SYSTEM, row, customers.PreferenceChanges(language=language))
        s.expunge(row)
        return row


@pytest.fixture
def published() -> Iterator[list[Event]]:
    """`case.assigned` events as handlers see them (after commit); the bus is restored afterwards."""
    saved = {name: list(handlers) for name, handlers in bus._handlers.items()}
    seen: list[Event] = []
    bus.subscribe("case.assigned", seen.append)
    yield seen
    bus._handlers.clear()
    bus._handlers.update(saved)


# ---------------------------------------------------------------- the modes


def test_round_robin_deals_cases_in_turn_and_says_so(db: Database, make: Factory, published: list[Event]) -> None:
    team = routed_team(make, Routing.ROUND_ROBIN)
    a, b, c = (member(make, team) for _ in range(3))
    load(make, a, 4)  # round robin does not care

    numbers = [make.case(team=team).id for _ in range(4)]

    assert [owner(db, n) for n in numbers] == [a.id, b.id, c.id, a.id]
    assert last_routed(db, team) == a.id
    [routed] = assignments(db, numbers[1])
    assert routed == {
        "owner_id": b.id,
        "reason": "routed: round robin: next in turn of 3",
        "by": "routing",
        "after": "new case",
    }
    assert [(e.data["case_id"], e.data["owner_id"]) for e in published if e.data["case_id"] in numbers] == list(
        zip(numbers, [a.id, b.id, c.id, a.id], strict=True)
    )


def test_least_loaded_gives_the_case_to_whoever_has_fewest(db: Database, make: Factory) -> None:
    team = routed_team(make, Routing.LEAST_LOADED)
    busy, free, middling = member(make, team), member(make, team), member(make, team)
    load(make, busy, 3)
    load(make, middling, 1)
    load(make, free, 4, CaseStatus.WAITING_ON_CUSTOMER)  # the ball is in the customers' court: not load
    load(make, free, 1, CaseStatus.RESOLVED)

    first = make.case(team=team).id
    second = make.case(team=team).id  # `free` now has one, as has `middling`: the tie goes round the circle

    assert owner(db, first) == free.id
    assert assignments(db, first)[0]["reason"] == "routed: least loaded of 3: 0 open cases"
    assert owner(db, second) == middling.id


def test_take_next_teams_are_left_alone(db: Database, make: Factory, published: list[Event]) -> None:
    team = make.team()
    member(make, team)

    number = make.case(team=team).id

    assert owner(db, number) is None
    assert assignments(db, number) == []
    assert published == []


def test_a_case_without_a_team_is_not_routed(db: Database, make: Factory) -> None:
    member(make, None)
    assert owner(db, make.case().id) is None


def test_inactive_people_and_admins_are_not_routed_to(db: Database, make: Factory) -> None:
    team = routed_team(make, Routing.ROUND_ROBIN)
    gone = member(make, team)
    member(make, team, role=Role.ADMIN)
    supervisor = member(make, team, role=Role.SUPERVISOR)
    with db.unit_of_work() as s:
        row = s.get(Staff, gone.id)
        assert row is not None
        staff_service.update_staff(s, SYSTEM, row, is_active=False)

    owners = {owner(db, make.case(team=team).id) for _ in range(3)}

    assert owners == {supervisor.id}


def test_when_everyone_is_full_the_case_waits_for_take_next(
    db: Database, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routing_rules, "MAX_OPEN", 2)
    team = routed_team(make, Routing.LEAST_LOADED)
    a, b = member(make, team), member(make, team)
    load(make, a, 2)
    load(make, b, 1)

    first = make.case(team=team).id  # b reaches the cap
    second = make.case(team=team).id

    assert owner(db, first) == b.id
    assert owner(db, second) is None
    assert assignments(db, second) == []
    with db.unit_of_work() as s:  # and take next still serves it
        taken = cases.take_next(s, StaffActor(a.id, Role.AGENT, team.id), tier_cap_minutes=60)
        assert taken is not None and taken.id == second


# ---------------------------------------------------------------- skill


def test_skill_routes_by_the_language_the_customer_prefers(db: Database, make: Factory) -> None:
    team = routed_team(make, Routing.SKILL)
    member(make, team, languages=["en"])
    german = member(make, team, languages=["en", "de-DE"])
    load(make, german, 3)  # busier, but the only one who speaks German

    number = make.case(customer_speaking(make, "de-CH"), team=team, body="Hello, my parcel is late.").id

    assert owner(db, number) == german.id
    assert assignments(db, number)[0]["reason"] == "routed: speaks de; the only one with room: 3 open cases"


def test_skill_routes_by_the_language_the_customer_wrote_in(db: Database, make: Factory) -> None:
    team = routed_team(make, Routing.SKILL)
    member(make, team, languages=["en"])
    german = member(make, team, languages=["de"])

    number = make.case(team=team, subject="Router", body=GERMAN).id

    assert owner(db, number) == german.id


def test_skill_routes_by_product_tag_among_the_speakers(db: Database, make: Factory) -> None:
    team = routed_team(make, Routing.SKILL)
    member(make, team, languages=["de"])
    expert = member(make, team, languages=["de"], products=["Router X2", "Mesh"])
    load(make, expert, 2)
    member(make, team, languages=["en"], products=["Router X2"])

    number = make.case(customer_speaking(make, "de"), team=team, tags=["router-x2", "urgent"]).id

    assert owner(db, number) == expert.id
    reason = assignments(db, number)[0]["reason"]
    assert reason == "routed: speaks de, knows router-x2; the only one with room: 2 open cases"


def test_skill_falls_back_to_least_loaded_and_says_who_was_missing(db: Database, make: Factory) -> None:
    team = routed_team(make, Routing.SKILL, name="Billing")
    first = member(make, team, languages=["en"])
    member(make, team, languages=["de"])
    load(make, member(make, team, languages=["en"]), 1)

    number = make.case(customer_speaking(make, "fi"), team=team).id

    assert owner(db, number) == first.id
    assert (
        assignments(db, number)[0]["reason"] == "routed: nobody in Billing speaks fi; least loaded of 3: 0 open cases"
    )


# ---------------------------------------------------------------- transfers and races


def test_a_transfer_to_a_routed_team_finds_an_owner_there(db: Database, make: Factory) -> None:
    front = make.team()
    sender = member(make, front)
    billing = routed_team(make, Routing.LEAST_LOADED, name="Billing")
    busy, free = member(make, billing), member(make, billing)
    load(make, busy, 2)
    number = make.case(team=front, owner=sender).id

    with db.unit_of_work() as s:
        cases.transfer(
            s,
            StaffActor(sender.id, Role.AGENT, front.id),
            case_for(s, SYSTEM, number),
            brief=BRIEF,
            team=s.get(Team, billing.id),
        )

    assert owner(db, number) == free.id
    routed = assignments(db, number)[-1]
    assert routed["reason"] == "routed: least loaded of 2: 0 open cases"
    assert routed["after"] == "transferred"


def test_a_transfer_to_a_named_person_is_not_rerouted(db: Database, make: Factory) -> None:
    billing = routed_team(make, Routing.ROUND_ROBIN)
    member(make, billing)
    chosen = member(make, billing)
    number = make.case(owner=member(make, None)).id

    with db.unit_of_work() as s:
        cases.transfer(
            s,
            SYSTEM,
            case_for(s, SYSTEM, number),
            brief=BRIEF,
            team=s.get(Team, billing.id),
            owner=s.get(Staff, chosen.id),
        )

    assert owner(db, number) == chosen.id
    assert not any(a.get("by") == "routing" for a in assignments(db, number))


def test_two_cases_arriving_at_once_go_round_the_circle(db: Database, make: Factory) -> None:
    """The second opening waits for the first's lock on the team, then sees its choice (see `routing.route`)."""
    team = routed_team(make, Routing.ROUND_ROBIN)
    a, b = member(make, team), member(make, team)
    customer = make.customer()
    seconds: list[int | None] = []
    failures: list[BaseException] = []

    def open_one() -> int | None:
        with db.unit_of_work() as s:
            fresh = s.get(Customer, customer.id)
            assert fresh is not None
            case = cases.open_case(
                s,
                SYSTEM,
                customer=fresh,
                subject="At once",
                body="Hello",
                channel=Channel.EMAIL,
                team=s.get(Team, team.id),
            )
            return case.owner_id

    def second() -> None:
        try:
            seconds.append(open_one())
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    with db.unit_of_work() as s:
        fresh = s.get(Customer, customer.id)
        assert fresh is not None
        first = cases.open_case(
            s, SYSTEM, customer=fresh, subject="At once", body="Hello", channel=Channel.EMAIL, team=s.get(Team, team.id)
        )
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)  # let the second opening reach the team's lock while this one holds it
        first_owner = first.owner_id
    thread.join(timeout=20)

    assert not thread.is_alive() and not failures, failures
    assert {first_owner, *seconds} == {a.id, b.id}


def test_load_is_counted_in_one_query(db: Database, make: Factory) -> None:
    a, b, c = member(make, None), member(make, None), member(make, None)
    load(make, a, 2)
    load(make, b, 1, CaseStatus.WAITING_ON_INTERNAL)
    with db.unit_of_work(write=False) as s:
        assert routing.load_of(s, [a.id, b.id, c.id]) == {a.id: 2, b.id: 1}
        assert routing.load_of(s, []) == {}
