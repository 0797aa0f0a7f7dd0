"""Reads for the fairness report, open to all staff: is the queue fair across customer tiers (P9)?"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sameside.cases import fairness
from sameside.cases.models import Case
from sameside.cases.rules import ACTIVE
from sameside.customers.models import Tier

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
