"""Reads on booked calls: those on a case, and the calls to make now (P1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sameside.callbacks.models import Callback, CallbackState
from sameside.callbacks.service import due
from sameside.cases.models import Case


@dataclass(frozen=True)
class CallToMake:
    """A booked (or missed) call, with its case and customer loaded for the list."""

    callback: Callback
    case: Case

    @property
    def missed(self) -> bool:
        return self.callback.state is CallbackState.MISSED


def booked_on_case(session: Session, case_id: int) -> Sequence[Callback]:
    """Calls still to come on a case, soonest first."""
    return session.scalars(
        select(Callback)
        .where(Callback.case_id == case_id, Callback.state == CallbackState.BOOKED)
        .order_by(Callback.starts_at)
    ).all()


def calls_to_make(session: Session, *, now: datetime | None = None) -> list[CallToMake]:
    """Missed calls first (they need a person now), then the next 24 hours, soonest first."""
    calls = due(session, now=now)
    ids = {c.case_id for c in calls}
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)).options(joinedload(Case.customer)))}
    ordered = sorted(calls, key=lambda c: (c.state is not CallbackState.MISSED, c.starts_at))
    return [CallToMake(c, cases[c.case_id]) for c in ordered]
