"""The automatic acknowledgement (P1): a person will answer, the honest wait, and how to reach a person now."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from sameside import wiring
from sameside.business import service as business
from sameside.business.rules import week_from_spec
from sameside.cases import service
from sameside.cases.access import case_for
from sameside.cases.replies.mailing import Reach
from sameside.config import Settings
from sameside.customers import service as customers
from sameside.customers.rules import IdentityKind
from sameside.customers.service import PreferenceChanges
from sameside.db.engine import Database
from sameside.jobs.models import Job
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.kit.hours import parse_hours
from sameside.mail import outbox
from sameside.mail.blobs import BlobStore
from sameside.mailboxes.filing import Intake
from sameside.staff.models import Team
from tests.factories import Factory
from tests.mailboxes.test_pipeline import CUSTOMER, SUPPORT, case_rows, headers_of, message, outbound, take

SYSTEM = SystemActor("tests")
HOURS = parse_hours("Mon-Fri 09:00-17:00", "Europe/Berlin")
WEDNESDAY_NOON = datetime(2031, 3, 5, 12, 0, tzinfo=HOURS.zone)
SATURDAY = datetime(2031, 3, 8, 11, 0, tzinfo=HOURS.zone)
PORTAL = "https://help.acme.example/portal"


@pytest.fixture
def mail_config() -> Iterator[None]:
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="acme.example", from_address=SUPPORT, from_name="Acme Support"))
    yield
    outbox.configure(saved)


@pytest.fixture
def team(make: Factory) -> Team:
    return make.team("support", email=SUPPORT)


@pytest.fixture(autouse=True)
def business_environment() -> Iterator[None]:
    saved = business.environment()
    yield
    business.with_environment(**{f.name: getattr(saved, f.name) for f in fields(saved) if f.init})


def intake_with(db: Database, tmp_path: Path, reach: Reach | None = None) -> Intake:
    """An intake whose acknowledgements offer `reach`: its phone and hours are the business's, as in production
    (the environment's here, as until an admin saves them), its portal and chat the intake's own."""
    reach = reach or Reach()
    week = week_from_spec("Mon-Fri 09:00-17:00", reach.hours.zone.key) if reach.hours else {}
    business.with_environment(
        support_phone=reach.phone, **({"week": week, "timezone": reach.hours.zone.key} if reach.hours else {})
    )
    return Intake(db, BlobStore(tmp_path / "blobs"), reach=reach)


def acknowledgement(db: Database) -> str:
    [ack] = [m for m in outbound(db) if m.purpose == "acknowledgement"]
    body = headers_of(ack.raw or b"").get_body(("plain",))
    assert body is not None
    return " ".join(str(body.get_content()).split())  # one line: sentences may wrap


def history(db: Database, make: Factory, team: Team, *minutes: int, still_waiting: int = 0) -> None:
    """Cases of the team from the day before: answered after `minutes`, and some never answered yet."""
    person = StaffActor(make.staff(Role.SUPERVISOR, password=None).id, Role.SUPERVISOR, None)
    opened = WEDNESDAY_NOON - timedelta(days=1)
    for wait in minutes:
        with clock.frozen(opened):
            number = make.case(team=team).id
        with clock.frozen(opened + timedelta(minutes=wait)), db.unit_of_work() as s:
            service.reply(s, person, case_for(s, SYSTEM, number), "Hello, I am on it.")
    for _ in range(still_waiting):
        with clock.frozen(opened):
            make.case(team=team)


pytestmark = pytest.mark.usefixtures("mail_config")


def test_it_names_the_case_says_a_person_answers_and_does_not_invent_a_wait(
    db: Database, tmp_path: Path, team: Team
) -> None:
    with clock.frozen(WEDNESDAY_NOON):
        take(intake_with(db, tmp_path), message())

    text = acknowledgement(db)
    [case] = case_rows(db)
    assert f"case #{case.id}" in text
    assert "A person on our team — not a bot — will read it and write back to you." in text
    assert "We do not have enough recent history to promise you a time, so we will not guess" in text
    assert not re.search(r"within \d", text)
    assert text.startswith("Hello Dana Reyes,")


def test_it_states_the_teams_real_wait_lately(db: Database, tmp_path: Path, make: Factory, team: Team) -> None:
    history(db, make, team, *range(20, 120, 10))  # 20 … 110 minutes
    other = make.team("billing", email="billing@acme.example")
    history(db, make, other, *([5] * 10))  # another team's quick answers are not ours

    with clock.frozen(WEDNESDAY_NOON):
        take(intake_with(db, tmp_path, Reach(hours=HOURS)), message())

    text = acknowledgement(db)
    assert (
        "Lately, half of the people who wrote to us had a person's answer within an hour, "
        "and four in five within 2 hours." in text
    )
    assert "nights and weekends" in text
    assert "away right now" not in text  # people are in


def test_when_we_are_behind_it_says_so_instead_of_a_number(
    db: Database, tmp_path: Path, make: Factory, team: Team
) -> None:
    history(db, make, team, 10, 15, 20, still_waiting=8)

    with clock.frozen(WEDNESDAY_NOON):
        take(intake_with(db, tmp_path), message())

    text = acknowledgement(db)
    assert "We are behind right now: 9 of the last 12 requests to us are still waiting for a person" in text
    assert "the longest for over 24 hours" in text
    assert "within" not in text


def test_outside_business_hours_it_says_when_people_are_in_also_in_their_time(
    db: Database, tmp_path: Path, make: Factory, team: Team
) -> None:
    customer = make.customer(CUSTOMER, name="Dana Reyes")
    with db.unit_of_work() as s:
        fresh = customers.find_or_create(s, kind=IdentityKind.EMAIL, value=CUSTOMER)[0]
        customers.update_customer(
            s, SYSTEM, fresh, PreferenceChanges(timezone="America/New_York", form_of_address="Dr. Reyes")
        )
    assert customer.id == fresh.id

    with clock.frozen(SATURDAY):
        take(intake_with(db, tmp_path, Reach(hours=HOURS)), message())

    text = acknowledgement(db)
    assert text.startswith("Dear Dr. Reyes,")
    assert "Our team is away right now and in from Monday 09:00 (Europe/Berlin), Monday 04:00 your time." in text


def test_it_offers_a_person_now_by_phone_a_booked_call_and_chat(db: Database, tmp_path: Path, team: Team) -> None:
    reach = Reach(portal=PORTAL, phone="+49 30 1234 5678", hours=HOURS, chat="https://acme.example/help")

    with clock.frozen(WEDNESDAY_NOON):
        take(intake_with(db, tmp_path, reach), message())

    text = acknowledgement(db)
    [case] = case_rows(db)
    assert "Need a person sooner?" in text
    assert "Call us on +49 30 1234 5678 (Mon–Fri 09:00–17:00, Europe/Berlin)." in text
    assert f"Book a call at a time that suits you: {PORTAL}/cases/{case.id}/callback" in text
    assert "Chat with us live: https://acme.example/help" in text


def test_without_a_phone_or_portal_it_offers_only_what_exists(db: Database, tmp_path: Path, team: Team) -> None:
    with clock.frozen(WEDNESDAY_NOON):
        take(intake_with(db, tmp_path), message())

    text = acknowledgement(db)
    assert "Need a person sooner?" not in text
    assert "reply to this email: it joins the same case" in text


def test_it_goes_at_once_even_at_night_in_the_customers_contact_window(
    db: Database, tmp_path: Path, make: Factory, team: Team
) -> None:
    make.customer(CUSTOMER, name="Dana Reyes")
    with db.unit_of_work() as s:
        dana = customers.find_or_create(s, kind=IdentityKind.EMAIL, value=CUSTOMER)[0]
        customers.update_customer(
            s,
            SYSTEM,
            dana,
            PreferenceChanges(timezone="Europe/Berlin", contact_window_start="09:00", contact_window_end="18:00"),
        )
    night = datetime(2031, 3, 5, 23, 0, tzinfo=HOURS.zone)

    with clock.frozen(night):
        take(intake_with(db, tmp_path), message())

    with db.unit_of_work(write=False) as s:
        [job] = s.scalars(select(Job)).all()
        assert job.run_after == night.astimezone(UTC)  # they just wrote to us: they are awake


def test_the_server_builds_its_intake_with_the_ways_to_reach_a_person_from_settings(
    db: Database, tmp_path: Path, team: Team
) -> None:
    settings = Settings(
        database_url=db.url.render_as_string(hide_password=False),
        data_dir=tmp_path,
        base_url="https://help.acme.example/",
        support_phone="+49 30 1234 5678",
        support_chat_url="https://acme.example/help",
        business_hours="Mon-Fri 09:00-17:00",
        business_timezone="Europe/Berlin",
    )
    business.configure(settings)  # as `wiring.wire` does at start-up: the phone and hours are the business's
    with clock.frozen(WEDNESDAY_NOON):
        take(wiring.intake(db, settings), message())

    text = acknowledgement(db)
    [case] = case_rows(db)
    assert "Call us on +49 30 1234 5678 (Mon–Fri 09:00–17:00, Europe/Berlin)." in text
    assert f"{PORTAL}/cases/{case.id}/callback" in text
    assert "Chat with us live: https://acme.example/help" in text
