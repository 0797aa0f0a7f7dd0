"""The contact window (P14): non-urgent email waits for it; urgent messages and answers to the awake do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.cases.queries import timeline
from sameside.cases.rules import Priority
from sameside.customers import service as customers
from sameside.customers.models import Customer
from sameside.customers.rules import Channel, next_contact_time
from sameside.customers.service import PreferenceChanges
from sameside.db.engine import Database
from sameside.jobs.models import Job
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
from sameside.mail.models import OutboundMail
from tests.factories import Factory

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0, *, month: int = 3) -> datetime:
    return datetime(2031, month, day, hour, minute, tzinfo=BERLIN)


# ---------------------------------------------------------------- the rule


def test_inside_the_window_is_now() -> None:
    now = berlin(5, 12).astimezone(UTC)

    assert next_contact_time(now, "Europe/Berlin", "09:00", "18:00") == now


def test_late_at_night_waits_for_the_next_morning_and_early_for_this_morning() -> None:
    assert next_contact_time(berlin(5, 23), "Europe/Berlin", "09:00", "18:00") == berlin(6, 9)
    assert next_contact_time(berlin(5, 6, 30), "Europe/Berlin", "09:00", "18:00") == berlin(5, 9)
    assert next_contact_time(berlin(5, 18), "Europe/Berlin", "09:00", "18:00") == berlin(6, 9)  # the end is out


def test_the_answer_is_in_utc() -> None:
    assert next_contact_time(berlin(5, 23), "Europe/Berlin", "09:00", "18:00").tzinfo is UTC


def test_a_window_across_midnight_for_someone_who_works_nights() -> None:
    window = ("Europe/Berlin", "22:00", "07:00")

    assert next_contact_time(berlin(5, 23), *window) == berlin(5, 23)
    assert next_contact_time(berlin(5, 3), *window) == berlin(5, 3)
    assert next_contact_time(berlin(5, 7), *window) == berlin(5, 22)
    assert next_contact_time(berlin(5, 12), *window) == berlin(5, 22)


def test_their_local_time_counts_not_ours() -> None:
    tokyo_evening = datetime(2031, 3, 5, 12, 0, tzinfo=UTC)  # 21:00 in Tokyo, noon in London

    assert next_contact_time(tokyo_evening, "Asia/Tokyo", "09:00", "18:00") == datetime(
        2031, 3, 6, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")
    )
    assert next_contact_time(tokyo_evening, "Europe/London", "09:00", "18:00") == tokyo_evening


def test_across_a_change_to_summer_time() -> None:
    # Berlin moves its clocks from 02:00 to 03:00 on 30 March 2031: the window still opens at 09:00 local.
    assert next_contact_time(berlin(29, 22), "Europe/Berlin", "09:00", "18:00") == berlin(30, 9)
    assert berlin(30, 9).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("tz", "start", "end"),
    [
        (None, "09:00", "18:00"),
        ("", "09:00", "18:00"),
        ("Mars/Olympus", "09:00", "18:00"),
        ("../../etc/passwd", "09:00", "18:00"),
        ("Europe/Berlin", None, "18:00"),
        ("Europe/Berlin", "09:00", None),
        ("Europe/Berlin", "9 am", "18:00"),
        ("Europe/Berlin", "09:00", "09:00"),
    ],
)
def test_a_window_we_cannot_read_holds_nothing(tz: str | None, start: str | None, end: str | None) -> None:
    now = berlin(5, 23).astimezone(UTC)

    assert next_contact_time(now, tz, start, end) == now


# ---------------------------------------------------------------- replies on the real database

SYSTEM = SystemActor("tests")
EVENING = berlin(5, 20)  # the customer writes
NIGHT = berlin(5, 23)  # the agent answers, three hours later
MORNING = berlin(6, 9)  # their window opens


@pytest.fixture
def agent(make: Factory) -> StaffActor:
    return StaffActor(make.staff(Role.SUPERVISOR, password=None).id, Role.SUPERVISOR, None)


def night_owl_case(db: Database, make: Factory, *, priority: Priority = Priority.NORMAL, **prefs: Any) -> int:
    """A case from a customer in Berlin who wants mail from 09:00 to 18:00, opened at 20:00 their time."""
    customer = make.customer()
    with db.unit_of_work() as s:
        found = s.get(Customer, customer.id)
        assert found is not None
        changes = {"timezone": "Europe/Berlin", "contact_window_start": "09:00", "contact_window_end": "18:00"}
        customers.update_customer(s, SYSTEM, found, PreferenceChanges(**{**changes, **prefs}))
    with clock.frozen(EVENING):
        return make.case(customer, priority=priority).id


def answer(db: Database, agent: StaffActor, number: int, at: datetime, **options: Any) -> dict[str, Any]:
    """Reply as `agent` at `at`; returns the entry's data and when its email may go."""
    with clock.frozen(at), db.unit_of_work() as s:
        entry = service.reply(s, agent, case_for(s, SYSTEM, number), "Your refund is on its way.", **options)
        s.flush()
        mail = s.scalar(select(OutboundMail).where(OutboundMail.entry_id == entry.id))
        assert mail is not None
        job = s.scalar(select(Job).where(Job.payload["outbound_id"].as_integer() == mail.id))
        assert job is not None
        return {"data": entry.data or {}, "run_after": job.run_after, "purpose": mail.purpose}


