"""What a desk list shows at a glance: bounded counts for the views, rows narrowed and sorted, latest words.

Counts never scan a queue to its end: each stops at `COUNT_CAP` rows (the
desk shows "99+"), so a view's count costs the same at a thousand cases as at
a million. Narrowing (status, priority, channel, owner, tier) and the sorts an
agent triages by are allowlisted here; the access condition is the same as
every other list's (`queries.visible_to`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from sameside.cases.models import Case, TimelineEntry
from sameside.cases.queries import CaseFilter, visible_to
from sameside.cases.rules import CaseStatus, EntryKind, Priority
from sameside.customers.rules import Channel, Tier
from sameside.kit.actors import Actor
from sameside.kit.errors import Invalid

COUNT_CAP = 100
"""A count stops here; the desk says "99+"."""

SORTS = {
    "updated": "Recently updated",
    "waiting": "Waiting longest",
    "priority": "Most urgent first",
    "created": "Newest first",
    "due": "Due first",
}
"""The orders a list can be sorted in, with how the desk names them."""

_URGENCY = case(
    (Case.priority == Priority.URGENT, 0),
    (Case.priority == Priority.HIGH, 1),
    (Case.priority == Priority.NORMAL, 2),
    else_=3,
)


@dataclass(frozen=True)
class Narrow:
    """What a person narrowed a list to, on top of the view's own filter; empty means everything."""

    statuses: tuple[CaseStatus, ...] = ()
    priority: Priority | None = None
    channel: Channel | None = None
    tier: Tier | None = None
    owner_id: int | None = None
    unowned: bool = False
    homeless: bool = False
    """Only cases in no team ("Needs a team")."""


def _conditions(
    actor: Actor, filters: CaseFilter, narrow: Narrow, due_before: datetime | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [visible_to(actor)]
    statuses = narrow.statuses or filters.statuses
    if filters.statuses and narrow.statuses:
        statuses = tuple(s for s in narrow.statuses if s in filters.statuses)
        if not statuses:
            where.append(Case.id.is_(None))  # narrowed to nothing this view holds
    if statuses:
        where.append(Case.status.in_(statuses))
    if filters.team_id is not None:
        where.append(Case.team_id == filters.team_id)
    if filters.owner_id is not None:
        where.append(Case.owner_id == filters.owner_id)
    if filters.unowned or narrow.unowned:
        where.append(Case.owner_id.is_(None))
    if narrow.homeless:
        where.append(Case.team_id.is_(None))
    if narrow.owner_id is not None:
        where.append(Case.owner_id == narrow.owner_id)
    if narrow.priority is not None:
        where.append(Case.priority == narrow.priority)
    if narrow.channel is not None:
        where.append(Case.channel == narrow.channel)
    if narrow.tier is not None:
        where.append(Case.customer_tier == narrow.tier)
    if due_before is not None:
        where.append(Case.due_at <= due_before)
    return where


def bounded_count(
    session: Session,
    actor: Actor,
    filters: CaseFilter,
    *,
    narrow: Narrow | None = None,
    due_before: datetime | None = None,
    cap: int = COUNT_CAP,
) -> int:
    """How many cases a view holds, counting no further than `cap`."""
    rows = select(Case.id).where(*_conditions(actor, filters, narrow or Narrow(), due_before)).limit(cap)
    return int(session.scalar(select(func.count()).select_from(rows.subquery())) or 0)


def say_count(count: int, cap: int = COUNT_CAP) -> str:
    """A count as the desk shows it: "7", or "99+" once it reached the cap."""
    return f"{cap - 1}+" if count >= cap else str(count)


def rows(
    session: Session,
    actor: Actor,
    filters: CaseFilter,
    narrow: Narrow | None = None,
    *,
    sort: str = "updated",
    due_before: datetime | None = None,
    limit: int = 50,
) -> Sequence[Case]:
    """A view's cases, narrowed and sorted; the first `limit` of them."""
    if sort not in SORTS:
        raise Invalid(f"Cannot sort by {sort!r}; choose one of {', '.join(SORTS)}.")
    query: Select[Case] = select(Case).where(*_conditions(actor, filters, narrow or Narrow(), due_before))
    order: tuple[Any, ...] = {
        "updated": (Case.updated_at.desc(), Case.id.desc()),
        "waiting": (Case.last_customer_message_at.asc(), Case.id.asc()),
        "priority": (_URGENCY, Case.last_customer_message_at.asc(), Case.id.asc()),
        "created": (Case.id.desc(),),
        "due": _due_order(),
    }[sort]
    query = (
        query.order_by(*order)
        .limit(limit)
        .options(joinedload(Case.customer), joinedload(Case.owner), joinedload(Case.team), selectinload(Case.tags))
    )
    return session.scalars(query).unique().all()


def _due_order() -> tuple[Any, ...]:
    """Soonest due first; cases with nothing due (waiting on the customer) last."""
    return (Case.due_at.is_(None), Case.due_at.asc(), Case.id.asc())


def latest_lines(session: Session, case_ids: Sequence[int], *, staff: bool = True) -> dict[int, str]:
    """Each case's latest message (or note, for staff), its first line: what a row shows under the subject."""
    if not case_ids:
        return {}
    kinds = (EntryKind.MESSAGE, EntryKind.NOTE) if staff else (EntryKind.MESSAGE,)
    latest = (
        select(func.max(TimelineEntry.id))
        .where(TimelineEntry.case_id.in_(case_ids), TimelineEntry.kind.in_(kinds), TimelineEntry.body.is_not(None))
        .group_by(TimelineEntry.case_id)
    )
    found = session.execute(select(TimelineEntry.case_id, TimelineEntry.body).where(TimelineEntry.id.in_(latest)))
    return {case_id: _first_line(body or "") for case_id, body in found}


def _first_line(body: str, width: int = 140) -> str:
    line = next((part.strip() for part in body.splitlines() if part.strip()), "")
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"
