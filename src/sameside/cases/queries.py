"""Reads on cases: the lists agents work from, and a case's timeline.

Lists page by keyset (a cursor holding the last row's sort key), never by
OFFSET and never with a COUNT, so the first page of a queue costs the same at
a thousand cases as at a million. Access scoping is part of the SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, func, or_, select, true, tuple_, union_all
from sqlalchemy.orm import Session, joinedload, selectinload

from sameside.cases import fairness
from sameside.cases.models import Case, CaseTag, TimelineEntry
from sameside.cases.rules import CaseStatus, Priority
from sameside.customers.models import Customer, Tier
from sameside.kit import cursor as cursors
from sameside.kit.actors import Actor, CustomerActor, Role, StaffActor
from sameside.kit.errors import Invalid

SORTS = ("-created", "created", "-updated", "updated")
"""The allowlisted sort keys; each is served by an index ending in id."""


@dataclass(frozen=True)
class CaseFilter:
    statuses: tuple[CaseStatus, ...] = ()
    team_id: int | None = None
    owner_id: int | None = None
    unowned: bool = False
    customer_id: int | None = None
    tag: str | None = None


@dataclass
class Page:
    items: Sequence[Case]
    next_cursor: str | None
    extra: dict[str, Any] = field(default_factory=dict)


def list_cases(
    session: Session,
    actor: Actor,
    filters: CaseFilter,
    *,
    sort: str = "-created",
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    if sort not in SORTS:
        raise Invalid(f"Cannot sort by {sort!r}; choose one of {', '.join(SORTS)}.")
    if not 1 <= limit <= 200:
        raise Invalid("limit must be between 1 and 200.")
    query = select(Case).where(_visible(actor, filters))
    if filters.statuses:
        query = query.where(
            Case.status == filters.statuses[0] if len(filters.statuses) == 1 else Case.status.in_(filters.statuses)
        )
    if filters.team_id is not None:
        query = query.where(Case.team_id == filters.team_id)
    if filters.owner_id is not None:
        query = query.where(Case.owner_id == filters.owner_id)
    if filters.unowned:
        query = query.where(Case.owner_id.is_(None))
    if filters.customer_id is not None:
        query = query.where(Case.customer_id == filters.customer_id)
    if filters.tag is not None:
        query = query.where(Case.id.in_(select(CaseTag.case_id).where(CaseTag.tag == filters.tag.strip().lower())))
    query = _order_and_seek(query, sort, cursor)
    query = query.limit(limit + 1).options(
        joinedload(Case.customer), joinedload(Case.owner), joinedload(Case.team), selectinload(Case.tags)
    )
    rows = session.scalars(query).unique().all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _cursor_for(rows[-1], sort)
    return Page(rows, next_cursor)


def awaiting_reply(
    session: Session,
    actor: Actor,
    *,
    team_id: int | None,
    owner_id: int | None,
    since_before: datetime,
    limit: int = 50,
) -> Sequence[Case]:
    """Cases whose customer has waited on us since before `since_before`, longest wait first."""
    query = (
        select(Case)
        .where(
            _visible(actor, CaseFilter(team_id=team_id, owner_id=owner_id)),
            Case.status.in_((CaseStatus.NEW, CaseStatus.OPEN)),
            Case.last_customer_message_at <= since_before,
        )
        .order_by(Case.last_customer_message_at, Case.id)
        .limit(limit)
        .options(joinedload(Case.customer), joinedload(Case.owner), joinedload(Case.team), selectinload(Case.tags))
    )
    if team_id is not None:
        query = query.where(Case.team_id == team_id)
    elif owner_id is not None:
        query = query.where(Case.owner_id == owner_id)
    return session.scalars(query).unique().all()


def timeline(session: Session, actor: Actor, case: Case) -> Sequence[TimelineEntry]:
    """The case's timeline in order; customers see only what is public."""
    query = (
        select(TimelineEntry)
        .where(TimelineEntry.case_id == case.id)
        .order_by(TimelineEntry.id)
        .options(joinedload(TimelineEntry.author_staff), joinedload(TimelineEntry.author_customer))
    )
    if isinstance(actor, CustomerActor):
        query = query.where(TimelineEntry.is_public.is_(True))
    return session.scalars(query).all()


def _visible(actor: Actor, filters: CaseFilter) -> ColumnElement[bool]:
    """The SQL form of `rules.may_view`, shaped so a team filter stays on its index."""
    if isinstance(actor, StaffActor):
        if actor.at_least(Role.SUPERVISOR):
            return true()
        mine = Case.owner_id == actor.staff_id
        if filters.team_id is not None:
            if filters.team_id == actor.team_id:
                return true()
            return mine
        if filters.owner_id == actor.staff_id:
            return true()
        in_team = Case.team_id == actor.team_id if actor.team_id is not None else false()
        return or_(in_team, mine, Case.team_id.is_(None))
    if isinstance(actor, CustomerActor):
        own = Case.customer_id == actor.customer_id
        if actor.organization_id is None:
            return own
        shared = and_(
            Case.shared_with_organization.is_(True),
            Case.customer_id.in_(select(Customer.id).where(Customer.organization_id == actor.organization_id)),
        )
        return or_(own, shared)
    return true()


def _order_and_seek(query: Select[Case], sort: str, cursor: str | None) -> Select[Case]:
    descending = sort.startswith("-")
    if sort.endswith("created"):
        if cursor is not None:
            (last_id,) = cursors.decode(cursor, (int,))
            query = query.where(Case.id < last_id if descending else Case.id > last_id)
        return query.order_by(Case.id.desc() if descending else Case.id.asc())
    if cursor is not None:
        stamp, last_id = cursors.decode(cursor, (str, int))
        try:
            when = datetime.fromisoformat(stamp)
            if when.tzinfo is None or not 1970 <= when.year <= 9999:
                raise ValueError(stamp)
            when = when.astimezone(UTC)
        except (ValueError, OverflowError) as exc:
            raise cursors.BadCursor("The cursor is not one this server issued.") from exc
        key = tuple_(Case.updated_at, Case.id)
        query = query.where(key < (when, last_id) if descending else key > (when, last_id))
    if descending:
        return query.order_by(Case.updated_at.desc(), Case.id.desc())
    return query.order_by(Case.updated_at.asc(), Case.id.asc())


def _cursor_for(case: Case, sort: str) -> str:
    if sort.endswith("created"):
        return cursors.encode([case.id])
    return cursors.encode([case.updated_at.isoformat(), case.id])


def timeline_entry(session: Session, entry_id: int) -> TimelineEntry:
    """One entry with its authors loaded (after the caller has checked access to its case)."""
    entry = session.scalar(
        select(TimelineEntry)
        .where(TimelineEntry.id == entry_id)
        .options(joinedload(TimelineEntry.author_staff), joinedload(TimelineEntry.author_customer))
    )
    assert entry is not None
    return entry


TAKEABLE = (CaseStatus.NEW, CaseStatus.OPEN)
"""Cases "take next" serves: new ones, and open ones nobody owns (handed to the team by a transfer)."""


def take_next_candidates(session: Session, team_id: int) -> list[fairness.Candidate]:
    """The longest-waiting unowned case of each status, priority, tier and mood in a team.

    Forty-eight index seeks (`ix_cases_take_next`), sent as one UNION ALL so
    the database does them in one round trip; the fair queue then scores
    those few heads in Python.
    """
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
def _take_next_statement() -> Select[Any]:
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
            Case.team_id == bindparam("team_id"),
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
