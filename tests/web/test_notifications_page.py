"""Notifications on the desk and 'ask for a manager' in the portal, over HTTP."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import EventType
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.staff import notifications as notices
from sameside.staff.models import Notification, Staff
from tests.factories import Factory, Person
from tests.web.test_desk import signed_in
from tests.web.test_portal import sign_in as customer_signed_in


def named(db: Database, person: Person, name: str) -> None:
    with db.unit_of_work() as s:
        staff = s.get(Staff, person.id)
        assert staff is not None
        staff.name = name


def escalations(db: Database, number: int) -> int:
    with db.unit_of_work(write=False) as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(TimelineEntry)
                .where(TimelineEntry.case_id == number, TimelineEntry.event == EventType.ESCALATION_REQUESTED)
            )
            or 0
        )


def test_a_customer_asks_for_a_manager_and_is_told_who_knows_and_who_keeps_the_case(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    owner = make.staff(Role.AGENT, team=team, password=None)
    make.staff(Role.SUPERVISOR, team=team, password=None)
    named(db, owner, "Dana Reyes")
    customer = make.customer(name="Ana Silva")
    number = make.case(customer, team=team, owner=owner, subject="Broken vase").id
    csrf = customer_signed_in(client, make, customer)

    before = client.get(f"/portal/cases/{number}")
    assert "Ask for a manager to look at this" in before.text
    assert "together with Dana" in before.text

    stale = client.post(f"/portal/cases/{number}/escalation", data={"csrf": "old", "reason": "Please"})
    assert stale.status_code == 403 and escalations(db, number) == 0

    asked = client.post(f"/portal/cases/{number}/escalation", data={"csrf": csrf, "reason": "Two weeks, no refund."})
    assert asked.status_code == 200  # followed the redirect back to the case
    assert "Dana and Dana's supervisor have been told." in asked.text
    assert "Your case stays with Dana" in asked.text
    assert "Ask for a manager to look at this" not in asked.text  # asked already; no button to press again
    assert "Two weeks, no refund." not in asked.text  # the request itself is internal
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None and case.owner_id == owner.id and case.team_id == team.id


def test_on_an_unowned_case_the_customer_hears_the_teams_supervisor_knows(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    make.staff(Role.SUPERVISOR, team=team, password=None)
    customer = make.customer()
    number = make.case(customer, team=team).id
    csrf = customer_signed_in(client, make, customer)

    asked = client.post(f"/portal/cases/{number}/escalation", data={"csrf": csrf, "reason": ""})
    assert asked.status_code == 200
    assert "Our team's supervisor has been told." in asked.text


def test_the_owner_reads_their_notifications_and_marks_them_read(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    owner = make.staff(Role.AGENT, team=team, password=None)
    other = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team, owner=owner).id
    with db.unit_of_work() as s:
        notices.notify(s, [owner.id], kind="escalation", text="Ana Silva asked for someone senior.", case_id=number)
        notices.notify(s, [owner.id], kind="callback_missed", text="Nobody called 0301234.", case_id=number)
        [theirs] = notices.notify(s, [other.id], kind="escalation", text="Not for the owner")
        theirs_id = theirs.id
    csrf = signed_in(client, db, owner)

    listing = client.get("/desk/notifications")
    assert listing.status_code == 200
    assert "<strong>Ana Silva asked for someone senior.</strong>" in listing.text  # unread in bold
    assert "Not for the owner" not in listing.text
    assert re.search(r'href="/desk/notifications/\d+/open">Open case #' + str(number), listing.text)
    assert 'aria-current="page"><span class="view-label">Notifications' in listing.text
    count = client.get("/desk/notifications/count")
    assert count.status_code == 200 and re.search(r">\s*2<span class=\"visually-hidden\"> unread", count.text)

    assert client.post("/desk/notifications/read-all", data={"csrf": "stale"}).status_code == 403
    assert client.post(f"/desk/notifications/{theirs_id}/read", data={"csrf": csrf}).status_code == 404

    with db.unit_of_work(write=False) as s:
        newest = s.scalars(
            select(Notification.id).where(Notification.staff_id == owner.id).order_by(Notification.id.desc())
        ).first()
    one = client.post(f"/desk/notifications/{newest}/read", data={"csrf": csrf})
    assert one.status_code == 200 and "1 unread" in one.text
    assert "<strong>Nobody called 0301234.</strong>" not in one.text

    everything = client.post("/desk/notifications/read-all", data={"csrf": csrf})
    assert everything.status_code == 200 and "0 unread" in everything.text
    assert "<strong>Ana Silva" not in everything.text
    assert "unread" not in client.get("/desk/notifications/count").text
    with db.unit_of_work(write=False) as s:
        assert notices.unread_count(s, other.id) == 1  # someone else's, untouched


def test_notifications_are_for_staff(client: TestClient, make: Factory) -> None:
    anonymous = client.get("/desk/notifications", follow_redirects=False)
    assert anonymous.status_code == 303
    assert "unread" not in client.get("/desk/notifications/count").text

    customer_signed_in(client, make, make.customer())
    assert client.get("/desk/notifications").status_code == 403
    assert "unread" not in client.get("/desk/notifications/count").text


def test_every_desk_page_loads_the_unread_count_beside_notifications(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    signed_in(client, db, agent)
    queue = client.get("/desk/queue/mine")
    assert 'hx-get="/desk/notifications/count"' in queue.text
