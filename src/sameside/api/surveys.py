"""Surveys (P10): each case's, every survey for supervisors, the two figures, and the contact policy's settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query

from sameside.cases.access import case_for
from sameside.contact import queries as contact_queries
from sameside.contact import service as contact
from sameside.contact.rules import Policy
from sameside.contact.schemas import ContactRecordOut, PolicyIn, PolicyOut
from sameside.http.deps import Admin, CustomerUser, ReadSession, StaffUser, User, Write
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.ids import MAX_ID
from sameside.surveys import queries, rules
from sameside.surveys import service as surveys
from sameside.surveys.models import Survey
from sameside.surveys.rules import SurveyState, Via
from sameside.surveys.schemas import AnswerIn, CsatOut, FiguresOut, LoadOut, SurveyOut, SurveysPage

router = APIRouter()

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def survey_out(survey: Survey) -> SurveyOut:
    fields = {name: getattr(survey, name) for name in SurveyOut.model_fields if name != "words"}
    return SurveyOut.model_validate({**fields, "words": rules.WORDS.get(survey.score or 0)})


def policy_out(policy: Policy) -> PolicyOut:
    return PolicyOut(
        cap=policy.cap,
        period_days=policy.period_days,
        survey_interval_days=policy.survey_interval_days,
        survey_delay_minutes=policy.survey_delay_minutes,
        surveys_on=policy.surveys_on,
        stored=policy.stored,
    )


@router.get("/cases/{number}/surveys", response_model=list[SurveyOut], tags=["surveys"])
@offload
def case_surveys(number: Id, actor: User, session: ReadSession) -> list[SurveyOut]:
    """The case's survey — none, or one: sent, answered, or skipped with the reason."""
    case = case_for(session, actor, number)
    return [survey_out(s) for s in surveys.on_case(session, case)]


@router.post("/surveys/{survey_id}/answer", response_model=SurveyOut, tags=["surveys"])
@offload
def answer(survey_id: Id, body: AnswerIn, actor: CustomerUser, write: Write) -> SurveyOut:
    """The customer answers their survey (again: the answer is replaced, never added)."""
    with write() as session:
        return survey_out(surveys.answer(session, survey_id, body.score, body.comment, via=Via.API, customer=actor))


@router.get("/surveys", response_model=SurveysPage, tags=["surveys"])
@offload
def list_surveys(
    actor: StaffUser,
    session: ReadSession,
    state: SurveyState | None = None,
    customer_id: OptionalId = None,
    team_id: OptionalId = None,
    score: Annotated[int | None, Query(ge=1, le=5)] = None,
    commented: bool | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: OptionalId = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> SurveysPage:
    """Every survey, newest first, filtered (supervisors and admins): skipped ones carry why."""
    rules.check_may_read_all(actor)
    found = queries.Filter(state, customer_id, team_id, score, since, until, commented)
    items = queries.listing(session, found, before_id=before, limit=limit)
    return SurveysPage(items=[survey_out(s) for s in items], next_before=items[-1].id if len(items) == limit else None)


@router.get("/surveys/figures", response_model=FiguresOut, tags=["surveys"])
@offload
def figures(
    actor: StaffUser,
    session: ReadSession,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    team_id: OptionalId = None,
) -> FiguresOut:
    """CSAT over the surveys answered in the last `days`, and surveys per customer in them (P10)."""
    rules.check_may_read_all(actor)
    until = clock.now()
    since = until - timedelta(days=days)
    found = queries.csat(session, since=since, until=until, team_id=team_id)
    load = queries.survey_load(session, until=until, days=days)
    return FiguresOut(
        since=since,
        until=until,
        csat=CsatOut(answered=found.answered, satisfied=found.satisfied, share=found.share, by_score=found.by_score),
        surveys_per_customer=LoadOut(
            surveys=load.surveys, customers=load.customers, per_customer=load.per_customer, most=load.most
        ),
    )


@router.get("/contact-policy", response_model=PolicyOut, tags=["surveys"])
@offload
def read_policy(actor: StaffUser, session: ReadSession) -> PolicyOut:
    """The contact policy: how many non-essential messages a customer may get, and when surveys go."""
    return policy_out(contact.policy(session))


@router.put("/contact-policy", response_model=PolicyOut, tags=["surveys"])
@offload
def change_policy(body: PolicyIn, actor: Admin, write: Write) -> PolicyOut:
    """Set the contact policy (admins)."""
    with write() as session:
        changed = Policy(
            cap=body.cap,
            period_days=body.period_days,
            survey_interval_days=body.survey_interval_days,
            survey_delay_minutes=body.survey_delay_minutes,
            surveys_on=body.surveys_on,
        )
        return policy_out(contact.change_policy(session, actor, changed))


@router.get("/contact-policy/records", response_model=list[ContactRecordOut], tags=["surveys"])
@offload
def records(
    actor: StaffUser,
    session: ReadSession,
    customer_id: OptionalId = None,
    allowed: bool | None = None,
    before: OptionalId = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ContactRecordOut]:
    """Non-essential messages the policy was asked about, newest first: sent, or held and why (supervisors)."""
    rules.check_may_read_all(actor)
    rows = contact_queries.records(session, customer_id=customer_id, allowed=allowed, before_id=before, limit=limit)
    return [ContactRecordOut.model_validate(r) for r in rows]
