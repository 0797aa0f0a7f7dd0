"""Reads on cases: the lists agents work from, and a case's timeline.

Lists page by keyset (a cursor holding the last row's sort key), never by
OFFSET and never with a COUNT, so the first page of a queue costs the same at
a thousand cases as at a million. Access scoping is part of the SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload

from sameside.cases.events import LatestBrief, Transferred, payload_of
from sameside.cases.models import Case, CaseConsultedDepartment, CasePreviousOwner, CaseTag, TimelineEntry
from sameside.cases.rules import CaseStatus, EventType
from sameside.customers.models import Customer
from sameside.kit import cursor as cursors
from sameside.kit.actors import Actor, CustomerActor, Role, StaffActor
from sameside.kit.errors import Invalid
from sameside.staff.models import Team

SORTS = ("-created", "created", "-updated", "updated")
"""The allowlisted sort keys; each is served by an index ending in id."""


@dataclass(frozen=True)
class CaseFilter:
    statuses: tuple[CaseStatus, ...] = ()
    team_id: int | None = None
    owner_id: int | None = None
    unowned: bool = False
    customer_id: int | None = None
    organization_id: int | None = None
    """The cases of every customer in this organization."""
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
    if filters.organization_id is not None:
        members = select(Customer.id).where(Customer.organization_id == filters.organization_id)
        query = query.where(Case.customer_id.in_(members))
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


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """The cases `actor` may read, as a condition on `Case` (for search, counts and lists built elsewhere)."""
    return _visible(actor, CaseFilter())


def _visible(actor: Actor, filters: CaseFilter) -> ColumnElement[bool]:
    """The SQL form of `rules.may_view`, shaped so a team or owner filter stays on its index.

    Staff read every case but a restricted team's; those are read by the team,
    supervisors and admins, the owner, previous owners and the departments
    consulted. With no restricted team the test is one lookup in `teams`.
    """
    if isinstance(actor, StaffActor):
        if actor.at_least(Role.SUPERVISOR):
            return true()
        if filters.team_id is not None and filters.team_id == actor.team_id:
            return true()
        if filters.owner_id == actor.staff_id:
            return true()
        open_to_all = ~exists().where(Team.id == Case.team_id, Team.restricted.is_(True))
        kept: list[ColumnElement[bool]] = [
            open_to_all,
            Case.owner_id == actor.staff_id,
            Case.id.in_(select(CasePreviousOwner.case_id).where(CasePreviousOwner.staff_id == actor.staff_id)),
        ]
        if actor.team_id is not None:
            kept.append(Case.team_id == actor.team_id)
        if actor.department_id is not None:
            kept.append(
                Case.id.in_(
                    select(CaseConsultedDepartment.case_id).where(
                        CaseConsultedDepartment.department_id == actor.department_id
                    )
                )
            )
        return or_(*kept)
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


def latest_brief(session: Session, case: Case) -> LatestBrief | None:
    """The brief of the case's most recent transfer, for whoever has it now."""
    row = session.scalar(
        select(TimelineEntry)
        .where(TimelineEntry.case_id == case.id, TimelineEntry.event == EventType.TRANSFERRED)
        .order_by(TimelineEntry.id.desc())
        .limit(1)
    )
    payload = payload_of(row) if row is not None else None
    if row is None or not isinstance(payload, Transferred):
        return None
    return LatestBrief(**payload.brief.model_dump(), at=row.created_at, by=row.author_staff_id)


def timeline_entry(session: Session, entry_id: int) -> TimelineEntry:
    """One entry with its authors loaded (after the caller has checked access to its case)."""
    entry = session.scalar(
        select(TimelineEntry)
        .where(TimelineEntry.id == entry_id)
        .options(joinedload(TimelineEntry.author_staff), joinedload(TimelineEntry.author_customer))
    )
    assert entry is not None
    return entry


NEEDS_A_TEAM_MAX = 999
"""The "Needs a team" count stops here: it reads an index range, never the whole table."""
_HOMELESS = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.WAITING_ON_INTERNAL)


def needing_a_team(session: Session, actor: Actor, *, limit: int = 50) -> Sequence[Case]:
    """ "Needs a team": active cases in no team (no channel team or default was set), the oldest first.

    For supervisors and admins (an empty list for anyone else); "take next" also serves them to agents.
    """
    if not (isinstance(actor, StaffActor) and actor.at_least(Role.SUPERVISOR)):
        return []
    return session.scalars(
        select(Case)
        .where(Case.team_id.is_(None), Case.status.in_(_HOMELESS))
        .order_by(Case.id)
        .limit(limit)
        .options(joinedload(Case.customer))
    ).all()


def needing_a_team_count(session: Session, actor: Actor) -> int:
    """How many cases need a team (at most `NEEDS_A_TEAM_MAX`), for supervisors and admins; 0 for anyone else."""
    if not (isinstance(actor, StaffActor) and actor.at_least(Role.SUPERVISOR)):
        return 0
    found = select(Case.id).where(Case.team_id.is_(None), Case.status.in_(_HOMELESS)).limit(NEEDS_A_TEAM_MAX).subquery()
    return int(session.scalar(select(func.count()).select_from(found)) or 0)
