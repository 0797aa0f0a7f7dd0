"""Asking a department: the line the customer reads is theirs — form of address, their time zone, never UTC —
and the agent's to edit or skip."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sameside.cases import queries
from sameside.cases.access import case_for
from sameside.cases.models import TimelineEntry
from sameside.cases.rules import EventType
from sameside.consults import rules
from sameside.consults import service as consults
from sameside.customers.models import Customer
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
from sameside.kit.errors import Invalid
from sameside.kit.hours import parse_hours
from sameside.staff.models import Department, Notification
from tests.factories import Factory

SYSTEM = SystemActor("tests")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
BERLIN_HOURS = parse_hours("Mon-Fri 09:00-17:00", "Europe/Berlin")
UTC_HOURS = parse_hours("Mon-Fri 09:00-17:00", "UTC")


def test_the_suggested_line_is_in_the_customers_time_and_form_of_address() -> None:
    due = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    line = rules.customer_line(
        department="Shipping & Returns",
        due=due,
        now=MONDAY,
        customer_zone="America/New_York",
        business_zone=ZoneInfo("Europe/Berlin"),
        form_of_address="Ms. Rossi",
    )
    assert line == (
        "Ms. Rossi, we are checking this with our shipping & returns team. "
        "You will hear from us by 10:00 today (your time)."
    )
    assert "UTC" not in line


def test_without_the_customers_zone_the_line_names_the_business_city_or_says_how_long() -> None:
    due = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    berlin = rules.customer_line(
        department="Finance",
        due=due,
        now=MONDAY,
        customer_zone=None,
        business_zone=ZoneInfo("Europe/Berlin"),
        form_of_address=None,
    )
    assert (
        berlin == "We are checking this with our finance team. You will hear from us by 09:00 tomorrow (Berlin time)."
    )
    unknown = rules.customer_line(
        department="Finance",
        due=due,
        now=MONDAY,
        customer_zone="Not/AZone",
        business_zone=ZoneInfo("UTC"),
        form_of_address="  ",
    )
    assert unknown == "We are checking this with our finance team. You will hear from us within about 23 hours."
    assert "UTC" not in unknown


def test_later_days_are_named() -> None:
    zone = ZoneInfo("Europe/Berlin")
    assert rules.by_when(datetime(2026, 3, 5, 12, 0, tzinfo=UTC), MONDAY, zone) == "by Thursday at 13:00"
    assert rules.by_when(datetime(2026, 3, 20, 12, 0, tzinfo=UTC), MONDAY, zone) == "by 20 March at 13:00"
    assert rules.within(datetime(2026, 3, 6, 9, 0, tzinfo=UTC), MONDAY) == "within 4 days"


def test_due_times_in_the_agents_terms() -> None:
    zone = ZoneInfo("Europe/Berlin")
    assert rules.due_words(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), MONDAY, zone) == "due in 3 h (13:00 Europe/Berlin)"
    assert (
        rules.due_words(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), MONDAY, zone)
        == "overdue by 21 h (Sun 13:00 Europe/Berlin)"
    )


def _setup(db: Database, make: Factory, *, zone: str | None, form: str | None) -> tuple[int, StaffActor, int, int]:
    team, shipping = make.team(), make.department("shipping")
    owner = make.staff(team=team, password=None)
    customer = make.customer(name="Ana Rossi")
    with db.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        row.timezone, row.form_of_address = zone, form
    number = make.case(customer, team=team, owner=owner).id
    return number, StaffActor(owner.id, Role.AGENT, team.id), shipping.id, customer.id


def _ask(db: Database, actor: StaffActor, number: int, department_id: int, **choice: object) -> None:
    with db.unit_of_work() as s:
        department = s.get(Department, department_id)
        assert department is not None
        consults.ask(
            s,
            actor,
            case_for(s, SYSTEM, number),
            department,
            "Has it left the depot?",
            BERLIN_HOURS,
            **choice,  # type: ignore[arg-type]
        )


def _customer_sees(db: Database, number: int, customer_id: int) -> list[str]:
    with db.unit_of_work(write=False) as s:
        case = case_for(s, SYSTEM, number)
        return [e.body or "" for e in queries.timeline(s, CustomerActor(customer_id), case) if e.body]


def _opened(db: Database, number: int) -> TimelineEntry:
    with db.unit_of_work(write=False) as s:
        entry = s.scalars(
            select(TimelineEntry).where(
                TimelineEntry.case_id == number, TimelineEntry.event == EventType.CONSULT_OPENED
            )
        ).one()
        s.expunge(entry)
        return entry


def test_asking_tells_the_customer_the_suggested_line_in_their_time(db: Database, make: Factory) -> None:
    number, actor, shipping, customer = _setup(db, make, zone="America/New_York", form="Ms. Rossi")
    with clock.frozen(MONDAY):
        _ask(db, actor, number, shipping)
    # Shipping answers within 8 business hours in Berlin: Tuesday 10:00 there, 04:00 in New York.
    said = _customer_sees(db, number, customer)
    with db.unit_of_work(write=False) as s:
        team = s.get(Department, shipping).name.lower()  # type: ignore[union-attr]
    assert (
        f"Ms. Rossi, we are checking this with our {team} team. You will hear from us by 04:00 tomorrow (your time)."
        in said
    )
    assert not any("UTC" in line for line in said)


def test_the_agents_own_words_are_what_the_customer_reads(db: Database, make: Factory) -> None:
    number, actor, shipping, customer = _setup(db, make, zone=None, form=None)
    _ask(db, actor, number, shipping, customer_line="  Ana, I'm asking our warehouse; back to you by tonight.  ")
    assert "Ana, I'm asking our warehouse; back to you by tonight." in _customer_sees(db, number, customer)


def test_skipping_tells_the_customer_nothing_but_staff_see_the_step(db: Database, make: Factory) -> None:
    number, actor, shipping, customer = _setup(db, make, zone="Europe/Paris", form="Madame Rossi")
    before = _customer_sees(db, number, customer)
    _ask(db, actor, number, shipping, customer_line="ignored", tell_customer=False)
    assert _customer_sees(db, number, customer) == before
    entry = _opened(db, number)
    assert entry.body is None and entry.is_public is False


def test_an_empty_or_overlong_line_is_refused_with_its_reason(db: Database, make: Factory) -> None:
    number, actor, shipping, _ = _setup(db, make, zone=None, form=None)
    with pytest.raises(Invalid, match="or choose to tell them nothing"):
        _ask(db, actor, number, shipping, customer_line="   ")
    with pytest.raises(Invalid, match="at most 1,000 characters"):
        _ask(db, actor, number, shipping, customer_line="x" * 1001)


def test_an_overdue_consult_says_how_late_without_utc(db: Database, make: Factory) -> None:
    number, actor, shipping, _ = _setup(db, make, zone=None, form=None)
    with clock.frozen(MONDAY):
        _ask(db, actor, number, shipping)
    with clock.frozen(datetime(2026, 3, 4, 9, 0, tzinfo=UTC)), db.unit_of_work() as s:
        assert consults.flag_overdue_consults(s) == 1
    with db.unit_of_work(write=False) as s:
        [late] = s.scalars(select(Notification).where(Notification.kind == "consult_overdue")).all()
        assert "overdue by" in late.text and "UTC" not in late.text
