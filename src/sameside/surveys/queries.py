"""Reading surveys: which cases are due one, a customer's last, the list, and the two figures (P10).

The figures the reports page shows: CSAT (`csat`) and surveys per customer
per 30 days (`survey_load`) — how often we asked, which the policy keeps at
one at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.contact.rules import Policy
from sameside.surveys import rules
from sameside.surveys.models import Survey
from sameside.surveys.rules import SurveyState

DONE = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


def due(session: Session, policy: Policy, *, now: datetime, batch: int = 50) -> Sequence[Case]:
    """Cases resolved at least the delay ago (and not longer than the horizon before that) with no survey yet.

    Locked with SKIP LOCKED, so workers running the chore at once take
    different cases; a reopened case has no `resolved_at` and is not due.
    """
    until = now - timedelta(minutes=policy.survey_delay_minutes)
    return session.scalars(
        select(Case)
        .where(
            Case.resolved_at > until - rules.HORIZON,
            Case.resolved_at <= until,
            Case.status.in_(DONE),
            ~exists().where(Survey.case_id == Case.id),
        )
        .order_by(Case.resolved_at, Case.id)
        .limit(batch)
        .with_for_update(skip_locked=True, of=Case)
    ).all()


def last_sent(session: Session, customer_id: int) -> Survey | None:
    """The customer's latest survey that went out (one index seek)."""
    return session.scalar(
        select(Survey)
        .where(Survey.customer_id == customer_id, Survey.sent_at.is_not(None))
        .order_by(Survey.sent_at.desc())
        .limit(1)
    )


def other_open(session: Session, customer_id: int, case_id: int) -> list[int]:
    """The customer's other cases still open (any status before resolved), oldest first."""
    return list(
        session.scalars(
            select(Case.id)
            .where(Case.customer_id == customer_id, Case.id != case_id, Case.status.not_in(DONE))
            .order_by(Case.id)
            .limit(10)
        )
    )


def for_case(session: Session, case_id: int) -> Survey | None:
    return session.scalar(select(Survey).where(Survey.case_id == case_id))


@dataclass(frozen=True, slots=True)
class Filter:
    state: SurveyState | None = None
    customer_id: int | None = None
    team_id: int | None = None
    score: int | None = None
    since: datetime | None = None
    """Considered at or after (the survey's `created_at`)."""
    until: datetime | None = None
    commented: bool | None = None


def listing(session: Session, found: Filter, *, before_id: int | None = None, limit: int = 50) -> Sequence[Survey]:
    """Surveys newest first, filtered; page on by passing the last id as `before_id`."""
    query = select(Survey).order_by(Survey.id.desc()).limit(limit)
    if found.state is not None:
        query = query.where(Survey.state == found.state)
    if found.customer_id is not None:
        query = query.where(Survey.customer_id == found.customer_id)
    if found.team_id is not None:
        query = query.where(Survey.team_id == found.team_id)
    if found.score is not None:
        query = query.where(Survey.score == found.score)
    if found.since is not None:
        query = query.where(Survey.created_at >= found.since)
    if found.until is not None:
        query = query.where(Survey.created_at < found.until)
    if found.commented is not None:
        query = query.where(Survey.comment.is_not(None) if found.commented else Survey.comment.is_(None))
    if before_id is not None:
        query = query.where(Survey.id < before_id)
    return session.scalars(query).all()


@dataclass(frozen=True, slots=True)
class Csat:
    answered: int
    satisfied: int
    """Answers of 4 ("Well") or 5 ("Completely")."""
    share: float | None
    """satisfied / answered; None without answers."""
    by_score: dict[int, int]


def csat(session: Session, *, since: datetime, until: datetime, team_id: int | None = None) -> Csat:
    """CSAT over the surveys answered in [since, until), for one team or all: one grouped read of the index."""
    query = (
        select(Survey.score, func.count())
        .where(Survey.answered_at >= since, Survey.answered_at < until, Survey.score.is_not(None))
        .group_by(Survey.score)
    )
    if team_id is not None:
        query = query.where(Survey.team_id == team_id)
    by_score = {int(score or 0): int(n) for score, n in session.execute(query).all()}
    answered = sum(by_score.values())
    satisfied = by_score.get(4, 0) + by_score.get(5, 0)
    return Csat(answered, satisfied, satisfied / answered if answered else None, by_score)


@dataclass(frozen=True, slots=True)
class SurveyLoad:
    surveys: int
    """Surveys sent in the window."""
    customers: int
    """Customers they went to."""
    per_customer: float | None
    """surveys / customers: 1.0 at most while the interval is 30 days or more."""
    most: int
    """The most any one customer got."""


def survey_load(session: Session, *, until: datetime, days: int = 30) -> SurveyLoad:
    """Surveys per customer in the `days` before `until` (the headline figure, P10)."""
    per = (
        select(Survey.customer_id, func.count().label("n"))
        .where(Survey.sent_at >= until - timedelta(days=days), Survey.sent_at < until)
        .group_by(Survey.customer_id)
        .subquery()
    )
    row = session.execute(select(func.count(), func.coalesce(func.sum(per.c.n), 0), func.max(per.c.n))).one()
    customers, surveys, most = int(row[0]), int(row[1]), int(row[2] or 0)
    return SurveyLoad(surveys, customers, surveys / customers if customers else None, most)
