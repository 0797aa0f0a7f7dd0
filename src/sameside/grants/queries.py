"""Reading grants: a case's, a customer's (beside every case of theirs), the requests waiting for a supervisor."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.grants.models import Grant
from sameside.grants.rules import GrantState
from sameside.kit.actors import Role, StaffActor

CUSTOMER_LIMIT = 200
"""Grants shown beside a case: the customer's most recent; a ledger page has the rest."""


def for_case(session: Session, case_id: int) -> Sequence[Grant]:
    return session.scalars(select(Grant).where(Grant.case_id == case_id).order_by(Grant.id)).all()


def for_customer(session: Session, customer_id: int, *, limit: int = CUSTOMER_LIMIT) -> Sequence[Grant]:
    """The customer's grants on any case, newest first, so the treatment stays consistent (one index range)."""
    return session.scalars(
        select(Grant).where(Grant.customer_id == customer_id).order_by(Grant.id.desc()).limit(limit)
    ).all()


def waiting_for(session: Session, actor: StaffActor, *, limit: int = 200) -> Sequence[Grant]:
    """Requests above budget this supervisor may answer: their team's (an admin: all), oldest first."""
    query = select(Grant).where(Grant.state == GrantState.REQUESTED).order_by(Grant.requested_at, Grant.id).limit(limit)
    if actor.role is Role.SUPERVISOR and actor.team_id is not None:
        query = query.join(Case, Case.id == Grant.case_id).where(
            (Case.team_id == actor.team_id) | Case.team_id.is_(None)
        )
    return session.scalars(query).all()
