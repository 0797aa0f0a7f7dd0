"""Reads for the fair queue (P9): the heads "take next" chooses from, and the report of whether tiers wait alike."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select, union_all
from sqlalchemy.orm import Session

from sameside.cases.fairness import rules as fairness
from sameside.cases.models import Case
from sameside.cases.rules import ACTIVE, CaseStatus, Priority
from sameside.customers.rules import Tier

MAX_CASES = 50_000
"""The report reads at most this many of the newest cases (by number, so it walks the primary key)."""


def waits_since(session: Session, *, since: datetime, now: datetime, team_id: int | None = None) -> list[fairness.Wait]:
    """Each case opened since `since`: its wait for a first human reply, or its wait so far.

    Cases closed without any human reply (spam, a customer who withdrew) never waited on anyone and are left out.
    """
    query = (
        select(Case.customer_tier, Case.created_at, Case.first_human_reply_at)
        .where(
            Case.created_at >= since,
            or_(Case.first_human_reply_at.is_not(None), Case.status.in_(ACTIVE)),
        )
        .order_by(Case.id.desc())
        .limit(MAX_CASES)
    )
    if team_id is not None:
        query = query.where(Case.team_id == team_id)
    found: list[fairness.Wait] = []
    for tier, created, replied in session.execute(query):
        end = replied or now
        found.append(fairness.Wait(Tier(tier), max(0.0, (end - created).total_seconds() / 60), replied is not None))
    return found


TAKEABLE = (CaseStatus.NEW, CaseStatus.OPEN)
"""Cases "take next" serves: new ones, and open ones nobody owns (handed to the team by a transfer)."""


def take_next_candidates(session: Session, team_id: int | None) -> list[fairness.Candidate]:
    """The longest-waiting unowned case of each status, priority, tier and mood in a team (None: in no team).

    Forty-eight index seeks (`ix_cases_take_next`), sent as one UNION ALL so
    the database does them in one round trip; the fair queue then scores
    those few heads in Python.
    """
    if team_id is None:
        rows = session.execute(_take_next_statement(unteamed=True)).all()
    else:
        rows = session.execute(_take_next_statement(), {"team_id": team_id}).all()
    return [
        fairness.Candidate(
            row.id,
            Priority(row.priority),
            Tier(row.customer_tier),
            # Someone already answered (the case came on by transfer) has waited since that answer at least,
            # not since their last message: the wait is not counted twice.
            max(row.waiting_since, row.first_human_reply_at) if row.first_human_reply_at else row.waiting_since,
            upset=bool(row.upset),
        )
        for row in rows
    ]


@cache
def _take_next_statement(*, unteamed: bool = False) -> Select[Any]:
    heads = [
        select(
            Case.id,
            Case.priority,
            Case.customer_tier,
            Case.upset,
            func.coalesce(Case.last_customer_message_at, Case.created_at).label("waiting_since"),
            Case.first_human_reply_at,
        )
        .where(
            Case.team_id.is_(None) if unteamed else Case.team_id == bindparam("team_id"),
            Case.status == status,
            Case.priority == priority,
            Case.customer_tier == tier,
            Case.upset.is_(upset),
            Case.owner_id.is_(None),
        )
        .order_by(Case.last_customer_message_at, Case.id)
        .limit(1)
        .subquery()
        for status in TAKEABLE
        for priority in Priority
        for tier in Tier
        for upset in (False, True)
    ]
    return union_all(*(select(head) for head in heads))  # type: ignore[return-value]