def test_a_reply_at_eleven_at_night_their_time_waits_for_their_window(
    db: Database, make: Factory, agent: StaffActor
) -> None:
    sent = answer(db, agent, night_owl_case(db, make), NIGHT)

    assert sent["run_after"] == MORNING.astimezone(UTC)
    assert sent["data"]["held_until"] == MORNING.astimezone(UTC).isoformat()


def test_inside_their_window_a_reply_goes_at_once(db: Database, make: Factory, agent: StaffActor) -> None:
    number = night_owl_case(db, make)

    sent = answer(db, agent, number, MORNING + timedelta(hours=1))

    assert sent["run_after"] == (MORNING + timedelta(hours=1)).astimezone(UTC)
    assert "held_until" not in sent["data"]


def test_an_urgent_case_is_answered_at_once(db: Database, make: Factory, agent: StaffActor) -> None:
    sent = answer(db, agent, night_owl_case(db, make, priority=Priority.URGENT), NIGHT)

    assert sent["run_after"] == NIGHT.astimezone(UTC)
    assert "held_until" not in sent["data"]


def test_send_now_goes_at_once(db: Database, make: Factory, agent: StaffActor) -> None:
    sent = answer(db, agent, night_owl_case(db, make), NIGHT, send_now=True)

    assert sent["run_after"] == NIGHT.astimezone(UTC)


def test_someone_who_just_wrote_is_awake_and_answered_at_once(db: Database, make: Factory, agent: StaffActor) -> None:
    number = night_owl_case(db, make)
    with clock.frozen(NIGHT - timedelta(minutes=10)), db.unit_of_work() as s:
        service.receive_message(s, CustomerActor(fetch_customer(db, number)), case_for(s, SYSTEM, number), "Any news?")

    sent = answer(db, agent, number, NIGHT)

    assert sent["run_after"] == NIGHT.astimezone(UTC)


def test_a_portal_reply_shows_at_once_and_only_its_notice_waits(db: Database, make: Factory, agent: StaffActor) -> None:
    number = night_owl_case(db, make, preferred_channel=Channel.PORTAL)

    sent = answer(db, agent, number, NIGHT, portal="http://testserver/portal")

    assert sent["purpose"] == "reply_notice"
    assert sent["run_after"] == MORNING.astimezone(UTC)
    with db.unit_of_work(write=False) as s:
        customer = CustomerActor(fetch_customer(db, number))
        public = [e.body for e in timeline(s, customer, case_for(s, customer, number)) if e.direction == "outbound"]
    assert public == ["Your refund is on its way."]  # on the portal now


def fetch_customer(db: Database, number: int) -> int:
    with db.unit_of_work(write=False) as s:
        return case_for(s, SYSTEM, number).customer_id
