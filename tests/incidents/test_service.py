"""Incidents through the services on both databases: told once, updates reach all, new contacts linked, resolved."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sameside.cases.access import case_for
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus, EntryKind, EventType
from sameside.config import Settings
from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.incidents import queries, service
from sameside.incidents.models import AffectedCustomer
from sameside.incidents.rules import IncidentStatus
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import Forbidden, Invalid
from tests.factories import SYSTEM, Factory
from tests.incidents.support import declare, notices, run_incident_jobs, status_of, supervisor


def recipients(db: Database) -> Counter[str]:
    return Counter(m.recipient for m in notices(db))


def test_everyone_in_scope_with_an_open_case_is_told_once_and_each_update_once(
    db: Database, make: Factory, settings: Settings
) -> None:
    _, boss = supervisor(make)
    acme = make.organization("Acme")
    tagged = make.case(make.customer("tag@example.com"), tags=["payments"])
    worded = make.case(make.customer("words@example.com"), subject="Checkout", body="My card payment keeps failing")
    make.case(make.customer("other@example.com"), subject="Lost parcel")
    with db.unit_of_work() as s:
        member = s.get(Customer, make.customer("member@example.com").id)
        assert member is not None
        member.organization_id = acme.id
    number = declare(db, boss, tags=["payments"], pattern="payment failing", organizations=[acme.id])
    run_incident_jobs(db, settings)
    # The member has no open case and "tell everyone" was not chosen: not told.
    assert recipients(db) == Counter({"tag@example.com": 1, "words@example.com": 1})
    run_incident_jobs(db, settings)
    assert len(notices(db)) == 2  # running again tells nobody twice
    with db.unit_of_work() as s:
        linked = {row.case.id for row in queries.linked_cases(s, boss, number)}
        assert linked == {tagged.id, worded.id}
        update = service.post_update(
            s, boss, queries.incident_for(s, boss, number), "We found it.", status=IncidentStatus.IDENTIFIED
        )
        assert update.number == 1
    run_incident_jobs(db, settings)
    assert recipients(db) == Counter({"tag@example.com": 2, "words@example.com": 2})
    assert notices(db)[-1].raw is not None and b"We found it." in notices(db)[-1].raw
    with db.unit_of_work(write=False) as s:
        events = s.scalars(
            select(TimelineEntry.event).where(TimelineEntry.case_id == tagged.id, TimelineEntry.kind == EntryKind.EVENT)
        ).all()
        assert events.count(EventType.INCIDENT_LINKED) == 1 and events.count(EventType.INCIDENT_NOTICE_SENT) == 2
        shown = queries.figures(s, [queries.incident_for(s, boss, number)])[number]
        assert (shown.affected, shown.told, shown.linked, shown.linked_open) == (2, 2, 2, 2)


def test_tell_everyone_reaches_customers_with_no_case_and_the_list_reports_unknown_addresses(
    db: Database, make: Factory, settings: Settings
) -> None:
    _, boss = supervisor(make)
    make.customer("known@example.com")
    with db.unit_of_work() as s:
        declared = service.declare(
            s,
            boss,
            title="Outage",
            message="Nothing loads.",
            tell_everyone=True,
            customer_list=b"email\nknown@example.com\nstranger@example.com\nnope\n",
        )
        assert declared.unknown == ("stranger@example.com",)
        assert declared.refused == ("row 4: “nope”",)
    run_incident_jobs(db, settings)
    assert recipients(db) == Counter({"known@example.com": 1})
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(Customer).where(Customer.name == "stranger@example.com")) is None


def test_a_notice_waits_for_the_contact_window_unless_urgent(db: Database, make: Factory, settings: Settings) -> None:
    _, boss = supervisor(make)
    sleeper = make.customer("sleeper@example.com")
    with db.unit_of_work() as s:
        row = s.get(Customer, sleeper.id)
        assert row is not None
        row.timezone, row.contact_window_start, row.contact_window_end = "UTC", "09:00", "17:00"
    at_night = datetime(2031, 3, 6, 3, 0, tzinfo=UTC)
    with clock.frozen(at_night):
        declare(db, boss, addresses=["sleeper@example.com"], tell_everyone=True)
        declare(db, boss, title="Data leak", addresses=["sleeper@example.com"], tell_everyone=True, urgent=True)
        run_incident_jobs(db, settings)
    with db.unit_of_work(write=False) as s:
        held = dict(
            s.execute(
                select(AffectedCustomer.incident_id, AffectedCustomer.data).order_by(AffectedCustomer.incident_id)
            ).all()
        )
    first, second = sorted(held)
    assert held[first]["held_until"] == "2031-03-06T09:00:00+00:00"
    assert held[second] == {}


def test_only_supervisors_declare_and_a_scope_is_required(db: Database, make: Factory) -> None:
    agent = make.staff(Role.AGENT)
    _, boss = supervisor(make)
    with pytest.raises(Forbidden):
        declare(db, StaffActor(agent.id, Role.AGENT), tags=["x"])
    with pytest.raises(Invalid, match="scope"):
        declare(db, boss)
    with pytest.raises(Invalid, match="customers:"):
        declare(db, boss, addresses=["nobody@example.com"])


def test_a_new_contact_is_linked_and_acknowledged_with_the_status(
    db: Database, make: Factory, settings: Settings
) -> None:
    _, boss = supervisor(make)
    number = declare(db, boss, pattern='"cannot log in"')
    run_incident_jobs(db, settings)
    with db.unit_of_work() as s:
        service.post_update(s, boss, queries.incident_for(s, boss, number), "A fix is rolling out.")
    about = make.case(subject="Help", body="I cannot log in since 9", channel=Channel.PORTAL)
    unrelated = make.case(subject="Invoice", body="Where is my invoice?", channel=Channel.PORTAL)
    with db.unit_of_work(write=False) as s:
        assert [i.id for i in queries.of_case(s, about.id)] == [number]
        assert queries.of_case(s, unrelated.id) == []
        said = s.scalars(
            select(TimelineEntry.body).where(
                TimelineEntry.case_id == about.id, TimelineEntry.is_automatic, TimelineEntry.kind == EntryKind.MESSAGE
            )
        ).all()
        assert len(said) == 1 and "already know" in said[0] and "A fix is rolling out." in said[0]
        told = s.get(AffectedCustomer, (number, about.customer_id))
        assert told is not None and told.told == 1  # acknowledged with update 1: not told it again
    run_incident_jobs(db, settings)
    assert notices(db) == []


def test_resolution_closes_every_linked_case_with_the_approved_message(
    db: Database, make: Factory, settings: Settings
) -> None:
    _, boss = supervisor(make)
    opened = [make.case(make.customer(f"c{n}@example.com"), tags=["router"]) for n in range(3)]
    listed_only = make.customer("listed@example.com")
    # On the list, with an open case about something else: told, and that case is not closed under her.
    elsewhere = make.case(make.customer("listed@example.com"), subject="Invoice address", body="Please use my new one.")
    number = declare(db, boss, tags=["router"], addresses=["listed@example.com"], tell_everyone=True)
    run_incident_jobs(db, settings)
    with db.unit_of_work() as s:
        service.resolve(s, boss, queries.incident_for(s, boss, number), "Routers work again. Thank you for waiting.")
    run_incident_jobs(db, settings)
    with db.unit_of_work(write=False) as s:
        for case in opened:
            found = s.get(Case, case.id)
            assert found is not None and found.status is CaseStatus.RESOLVED
            bodies = s.scalars(
                select(TimelineEntry.body).where(
                    TimelineEntry.case_id == case.id, TimelineEntry.direction == "outbound"
                )
            ).all()
            assert "Routers work again. Thank you for waiting." in bodies
            case_for(s, SYSTEM, case.id)
        kept = s.get(Case, elsewhere.id)
        assert kept is not None and kept.status is not CaseStatus.RESOLVED
        on_it = s.scalars(
            select(TimelineEntry).where(TimelineEntry.case_id == elsewhere.id, TimelineEntry.direction == "outbound")
        ).all()
        assert on_it == []  # no reply about routers on an invoice question
        noted = s.scalars(
            select(TimelineEntry.event).where(
                TimelineEntry.case_id == elsewhere.id, TimelineEntry.event == EventType.INCIDENT_NOTICE_SENT
            )
        ).all()
        assert len(noted) == 2  # the notice, and the end, each noted on her case
    # Those with a case about it heard it there; the listed customer by a notice: one "Resolved" mail.
    resolved = [m for m in notices(db) if b"Resolved" in (m.raw or b"")]
    assert [m.recipient for m in resolved] == ["listed@example.com"]
    assert listed_only.id
    assert status_of(db, number) == IncidentStatus.RESOLVED.value
