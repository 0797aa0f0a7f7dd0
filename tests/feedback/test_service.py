"""Feedback against a real database (P15): marked on a case, routed from a survey, handled by whom it concerns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sameside.cases import events
from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import TimelineEntry
from sameside.cases.rules import EntryKind, EventType
from sameside.consults import service as consults
from sameside.db.engine import Database
from sameside.feedback import queries
from sameside.feedback import service as feedback
from sameside.feedback.models import Feedback
from sameside.feedback.rules import Concerns, FeedbackKind, FeedbackSource, FeedbackState
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import Conflict, Forbidden, Invalid
from sameside.kit.hours import parse_hours
from sameside.staff.models import Department, Notification, Team
from sameside.surveys import service as surveys
from sameside.surveys.rules import Via
from tests.factories import SYSTEM, Factory, Person
from tests.surveys.seed import answerable_survey

ALWAYS = parse_hours("Mon-Sun 00:00-23:59", "UTC")


def actor(person: Person, role: Role = Role.AGENT, department: Department | None = None) -> StaffActor:
    return StaffActor(person.id, role, person.team_id, department.id if department else None)


def first_message(db: Database, number: int) -> int:
    with db.unit_of_work(write=False) as s:
        return (
            s.scalars(
                select(TimelineEntry.id)
                .where(TimelineEntry.case_id == number, TimelineEntry.kind == EntryKind.MESSAGE)
                .order_by(TimelineEntry.id)
            ).first()
            or 0
        )


def mark(db: Database, who: StaffActor, number: int, entry_id: int, concerns: Concerns, **kw: object) -> int:
    with db.unit_of_work() as s:
        kind = kw.pop("kind", FeedbackKind.COMPLAINT)
        row = feedback.mark(s, who, case_for(s, who, number, for_update=True), entry_id, kind, concerns, **kw)  # type: ignore[arg-type]
        return row.id


def notices(db: Database, staff_id: int, kind: str) -> list[str]:
    with db.unit_of_work(write=False) as s:
        return list(
            s.scalars(
                select(Notification.text)
                .where(Notification.staff_id == staff_id, Notification.kind == kind)
                .order_by(Notification.id)
            )
        )


def test_a_complaint_marked_on_a_message_reaches_the_department_who_answers_the_agent(
    db: Database, make: Factory
) -> None:
    team, billing = make.team(), make.department()
    agent = make.staff(team=team, password=None)
    clerk = make.staff(department=billing, password=None)
    number = make.case(team=team, owner=agent, body="Billing charged me twice and nobody answers there.").id
    message = first_message(db, number)

    made = mark(db, actor(agent), number, message, Concerns(department_id=billing.id), note="Second time this month")

    with db.unit_of_work(write=False) as s:
        row = s.get(Feedback, made)
        assert row is not None and row.state is FeedbackState.NEW and row.source is FeedbackSource.CONVERSATION
        assert row.words == "Billing charged me twice and nobody answers there." and row.marked_by == agent.id
        last = s.scalars(
            select(TimelineEntry).where(TimelineEntry.case_id == number).order_by(TimelineEntry.id.desc())
        ).first()
        assert last is not None and last.event is EventType.FEEDBACK_MARKED and not last.is_public
        payload = events.payload_of(last)
        assert isinstance(payload, events.FeedbackMarked) and payload.feedback == "complaint"
        assert payload.concerns == billing.name and payload.note == "Second time this month"
    [told] = notices(db, clerk.id, "feedback")
    assert told.startswith(f"#{number}: A complaint about {billing.name}: “Billing charged me twice")

    clerk_actor = actor(clerk, department=billing)
    with db.unit_of_work(write=False) as s:
        [seen] = queries.inbox(s, clerk_actor)
        assert seen.feedback.id == made and seen.subject and seen.concerns == billing.name
        assert seen.marked_by is not None
        assert queries.inbox(s, actor(agent)) == []  # not the agent's team's to handle
        assert queries.waiting_count(s, clerk_actor) == 1
    with db.unit_of_work() as s:
        feedback.acknowledge(s, clerk_actor, made)
        feedback.acknowledge(s, clerk_actor, made)  # a second click changes nothing
    with db.unit_of_work() as s:
        done = feedback.answer(s, clerk_actor, made, "Refunded the second charge; we fixed the batch job.")
        assert done.state is FeedbackState.ANSWERED and done.answered_by == clerk.id
    [answered] = notices(db, agent.id, "feedback_answered")
    assert (
        answered
        == f"#{number}: {billing.name} answered your complaint: “Refunded the second charge; we fixed the batch job.”"
    )
    with db.unit_of_work() as s, pytest.raises(Conflict, match="answered already"):
        feedback.answer(s, clerk_actor, made, "Again.")
    with db.unit_of_work(write=False) as s:
        [mine] = queries.marked_by(s, agent.id)
        assert mine.feedback.answer and mine.answered_by is not None


def test_only_the_department_concerned_or_a_supervisor_handles_it(db: Database, make: Factory) -> None:
    team, billing, shipping = make.team(), make.department(), make.department()
    agent = make.staff(team=team, password=None)
    outsider = make.staff(department=shipping, password=None)
    boss = make.staff(Role.SUPERVISOR, password=None)
    number = make.case(team=team, owner=agent).id
    made = mark(db, actor(agent), number, first_message(db, number), Concerns(department_id=billing.id))
    with db.unit_of_work() as s, pytest.raises(Forbidden):
        feedback.answer(s, actor(outsider, department=shipping), made, "Not ours.")
    with db.unit_of_work() as s, pytest.raises(Forbidden):
        feedback.acknowledge(s, actor(agent), made)
    with db.unit_of_work(write=False) as s:
        assert [r.feedback.id for r in queries.inbox(s, actor(boss, Role.SUPERVISOR), department_id=billing.id)] == [
            made
        ]
        assert queries.inbox(s, actor(boss, Role.SUPERVISOR), department_id=shipping.id) == []
    with db.unit_of_work() as s:
        feedback.acknowledge(s, actor(boss, Role.SUPERVISOR), made)


def test_the_department_reads_a_restricted_teams_case_it_is_told_of(db: Database, make: Factory) -> None:
    team, billing = make.team(), make.department()
    with db.unit_of_work() as s:
        row = s.get(Team, team.id)
        assert row is not None
        row.restricted = True
    agent = make.staff(team=team, password=None)
    clerk = actor(make.staff(department=billing, password=None), department=billing)
    number = make.case(team=team, owner=agent).id
    with db.unit_of_work(write=False) as s, pytest.raises(Exception, match="no case"):
        case_for(s, clerk, number)
    mark(db, actor(agent), number, first_message(db, number), Concerns(department_id=billing.id))
    with db.unit_of_work(write=False) as s:
        assert case_for(s, clerk, number).id == number


def test_only_the_customers_own_words_are_feedback_and_only_who_works_the_case_marks(
    db: Database, make: Factory
) -> None:
    team, other = make.team(), make.team()
    agent = make.staff(team=team, password=None)
    stranger = make.staff(team=other, password=None)
    number = make.case(team=team, owner=agent).id
    with db.unit_of_work() as s:
        note = cases.add_note(s, actor(agent), case_for(s, SYSTEM, number), "Looks like the courier.")
        note_id = note.id
    with pytest.raises(Invalid, match="customer wrote"):
        mark(db, actor(agent), number, note_id, Concerns(team_id=other.id))
    with pytest.raises(Invalid, match="messages on this case"):
        mark(db, actor(agent), number, 10**9, Concerns(team_id=other.id))
    with pytest.raises(Forbidden):
        mark(db, actor(stranger), number, first_message(db, number), Concerns(team_id=team.id))


def test_a_survey_comment_reaches_the_team_that_had_the_case_and_a_low_score_is_a_complaint(
    db: Database, make: Factory
) -> None:
    surveys.listen(answered=feedback.from_survey)  # as wiring does
    team = make.team()
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    number = make.case(team=team).id
    survey_id = answerable_survey(make, number)
    with db.unit_of_work() as s:
        surveys.answer(
            s, survey_id, 2, "Three emails before anyone read my order number.", via=Via.EMAIL, customer=None
        )
    with db.unit_of_work(write=False) as s:
        [row] = queries.inbox(s, actor(boss, Role.SUPERVISOR), team_id=team.id)
        assert row.feedback.kind is FeedbackKind.COMPLAINT and row.feedback.source is FeedbackSource.SURVEY
        assert row.feedback.words == "Three emails before anyone read my order number." and row.marked_by is None
        assert surveys.get(s, survey_id).routed_at is not None
        first_id = row.feedback.id
    assert len(notices(db, boss.id, "feedback")) == 1
    with db.unit_of_work() as s:
        feedback.acknowledge(s, actor(boss, Role.SUPERVISOR), first_id)
        surveys.answer(s, survey_id, 5, "Sorted in the end, thank you!", via=Via.PORTAL, customer=None)
    with db.unit_of_work(write=False) as s:
        [again] = queries.inbox(s, actor(boss, Role.SUPERVISOR), team_id=team.id)
        assert again.feedback.id == first_id  # the same feedback, with the new words, new again
        assert again.feedback.kind is FeedbackKind.COMPLIMENT and again.feedback.state is FeedbackState.NEW
    quiet = make.case(team=team).id
    with db.unit_of_work() as s:
        surveys.answer(s, answerable_survey(make, quiet), 1, None, via=Via.EMAIL, customer=None)
    with db.unit_of_work(write=False) as s:
        assert queries.on_case(s, quiet) == []  # no comment, nothing to route


def test_a_departments_figures_are_its_consults_on_time_and_its_feedback_by_kind(db: Database, make: Factory) -> None:
    team, billing = make.team(), make.department()
    agent = make.staff(team=team, password=None)
    clerk = actor(make.staff(department=billing, password=None), department=billing)
    start = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
    with clock.frozen(start):
        numbers = [make.case(team=team, owner=agent).id for _ in range(3)]
        asked = []
        for number in numbers:
            with db.unit_of_work() as s:
                dept = s.get(Department, billing.id)
                assert dept is not None
                asked.append(consults.ask(s, actor(agent), case_for(s, SYSTEM, number), dept, "Refund?", ALWAYS).id)
    with clock.frozen(start + timedelta(hours=1)), db.unit_of_work() as s:
        consults.answer(s, clerk, asked[0], "Done.")  # in time (due within 8 hours)
    with clock.frozen(start + timedelta(hours=30)), db.unit_of_work() as s:
        consults.answer(s, clerk, asked[1], "Done, late.")
    with clock.frozen(start + timedelta(hours=31)):
        mark(db, actor(agent), numbers[0], first_message(db, numbers[0]), Concerns(department_id=billing.id))
        mark(
            db,
            actor(agent),
            numbers[1],
            first_message(db, numbers[1]),
            Concerns(department_id=billing.id),
            kind=FeedbackKind.COMPLIMENT,
        )
    with db.unit_of_work(write=False) as s:
        now = start + timedelta(days=2)
        seen = queries.figures(s, department_id=billing.id, now=now)
        assert (seen.consults_answered, seen.consults_on_time, seen.consults_open) == (2, 1, 1)
        assert seen.on_time_words == "50%" and seen.waiting == 2
        assert seen.by_kind == {FeedbackKind.COMPLIMENT: 1, FeedbackKind.COMPLAINT: 1, FeedbackKind.SUGGESTION: 0}
        later = queries.figures(s, department_id=billing.id, now=start + timedelta(days=40))
        assert later.consults_answered == 0 and later.on_time_words == "no consults answered"
        assert sum(later.by_kind.values()) == 0
