"""First-contact resolution and repeat contacts as figures: per case, agent and team, over a period (P12).

A case counts in the period it was resolved in. Of those, the ones whose
week has passed are right first time or not (`Case.came_back_at`); the
rest are pending and left out of the rate. Handle time — from opening to
resolution — is given as information beside them, never as a target or a
ranking: a quick answer that brings the customer back is not quick.
Each figure is one grouped query over the `(team_id, resolved_at)` and
`(owner_id, resolved_at)` indexes.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.cases.repeats import rules
from sameside.cases.repeats.models import RepeatContact


@dataclass(frozen=True)
class FirstContact:
    resolved: int
    """Cases resolved in the period."""
    first_time: int
    """…whose week passed with no further contact, reopen or repeat."""
    came_back: int
    pending: int
    """…resolved less than a week ago, nothing back yet: not in the rate."""
    reopened: int
    """…reopened at least once before this resolution."""
    handle_hours_p50: float | None
    """Information only: the median time from opening to resolution, in hours."""

    @property
    def rate(self) -> float | None:
        return rules.rate(self.first_time, self.came_back)


@dataclass(frozen=True)
class Repeats:
    opened: int
    """Cases opened in the period."""
    repeats: int
    """…that were a repeat contact of a case resolved the week before."""

    @property
    def rate(self) -> float | None:
        return self.repeats / self.opened if self.opened else None


def first_contact(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> FirstContact:
    """Resolutions in [since, until), narrowed to a team or an owner (at resolution)."""
    found = _figures(session, _period(since, until, team_id, owner_id), now, per_owner=False)
    return found.get(None, _EMPTY)


def by_owner(
    session: Session, *, since: datetime, until: datetime, now: datetime, team_id: int | None = None
) -> dict[int | None, FirstContact]:
    """The same figures per owner at resolution (None: resolved with nobody owning it)."""
    return _figures(session, _period(since, until, team_id, None), now, per_owner=True)


def _period(since: datetime, until: datetime, team_id: int | None, owner_id: int | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Case.resolved_at >= since, Case.resolved_at < until]
    if team_id is not None:
        where.append(Case.team_id == team_id)
    if owner_id is not None:
        where.append(Case.owner_id == owner_id)
    return where


def _figures(
    session: Session, where: list[ColumnElement[bool]], now: datetime, *, per_owner: bool
) -> dict[int | None, FirstContact]:
    settled = now - rules.WINDOW
    counts = select(
        Case.owner_id if per_owner else literal(None).label("owner"),
        func.count(),
        func.sum(case((and_(Case.came_back_at.is_(None), Case.resolved_at <= settled), 1), else_=0)),
        func.sum(case((Case.came_back_at.is_not(None), 1), else_=0)),
        func.sum(case((Case.reopen_count > 0, 1), else_=0)),
    ).where(*where)
    if per_owner:
        counts = counts.group_by(Case.owner_id)
    spans = _handle_hours(session, where, per_owner=per_owner)
    out = {}
    for owner, resolved, first_time, came_back, reopened in session.execute(counts).all():
        if not resolved:
            continue
        hours = spans.get(owner, [])
        out[owner] = FirstContact(
            resolved=resolved,
            first_time=int(first_time or 0),
            came_back=int(came_back or 0),
            pending=resolved - int(first_time or 0) - int(came_back or 0),
            reopened=int(reopened or 0),
            handle_hours_p50=round(statistics.median(hours), 1) if hours else None,
        )
    return out


def repeats(session: Session, *, since: datetime, until: datetime, team_id: int | None = None) -> Repeats:
    """How many cases opened in [since, until) were repeat contacts."""
    where: list[ColumnElement[bool]] = [Case.created_at >= since, Case.created_at < until]
    if team_id is not None:
        where.append(Case.team_id == team_id)
    opened, repeated = session.execute(
        select(func.count(Case.id), func.count(RepeatContact.case_id))
        .select_from(Case)
        .outerjoin(RepeatContact, RepeatContact.case_id == Case.id)
        .where(*where)
    ).one()
    return Repeats(opened=int(opened or 0), repeats=int(repeated or 0))


def of_case(case: Case, now: datetime) -> rules.FirstContact:
    return rules.first_contact(case.resolved_at, case.came_back_at, now)


_EMPTY = FirstContact(resolved=0, first_time=0, came_back=0, pending=0, reopened=0, handle_hours_p50=None)
HANDLE_SAMPLE = 5_000
"""Handle times are read for at most this many resolutions per view: a median, not a census."""


def _handle_hours(
    session: Session, where: list[ColumnElement[bool]], *, per_owner: bool
) -> dict[int | None, list[float]]:
    spans: dict[int | None, list[float]] = {}
    rows = session.execute(
        select(Case.owner_id, Case.created_at, Case.resolved_at)
        .where(*where)
        .order_by(Case.resolved_at.desc())
        .limit(HANDLE_SAMPLE)
    )
    for owner, created, resolved in rows:
        if created is not None and resolved is not None:
            spans.setdefault(owner if per_owner else None, []).append((resolved - created).total_seconds() / 3600)
    return spans
