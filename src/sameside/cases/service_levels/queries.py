"""Reads for service levels: the due-soon list, a team's policy, attainment, and what a page says of a due time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from sameside.cases.models import Case
from sameside.cases.queries import visible_to
from sameside.cases.service_levels import rules
from sameside.cases.service_levels.models import ServiceCalendar, ServicePolicy, ServiceTarget
from sameside.cases.service_levels.rules import DueLabel, TargetKind
from sameside.cases.service_levels.service import Policy, policy_for
from sameside.kit import clock
from sameside.kit import cursor as cursors
from sameside.kit.actors import Actor
from sameside.kit.errors import Invalid
from sameside.staff.models import Team

__all__ = ["Policy", "policy_for"]


@dataclass(frozen=True)
class TeamPolicy:
    """Whether a team runs by its own targets and hours, or by the business's."""

    team_id: int
    name: str
    own_targets: bool
    own_calendar: bool


def team_policies(session: Session) -> list[TeamPolicy]:
    """Every team and what it overrides of the business's policy: three reads, whatever the number of teams."""
    with_targets = set(session.scalars(select(ServicePolicy.team_id).distinct()))
    with_calendar = set(session.scalars(select(ServiceCalendar.team_id)))
    return [
        TeamPolicy(team.id, team.name, team.id in with_targets, team.id in with_calendar)
        for team in session.scalars(select(Team).order_by(Team.name))
    ]


def due_label(case: Case, now: datetime | None = None) -> DueLabel | None:
    """What a list or the case header says of a case's next due time ("due in 40 min", "overdue by 2 h"), or None.

    Read from the case row alone, so it costs nothing per row of a list.
    """
    label = rules.due_words(case.due_at, now or clock.now())
    if label is None or case.due_kind is None:
        return label
    try:
        kind = rules.KIND_WORDS[TargetKind(case.due_kind)]
    except ValueError:
        return label
    return DueLabel(label.text, label.level, f"{kind} {label.title}")


def due_labels(cases: Sequence[Case], now: datetime | None = None) -> dict[int, DueLabel]:
    """What each of a list's cases says of its next due time, by case id; a case with nothing due is left out.

    Read from the rows already loaded (`due_at` and `due_kind` are columns of the case), so no query is made.
    """
    at = now or clock.now()
    return {c.id: label for c in cases if (label := due_label(c, at)) is not None}


@dataclass(frozen=True)
class DuePage:
    items: Sequence[Case]
    next_cursor: str | None


def due_soon(
    session: Session,
    actor: Actor,
    *,
    team_id: int | None = None,
    owner_id: int | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> DuePage:
    """Cases with a target running, soonest due (most overdue) first, paged by a seek on (due_at, id).

    Only cases whose clock runs have a due time, so this is open work by
    construction: waiting on the customer, resolved and closed cases have
    none. Served by `ix_cases_team_due` for a team, `ix_cases_due` otherwise.
    """
    if not 1 <= limit <= 200:
        raise Invalid("limit must be between 1 and 200.")
    query = select(Case).where(Case.due_at.is_not(None), visible_to(actor))
    if team_id is not None:
        query = query.where(Case.team_id == team_id)
    if owner_id is not None:
        query = query.where(Case.owner_id == owner_id)
    if cursor is not None:
        stamp, last_id = cursors.decode(cursor, (str, int))
        try:
            when = datetime.fromisoformat(stamp)
            if when.tzinfo is None:
                raise ValueError(stamp)
        except ValueError as exc:
            raise cursors.BadCursor("The cursor is not one this server issued.") from exc
        when = when.astimezone(UTC)
        query = query.where(or_(Case.due_at > when, and_(Case.due_at == when, Case.id > last_id)))
    query = (
        query.order_by(Case.due_at, Case.id)
        .limit(limit + 1)
        .options(joinedload(Case.customer), joinedload(Case.owner), joinedload(Case.team), selectinload(Case.tags))
    )
    rows = list(session.scalars(query).unique().all())
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        assert last.due_at is not None
        return DuePage(rows, cursors.encode([last.due_at.isoformat(), last.id]))
    return DuePage(rows, None)


# ---------------------------------------------------------------- attainment


@dataclass(frozen=True)
class Attained:
    """How a team did on one kind of target in a period: targets decided, met in time, missed."""

    team_id: int | None
    kind: TargetKind
    met: int
    missed: int

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> float | None:
        """Met in time over decided, 0 … 1; None when nothing was decided."""
        return self.met / self.decided if self.decided else None


def attainment(session: Session, *, since: datetime, until: datetime, team_id: int | None = None) -> list[Attained]:
    """Per team and kind: targets met in time (ended met in the period, never breached) and missed (breached in it).

    Counted from the stored facts on `service_targets`, not recomputed: a
    target counts in the period its outcome was decided — when it was met,
    or when it went past its due time. Void targets (nobody needed them any
    more) count neither way.
    """
    met_in_time = and_(
        ServiceTarget.met.is_(True),
        ServiceTarget.breached_at.is_(None),
        ServiceTarget.ended_at >= since,
        ServiceTarget.ended_at < until,
    )
    missed = and_(ServiceTarget.breached_at >= since, ServiceTarget.breached_at < until)
    query = (
        select(
            ServiceTarget.team_id,
            ServiceTarget.kind,
            func.sum(case((met_in_time, 1), else_=0)),
            func.sum(case((missed, 1), else_=0)),
        )
        .where(or_(met_in_time, missed))
        .group_by(ServiceTarget.team_id, ServiceTarget.kind)
    )
    if team_id is not None:
        query = query.where(ServiceTarget.team_id == team_id)
    rows = session.execute(query).all()
    out = [Attained(row[0], TargetKind(row[1]), int(row[2] or 0), int(row[3] or 0)) for row in rows]
    order = list(TargetKind)
    return sorted(out, key=lambda a: (a.team_id or 0, order.index(a.kind)))
