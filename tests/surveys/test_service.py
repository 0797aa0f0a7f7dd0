"""Surveys and the contact policy on a real database: when a survey goes, when it is skipped and why, answers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from sameside.cases import events
from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import TimelineEntry
from sameside.cases.rules import EventType
from sameside.contact import service as contact
from sameside.contact.models import ContactRecord
from sameside.contact.rules import Policy
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor
from sameside.kit.errors import Conflict, NotFound
from sameside.mail.models import OutboundMail
from sameside.offers import service as offers
from sameside.offers.rules import OptionSpec
from sameside.surveys import queries
from sameside.surveys import service as surveys
from sameside.surveys.rules import Skip, SurveyState, Via
from tests.factories import SYSTEM, Factory
from tests.surveys.seed import considered, plain_text, resolved_case, sent_survey, survey_of

T = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)


def _events(make: Factory, number: int, kind: EventType) -> list[events.EventPayload | None]:
    with make.db.unit_of_work(write=False) as s:
        rows = s.scalars(select(TimelineEntry).where(TimelineEntry.case_id == number, TimelineEntry.event == kind))
        return [events.payload_of(r) for r in rows]


def test_a_survey_goes_an_hour_after_resolution_with_a_link_per_answer(make: Factory) -> None:
    customer = make.customer("ana@example.com", name="Ana Silva")
    number = resolved_case(make, customer, T)
    assert considered(make.db, T + timedelta(minutes=59)) == 0  # not yet: a reopen may still come
    assert considered(make.db, T + timedelta(minutes=61)) == 1
    survey = survey_of(make.db, number)
    assert survey is not None and survey.state is SurveyState.SENT and survey.sent_at == T + timedelta(minutes=61)
    with make.db.unit_of_work(write=False) as s:
        mail = s.get(OutboundMail, survey.outbound_id)
        assert mail is not None and mail.purpose == "survey" and mail.recipient == "ana@example.com"
        text = plain_text(mail.raw or b"")
    assert "how well did we solve it?" in text
    assert sorted(re.findall(rf"/surveys/{survey.id}/([1-5])\?expires=", text)) == ["1", "2", "3", "4", "5"]
    [sent] = _events(make, number, EventType.SURVEY_SENT)
    assert isinstance(sent, events.SurveySent) and sent.survey_id == survey.id
    assert considered(make.db, T + timedelta(minutes=90)) == 0  # once per case


def test_a_quick_reopen_cancels_the_survey(make: Factory) -> None:
    number = resolved_case(make, make.customer(), T)
    with clock.frozen(T + timedelta(minutes=20)), make.db.unit_of_work() as s:
        cases.reopen(s, SYSTEM, case_for(s, SYSTEM, number))
    assert considered(make.db, T + timedelta(minutes=61)) == 0
    assert survey_of(make.db, number) is None


def test_never_while_another_case_of_theirs_is_open(make: Factory) -> None:
    customer = make.customer()
    still_open = make.case(customer, subject="And my toaster").id
    number = resolved_case(make, customer, T)
    considered(make.db, T + timedelta(minutes=61))
    survey = survey_of(make.db, number)
    assert survey is not None and survey.state is SurveyState.SKIPPED and survey.skipped is Skip.OTHER_OPEN
    assert f"#{still_open}" in (survey.reason or "")
    [held] = _events(make, number, EventType.CONTACT_HELD)
    assert isinstance(held, events.ContactHeld) and held.purpose == "survey" and held.reason == survey.reason
    with make.db.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(OutboundMail).where(OutboundMail.purpose == "survey")) == 0


def test_at_most_one_survey_per_customer_in_thirty_days(make: Factory) -> None:
    customer = make.customer()
    first = sent_survey(make, customer, T)
    assert first.state is SurveyState.SENT
    second = resolved_case(make, customer, T + timedelta(days=9))
    considered(make.db, T + timedelta(days=9, minutes=61))
    skipped = survey_of(make.db, second)
    assert skipped is not None and skipped.skipped is Skip.RECENT
    assert skipped.reason == "one was sent last week (at most one every 30 days)"
    third = resolved_case(make, customer, T + timedelta(days=31))
    considered(make.db, T + timedelta(days=31, minutes=61))
    again = survey_of(make.db, third)
    assert again is not None and again.state is SurveyState.SENT


def test_the_interval_and_the_delay_are_the_admins_to_set(make: Factory) -> None:
    with make.db.unit_of_work() as s:
        contact.change_policy(s, SYSTEM, Policy(survey_interval_days=5, survey_delay_minutes=10))
    customer = make.customer()
    sent_survey(make, customer, T)
    number = resolved_case(make, customer, T + timedelta(days=6))
    assert considered(make.db, T + timedelta(days=6, minutes=11)) == 1
    survey = survey_of(make.db, number)
    assert survey is not None and survey.state is SurveyState.SENT


def test_the_cap_counts_non_essential_messages_across_all_cases(make: Factory) -> None:
    with make.db.unit_of_work() as s:
        contact.change_policy(s, SYSTEM, Policy(cap=1, period_days=7))
    customer = make.customer()
    one, two = make.case(customer).id, make.case(customer).id
    with clock.frozen(T), make.db.unit_of_work() as s:
        assert contact.ask(s, customer.id, "reminder", case_id=one).allowed
    with clock.frozen(T + timedelta(days=1)), make.db.unit_of_work() as s:
        held = contact.ask(s, customer.id, "reminder", case_id=two)
    assert not held.allowed and held.reason is not None and "(at most 1)" in held.reason
    with make.db.unit_of_work() as s:
        cases.resolve(s, SYSTEM, case_for(s, SYSTEM, one))
        cases.resolve(s, SYSTEM, case_for(s, SYSTEM, two))
    number = resolved_case(make, customer, T + timedelta(days=2))
    considered(make.db, T + timedelta(days=2, minutes=61))
    survey = survey_of(make.db, number)
    assert survey is not None and survey.skipped is Skip.CAPPED
    with make.db.unit_of_work(write=False) as s:
        rows = s.execute(
            select(ContactRecord.purpose, ContactRecord.allowed)
            .where(ContactRecord.customer_id == customer.id)
            .order_by(ContactRecord.id)
        ).all()
    assert [tuple(r) for r in rows] == [("reminder", True), ("reminder", False), ("survey", False)]
    # A week after the first, the cap has room again.
    with clock.frozen(T + timedelta(days=8)), make.db.unit_of_work() as s:
        assert contact.ask(s, customer.id, "reminder").allowed


def test_essential_messages_are_never_capped_nor_recorded(make: Factory) -> None:
    with make.db.unit_of_work() as s:
        contact.change_policy(s, SYSTEM, Policy(cap=0))
    customer = make.customer()
    with make.db.unit_of_work() as s:
        for purpose in ("reply", "magic_link", "incident_notice", "security"):
            assert contact.ask(s, customer.id, purpose).allowed
        assert not contact.ask(s, customer.id, "survey").allowed
        assert s.scalar(select(func.count()).select_from(ContactRecord)) == 1


def test_a_customer_who_said_no_to_surveys_gets_none(make: Factory) -> None:
    customer = make.customer()
    with make.db.unit_of_work() as s:
        contact.choose_surveys(s, CustomerActor(customer.id), customer.id, wanted=False)
    number = resolved_case(make, customer, T)
    considered(make.db, T + timedelta(minutes=61))
    survey = survey_of(make.db, number)
    assert survey is not None and survey.skipped is Skip.OPTED_OUT


def test_an_offer_reminder_held_by_the_cap_is_said_on_the_case(make: Factory) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team)
    customer = make.customer()
    number = make.case(customer, team=team, owner=agent).id
    with make.db.unit_of_work() as s:
        contact.change_policy(s, SYSTEM, Policy(cap=0))
        actor = StaffActor(agent.id, Role.AGENT, team.id)
        made = offers.make(
            s, actor, case_for(s, SYSTEM, number), [OptionSpec("Repair"), OptionSpec("Refund")], links=lambda o, p: "x"
        )
        warn_at = made.warn_at
    with make.db.unit_of_work() as s:
        assert offers.settle_due(s, warn_at + timedelta(minutes=1)) == 1
    [held] = _events(make, number, EventType.CONTACT_HELD)
    assert isinstance(held, events.ContactHeld) and held.purpose == "reminder" and "(none allowed)" in held.reason
    with make.db.unit_of_work(write=False) as s:
        bodies = s.scalars(select(TimelineEntry.body).where(TimelineEntry.case_id == number)).all()
    assert not any("A reminder" in (b or "") for b in bodies)


def test_answering_twice_replaces_the_answer_and_a_double_click_records_nothing(make: Factory) -> None:
    customer = make.customer()
    survey = sent_survey(make, customer, T)
    for score, comment in ((3, "Slow, but sorted"), (5, "Actually, brilliant"), (5, "Actually, brilliant")):
        with make.db.unit_of_work() as s:
            surveys.answer(s, survey.id, score, comment, via=Via.EMAIL, customer=None)
    with make.db.unit_of_work(write=False) as s:
        found = queries.for_case(s, survey.case_id)
        assert found is not None
        assert (found.state, found.score, found.comment, found.answers) == (
            SurveyState.ANSWERED,
            5,
            "Actually, brilliant",
            2,
        )
    answered = _events(make, survey.case_id, EventType.SURVEY_ANSWERED)
    assert [(a.score, a.previous) for a in answered if isinstance(a, events.SurveyAnswered)] == [(3, None), (5, 3)]


def test_an_answer_is_refused_when_closed_skipped_or_not_theirs(make: Factory) -> None:
    customer, stranger = make.customer(), make.customer()
    survey = sent_survey(make, customer, T)
    with pytest.raises(NotFound), make.db.unit_of_work() as s:
        surveys.answer(s, survey.id, 4, None, via=Via.PORTAL, customer=CustomerActor(stranger.id))
    assert survey.expires_at is not None
    with pytest.raises(Conflict), clock.frozen(survey.expires_at), make.db.unit_of_work() as s:
        surveys.answer(s, survey.id, 4, None, via=Via.PORTAL, customer=CustomerActor(customer.id))
    make.case(customer)  # open: the next survey is skipped
    number = resolved_case(make, customer, T + timedelta(days=40))
    considered(make.db, T + timedelta(days=40, minutes=61))
    skipped = survey_of(make.db, number)
    assert skipped is not None
    with pytest.raises(NotFound), make.db.unit_of_work() as s:
        surveys.answer(s, skipped.id, 4, None, via=Via.PORTAL, customer=CustomerActor(customer.id))


def test_the_figures_csat_and_surveys_per_customer(make: Factory) -> None:
    ana, ben = make.customer(), make.customer()
    for customer, score in ((ana, 5), (ben, 2)):
        survey = sent_survey(make, customer, T)
        with clock.frozen(T + timedelta(hours=3)), make.db.unit_of_work() as s:
            surveys.answer(s, survey.id, score, None, via=Via.EMAIL, customer=None)
    with make.db.unit_of_work(write=False) as s:
        found = queries.csat(s, since=T, until=T + timedelta(days=1))
        load = queries.survey_load(s, until=T + timedelta(days=1))
    assert (found.answered, found.satisfied, found.share, found.by_score) == (2, 1, 0.5, {5: 1, 2: 1})
    assert (load.surveys, load.customers, load.per_customer, load.most) == (2, 2, 1.0, 1)
