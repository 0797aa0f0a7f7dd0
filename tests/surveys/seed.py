"""Surveys for tests: a case resolved and considered at a given time, links signed with a test key."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta
from email.message import EmailMessage

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.customers.models import Customer
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.surveys import service as surveys
from sameside.surveys.links import Links
from sameside.surveys.models import Survey
from sameside.surveys.queries import for_case
from sameside.surveys.rules import SurveyState
from tests.factories import SYSTEM, Factory

KEY = b"survey-test-key"
LINKS = Links("http://testserver", KEY)


def resolved_case(make: Factory, customer: Customer, at: datetime, subject: str = "My kettle leaks") -> int:
    """A case of `customer`'s, opened and resolved at `at`."""
    with clock.frozen(at):
        number = make.case(customer, subject=subject).id
        with make.db.unit_of_work() as s:
            cases.resolve(s, SYSTEM, case_for(s, SYSTEM, number))
    return number


def considered(db: Database, at: datetime, links: Links = LINKS) -> int:
    """Run the survey chore at `at`; how many cases it considered."""
    with clock.frozen(at), db.unit_of_work() as s:
        return surveys.consider_due(s, links)


def survey_of(db: Database, number: int) -> Survey | None:
    with db.unit_of_work(write=False) as s:
        found = for_case(s, number)
        if found is not None:
            s.expunge(found)  # kept as read, for the test to look at after the transaction
        return found


def sent_survey(make: Factory, customer: Customer, at: datetime, links: Links = LINKS) -> Survey:
    """A survey sent on a fresh case of the customer's, an hour and a bit after it was resolved at `at`."""
    number = resolved_case(make, customer, at)
    considered(make.db, at + timedelta(minutes=61), links)
    found = survey_of(make.db, number)
    assert found is not None
    return found


def plain_text(raw: bytes) -> str:
    """The text/plain part of a composed message, decoded."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def answerable_survey(make: Factory, number: int) -> int:
    """A survey sent just now on case `number`, open for a month (whatever the customer's other cases)."""
    now = clock.now()
    with make.db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        survey = Survey(
            case_id=number,
            customer_id=case.customer_id,
            team_id=case.team_id,
            state=SurveyState.SENT,
            sent_at=now,
            expires_at=now + timedelta(days=30),
            answers=0,
        )
        s.add(survey)
        s.flush()
        return survey.id
