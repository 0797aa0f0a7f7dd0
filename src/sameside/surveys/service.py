"""Surveys as verbs: consider a resolved case for one (send it, or skip it and say why), and record an answer.

Never commits. The worker's chore (`tasks`) calls `consider_due` a while
after resolutions; everything for one case — the survey row, the email on
the outbox, the timeline event, the contact policy's record — is written in
the chore's transaction, so all of it happens or none of it.

The survey goes by email whatever channel the customer prefers (it is a
question with links, which only email carries to them), within their
contact window, threaded onto the case's mail. It is answerable from the
email (a page each link opens; only its POST records) and on the case's
page in the portal, until `expires_at`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, joinedload

from sameside.business import service as business
from sameside.cases import events, timeline
from sameside.cases import rules as case_rules
from sameside.cases.access import scope_of
from sameside.cases.models import Case
from sameside.cases.replies import mailing
from sameside.cases.replies import rules as outgoing
from sameside.contact import service as contact
from sameside.customers.models import Customer
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, SystemActor
from sameside.kit.errors import Conflict, NotFound
from sameside.kit.events import publish
from sameside.mail import outbox
from sameside.mail.compose import sendable
from sameside.mail.threads import reply_subject
from sameside.surveys import queries, rules
from sameside.surveys.links import Links
from sameside.surveys.models import Survey
from sameside.surveys.rules import Skip, SurveyState, Via

SOFTWARE = SystemActor("surveys")
PURPOSE = "survey"

Answered = Callable[[Session, Survey, Case], object]
"""Told of each answer recorded, in its transaction: feedback routes the comment to whom it concerns (P15)."""
_answered: list[Answered] = []


def listen(*, answered: Answered) -> None:
    """Register a listener for recorded answers (`wiring`); registering the same one again changes nothing."""
    if answered not in _answered:
        _answered.append(answered)


def consider_due(session: Session, links: Links, *, now: datetime | None = None, batch: int = 50) -> int:
    """Consider every case now due a survey (a batch); returns how many were considered."""
    now = now or clock.now()
    policy = contact.policy(session)
    cases = queries.due(session, policy, now=now, batch=batch)
    for case in cases:
        consider(session, case, links, now=now)
    return len(cases)


def consider(session: Session, case: Case, links: Links, *, now: datetime | None = None) -> Survey:
    """Send the case's survey, or skip it with the reason (on the survey and the timeline). Once per case."""
    if queries.for_case(session, case.id) is not None:
        raise Conflict(f"Case #{case.id} has had its survey considered already.")
    now = now or clock.now()
    policy = contact.policy(session)
    customer = session.get(Customer, case.customer_id)
    assert customer is not None  # a case's customer is never deleted before it
    address = mailing.email_address_of(session, customer.id)
    last = queries.last_sent(session, customer.id)
    survey = Survey(
        case_id=case.id,
        customer_id=customer.id,
        team_id=case.team_id,
        owner_id=case.owner_id,
        state=SurveyState.SKIPPED,
        answers=0,
        created_at=now,
    )
    session.add(survey)
    session.flush()
    held = rules.why_not(
        policy=policy,
        wants_surveys=contact.wants_surveys(session, customer.id),
        other_open=queries.other_open(session, customer.id, case.id),
        last_sent_at=last.sent_at if last is not None else None,
        has_address=address is not None and sendable(address),
        now=now,
    )
    if held is None:
        verdict = contact.ask(session, customer.id, PURPOSE, case_id=case.id, now=now)
        if not verdict.allowed:
            held = (Skip.CAPPED, verdict.reason or "the contact policy holds it")
    if held is not None:
        survey.skipped, survey.reason = held
        timeline.add_event(
            session,
            case,
            SOFTWARE,
            events.ContactHeld(purpose=PURPOSE, reason=survey.reason, survey_id=survey.id),
            at=now,
        )
        return survey
    assert address is not None
    not_before = outgoing.hold_until(
        now,
        urgent=False,
        timezone=customer.timezone,
        window_start=customer.contact_window_start,
        window_end=customer.contact_window_end,
    )
    survey.state, survey.sent_at = SurveyState.SENT, now
    survey.expires_at = (not_before or now) + timedelta(days=rules.LINK_DAYS)
    text = rules.email_text(
        greeting=mailing.greeting(customer),
        case_number=case.id,
        subject=case.subject,
        links=[(score, links.answer(survey.id, score, survey.expires_at)) for score, _ in rules.SCALE],
        preferences=links.preferences(),
        interval_days=policy.survey_interval_days,
    )
    cfg = outbox.config()
    survey.outbound_id = outbox.queue(
        session,
        purpose=PURPOSE,
        envelope=outbox.Envelope(
            to_address=address,
            to_name=customer.name,
            from_name=business.current(session).company_name or cfg.from_name,
            from_address=cfg.from_address,
        ),
        subject=reply_subject(f"{rules.QUESTION} {case.subject}", case.id, case.thread_key),
        text=text,
        case_id=case.id,
        customer_id=customer.id,
        automatic="auto-generated",
        language=customer.language,
        not_before=not_before,
    )
    sent = (
        events.SurveySent(survey_id=survey.id, held_until=not_before)
        if not_before
        else events.SurveySent(survey_id=survey.id)
    )
    timeline.add_event(session, case, SOFTWARE, sent, at=now)
    return survey


def answer(
    session: Session,
    survey_id: int,
    score: int,
    comment: str | None,
    *,
    via: Via,
    customer: CustomerActor | None,
) -> Survey:
    """Record the customer's answer; answering again replaces it (one survey, one answer, the latest).

    `customer` is who is signed in (portal, API); None when a signed email
    link is the permission. The same answer twice (a double click) changes
    nothing and records nothing.
    """
    score = rules.check_score(score)
    comment = rules.clean_comment(comment)
    survey = session.get(Survey, survey_id, with_for_update=True)
    if survey is None:
        raise NotFound("There is no such survey.")
    case = session.get(Case, survey.case_id, options=[joinedload(Case.customer)])
    assert case is not None  # a survey is deleted with its case
    if customer is not None and not case_rules.may_view(customer, scope_of(case)):
        raise NotFound("There is no such survey.")
    rules.check_open(survey.state, survey.expires_at, clock.now())
    if survey.state is SurveyState.ANSWERED and survey.score == score and survey.comment == comment:
        return survey
    now = clock.now()
    previous = survey.score if survey.state is SurveyState.ANSWERED else None
    survey.state, survey.score, survey.comment, survey.via = SurveyState.ANSWERED, score, comment, via
    survey.answered_at, survey.answers = now, survey.answers + 1
    if comment is not None and survey.routed_at is not None:
        survey.routed_at = None  # a changed comment is routed again
    payload = events.SurveyAnswered(
        survey_id=survey.id, score=score, words=rules.WORDS[score], via=via.value, comment=comment, previous=previous
    )
    timeline.add_event(session, case, None, payload, at=now, customer_id=survey.customer_id)
    for listener in _answered:
        listener(session, survey, case)
    publish(session.info, "case.updated", case_id=case.id)
    return survey


def get(session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFound("There is no such survey.")
    return survey


def on_case(session: Session, case: Case) -> Sequence[Survey]:
    """The case's survey as a list (none, or one): what the API returns per case."""
    found = queries.for_case(session, case.id)
    return [found] if found is not None else []
