"""Callbacks (P1): real free times in business hours, booked by the customer, due for agents, missed ones flagged."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.callbacks import rules
from sameside.callbacks import service as callbacks
from sameside.callbacks.models import Callback, CallbackState
from sameside.cases.access import case_for
from sameside.cases.models import TimelineEntry
from sameside.cases.rules import EventType
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role, SystemActor
from sameside.kit.errors import Invalid
from tests.factories import Factory
from tests.web.test_desk import signed_in
from tests.web.test_portal import sign_in

# Monday 2031-03-03, 08:00 in Berlin (07:00 UTC).
MONDAY_MORNING = datetime(2031, 3, 3, 7, 0, tzinfo=UTC)
BERLIN = rules.parse_hours("Mon-Thu 09:00-17:00; Fri 09:00-13:00", "Europe/Berlin")


def test_slots_lie_inside_business_hours_in_their_time_zone() -> None:
    found = list(rules.slots(BERLIN, now=MONDAY_MORNING, days=7, minutes=30, notice=timedelta(minutes=30)))

    local = [s.astimezone(BERLIN.zone) for s in found]
    assert local[0] == datetime(2031, 3, 3, 9, 0, tzinfo=BERLIN.zone)  # opening time, not before
    assert all(s.weekday() < 5 for s in local)  # no weekend
    assert all(s.time() < time(13, 0) for s in local if s.weekday() == 4)  # Friday closes at 13
    assert max(s.time() for s in local if s.weekday() == 0).strftime("%H:%M") == "16:30"  # the last that ends by 17:00
    assert len([s for s in local if s.date() == local[0].date()]) == 16


@pytest.mark.parametrize("spec", ["", "Mon-Fri", "Mon-Fri 17:00-09:00", "Xyz 09:00-10:00"])
def test_malformed_business_hours_are_refused_with_a_reason(spec: str) -> None:
    with pytest.raises(Invalid):
        rules.parse_hours(spec, "UTC")


def test_a_customer_books_a_real_free_time_and_a_full_slot_is_refused(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    make.staff(Role.AGENT, team=team, password=None)  # one agent on duty: one call per slot
    ana, bo = make.customer("ana@example.com", name="Ana"), make.customer("bo@example.com", name="Bo")
    mine, theirs = make.case(ana).id, make.case(bo).id

    with clock.frozen(MONDAY_MORNING):
        csrf = sign_in(client, make, ana)
        form = client.get(f"/portal/cases/{mine}/callback")
        assert form.status_code == 200
        first_slot = form.text.split('<option value="', 1)[1].split('"', 1)[0]
        booked = client.post(
            f"/portal/cases/{mine}/callback", data={"csrf": csrf, "slot": first_slot, "phone": "+49 30 1234567"}
        )
        assert booked.status_code == 200
        assert "We will call you" in booked.text, booked.text[booked.text.find("<main") :][:1500]

        csrf = sign_in(client, make, bo)
        taken = client.post(
            f"/portal/cases/{theirs}/callback", data={"csrf": csrf, "slot": first_slot, "phone": "030 555 0101"}
        )
        assert taken.status_code == 409
        assert "no longer free" in taken.text
        outside = client.post(
            f"/portal/cases/{theirs}/callback",
            data={"csrf": csrf, "slot": "2031-03-08T12:00:00+00:00", "phone": "030 555 0101"},  # a Saturday
        )
        assert outside.status_code == 409

    with db.unit_of_work(write=False) as s:
        [call] = s.scalars(select(Callback)).all()
        assert (call.case_id, call.phone, call.state) == (mine, "+49301234567", CallbackState.BOOKED)
        event = s.scalar(select(TimelineEntry).where(TimelineEntry.event == EventType.CALLBACK_BOOKED))
        assert event is not None and event.is_public


def test_agents_see_calls_due_and_a_missed_one_is_flagged_on_its_case(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    customer = make.customer("ana@example.com", name="Ana")
    number = make.case(customer, team=team, subject="Call me about the refund").id
    with clock.frozen(MONDAY_MORNING), db.unit_of_work() as s:
        case = case_for(s, SystemActor("test"), number)
        policy = callbacks.Policy(hours=rules.parse_hours("Mon-Fri 09:00-17:00", "UTC"))
        slot = callbacks.free_slots(s, policy)[0]
        callbacks.book(s, SystemActor("test"), case, policy, starts_at=slot, phone="0301234")

    with clock.frozen(slot - timedelta(hours=1)):
        signed_in(client, db, agent)
        due = client.get("/desk/callbacks")
        assert "Call me about the refund" in due.text and "booked" in due.text

    with clock.frozen(slot + timedelta(minutes=30) + rules.MISSED_AFTER), db.unit_of_work() as s:
        assert callbacks.flag_missed(s) == 1
    with clock.frozen(slot + timedelta(hours=1)):
        missed = client.get("/desk/callbacks")
        assert "missed" in missed.text
        page = client.get(f"/desk/cases/{number}")
        assert "Missed call: nobody called 0301234" in page.text
        call_id = int(missed.text.split("/desk/callbacks/", 1)[1].split("/", 1)[0])
        csrf = signed_in(client, db, agent)
        done = client.post(f"/desk/callbacks/{call_id}/done", data={"csrf": csrf})
        assert done.status_code == 200
        assert "No calls to make" in done.text
