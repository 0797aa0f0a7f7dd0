"""Notifications that reach people: who is told of an assignment, a transfer, a consult's answer and a breach
coming, where each links, what the live page hears, and the email those who chose it get through the worker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from sameside.cases import rules as case_rules
from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.config import Settings
from sameside.consults import service as consults
from sameside.db.engine import Database
from sameside.jobs.models import Job
from sameside.jobs.run import Provided
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.kit.errors import Invalid
from sameside.kit.events import Event, bus
from sameside.kit.hours import parse_hours
from sameside.mail import outbox
from sameside.mail.models import OutboundMail
from sameside.staff import notifications as notices
from sameside.staff.models import Department, Notification, Staff, Team
from sameside.worker.runner import Runner
from tests.factories import Factory, Person
from tests.support import mail_text

SYSTEM = SystemActor("tests")
ALWAYS = parse_hours("Mon-Sun 00:00-23:59", "UTC")
BRIEF = case_rules.HandoffBrief(problem="Charged twice", tried="Checked", promised="A refund", feeling="Calm")


def actor(person: Person, role: Role = Role.AGENT) -> StaffActor:
    return StaffActor(person.id, role, person.team_id)


def told(db: Database, kind: str) -> list[tuple[int, str, str]]:
    """(staff id, text, link) of each notification of `kind`, oldest first."""
    with db.unit_of_work(write=False) as s:
        rows = s.scalars(select(Notification).where(Notification.kind == kind).order_by(Notification.id))
        return [(n.staff_id, n.text, notices.link_of(n)) for n in rows]


@pytest.fixture
def heard() -> Iterator[list[Event]]:
    saved = {name: list(handlers) for name, handlers in bus._handlers.items()}
    seen: list[Event] = []
    bus.subscribe("staff.notified", seen.append)
    yield seen
    bus._handlers.clear()
    bus._handlers.update(saved)


def test_a_colleague_assigning_you_a_case_tells_you_and_taking_it_yourself_does_not(
    db: Database, make: Factory, heard: list[Event]
) -> None:
    team = make.team()
    lead = make.staff(Role.SUPERVISOR, team=team, password=None)
    dana = make.staff(team=team, password=None)
    number = make.case(team=team, subject="Parcel lost in transit").id  # no owner yet
    with db.unit_of_work() as s:
        cases.assign(s, actor(dana), case_for(s, SYSTEM, number), s.get(Staff, dana.id))  # she takes it herself
    assert told(db, "assigned") == []

    with db.unit_of_work() as s:
        cases.assign(s, actor(lead, Role.SUPERVISOR), case_for(s, SYSTEM, number), None)
        cases.assign(s, actor(lead, Role.SUPERVISOR), case_for(s, SYSTEM, number), s.get(Staff, dana.id))
    [(whom, text, link)] = told(db, "assigned")
    assert whom == dana.id and link == f"/desk/cases/{number}"
    with db.unit_of_work(write=False) as s:
        lead_name = s.get(Staff, lead.id).name  # type: ignore[union-attr]
    assert text == f"#{number} Parcel lost in transit: {lead_name} assigned it to you."
    # The live page hears it in words, with a link that opens it (and marks it read).
    [event] = [e for e in heard if e.data["kind"] == "assigned"]
    assert event.data["staff_id"] == dana.id and event.data["text"] == text
    assert event.data["url"].startswith("/desk/notifications/") and event.data["url"].endswith("/open")


def test_the_receiver_of_a_transfer_is_told_the_owner_or_else_the_teams_supervisors(
    db: Database, make: Factory
) -> None:
    support, billing = make.team(), make.team()
    owner = make.staff(team=support, password=None)
    eli = make.staff(team=billing, password=None)
    billing_lead = make.staff(Role.SUPERVISOR, team=billing, password=None)
    to_person = make.case(team=support, owner=owner, subject="Charged twice").id
    to_team = make.case(team=support, owner=owner, subject="Invoice address").id

    with db.unit_of_work() as s:
        cases.transfer(
            s,
            actor(owner),
            case_for(s, SYSTEM, to_person),
            brief=BRIEF,
            team=s.get(Team, billing.id),
            owner=s.get(Staff, eli.id),
        )
        cases.transfer(s, actor(owner), case_for(s, SYSTEM, to_team), brief=BRIEF, team=s.get(Team, billing.id))

    received = told(db, "transferred")
    assert [(whom, link) for whom, _, link in received] == [
        (eli.id, f"/desk/cases/{to_person}"),
        (billing_lead.id, f"/desk/cases/{to_team}"),
    ]
    assert "transferred it to you" in received[0][1] and "transferred it to your team" in received[1][1]
    assert owner.id not in {whom for whom, _, _ in received}  # the one who sent it is not told


def test_a_consult_answered_tells_the_owner_the_answers_first_line_cut_at_a_word(db: Database, make: Factory) -> None:
    team, shipping = make.team(), make.department()
    owner = make.staff(team=team, password=None)
    clerk = make.staff(department=shipping, password=None)
    number = make.case(team=team, owner=owner).id
    answer = (
        "The parcel left our depot this morning with DHL and should reach the customer by Thursday at the latest, "
        "tracking JD0123456789 works from tonight, and the driver calls ahead\nSecond line with details."
    )
    with db.unit_of_work() as s:
        department = s.get(Department, shipping.id)
        assert department is not None
        consult = consults.ask(s, actor(owner), case_for(s, SYSTEM, number), department, "Where is it?", ALWAYS)
    with db.unit_of_work() as s:
        consults.answer(s, StaffActor(clerk.id, Role.AGENT, None, shipping.id), consult.id, answer)

    [(whom, text, link)] = told(db, "consult_answered")
    assert whom == owner.id and link == f"/desk/cases/{number}"
    assert "The parcel left our depot this morning" in text and "Where is it?" not in text
    assert "Second line" not in text
    quoted = text.split("“", 1)[1]
    assert quoted.endswith("…”") and quoted[:-2].split()[-1] in answer.split()  # a whole word before the cut


def test_a_breach_coming_warns_the_people_named_with_the_time_left(db: Database, make: Factory) -> None:
    team = make.team()
    owner = make.staff(team=team, password=None)
    lead = make.staff(Role.SUPERVISOR, team=team, password=None)
    number = make.case(team=team, owner=owner, subject="No reply yet").id
    with clock.frozen(clock.now()), db.unit_of_work() as s:
        made = notices.notify_breach_coming(
            s,
            case_id=number,
            subject="No reply yet",
            staff_ids=[owner.id, lead.id, owner.id, None],
            due_at=clock.now() + timedelta(minutes=25),
            what="The first reply",
        )
    assert len(made) == 2
    warned = told(db, "service_level_due")
    assert [whom for whom, _, _ in warned] == [owner.id, lead.id]
    assert warned[0][1] == f"#{number} No reply yet: The first reply is due in 25 min."


def test_a_link_elsewhere_is_refused(db: Database, make: Factory) -> None:
    dana = make.staff(password=None)
    with db.unit_of_work() as s, pytest.raises(Invalid, match="page of this site"):
        notices.notify(s, [dana.id], kind="assigned", text="x", url="//evil.example/")
    with db.unit_of_work() as s:
        [row] = notices.notify(s, [dana.id], kind="consult_overdue", text="late", url="/desk/department")
        assert notices.link_of(row) == "/desk/department"


def test_email_only_for_the_kinds_chosen_through_the_worker_and_the_outbox(
    db: Database, make: Factory, settings: Settings
) -> None:
    team = make.team()
    lead = make.staff(Role.SUPERVISOR, team=team, password=None)
    dana = make.staff(team=team, password=None, email="dana@desk.example")
    eli = make.staff(team=team, password=None)
    with db.unit_of_work() as s:
        assert notices.set_email_kinds(s, actor(dana), ["transferred", "assigned", "assigned"]) == [
            "assigned",
            "transferred",
        ]
        with pytest.raises(Invalid, match="'sometimes' is not a kind"):
            notices.set_email_kinds(s, actor(eli), ["sometimes"])
    with db.unit_of_work(write=False) as s:
        assert notices.email_kinds(s, dana.id) == ["assigned", "transferred"]
        assert notices.email_kinds(s, eli.id) == []

    first, second = make.case(team=team, subject="Broken kettle").id, make.case(team=team).id
    with db.unit_of_work() as s:
        cases.assign(s, actor(lead, Role.SUPERVISOR), case_for(s, SYSTEM, first), s.get(Staff, dana.id))
        cases.assign(s, actor(lead, Role.SUPERVISOR), case_for(s, SYSTEM, second), s.get(Staff, eli.id))
    with db.unit_of_work(write=False) as s:
        jobs = s.scalars(select(Job).where(Job.kind == notices.EMAIL_TASK)).all()
        assert len(jobs) == 1  # Eli chose nothing: the desk only

    runner = Runner(db, settings.model_copy(update={"base_url": "https://help.example.com"}), Provided())
    assert runner.run_next([notices.EMAIL_TASK])
    assert not runner.run_next([notices.EMAIL_TASK])
    with db.unit_of_work(write=False) as s:
        [mail] = s.scalars(select(OutboundMail).where(OutboundMail.purpose == "notification")).all()
        assert mail.recipient == "dana@desk.example" and mail.case_id is None  # never threaded to the customer
        assert mail.sender == outbox.config().from_address
        text = mail_text(mail.raw or b"")
        [notification_id] = s.scalars(select(Notification.id).where(Notification.staff_id == dana.id)).all()
        # The outbox's own delivery job hands it to the transport the settings choose.
        assert s.scalars(select(Job).where(Job.kind == outbox.DELIVER, Job.state == "pending")).all()
    assert "Broken kettle" in text and "assigned it to you" in text
    assert f"https://help.example.com/desk/notifications/{notification_id}/open" in text


def test_no_email_when_the_choice_changed_before_the_worker_came(
    db: Database, make: Factory, settings: Settings
) -> None:
    team = make.team()
    lead = make.staff(Role.SUPERVISOR, team=team, password=None)
    dana = make.staff(team=team, password=None)
    with db.unit_of_work() as s:
        notices.set_email_kinds(s, actor(dana), ["assigned"])
    number = make.case(team=team).id
    with db.unit_of_work() as s:
        cases.assign(s, actor(lead, Role.SUPERVISOR), case_for(s, SYSTEM, number), s.get(Staff, dana.id))
        notices.set_email_kinds(s, actor(dana), [])
    assert Runner(db, settings, Provided()).run_next([notices.EMAIL_TASK])
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(OutboundMail).where(OutboundMail.purpose == "notification")).all() == []
