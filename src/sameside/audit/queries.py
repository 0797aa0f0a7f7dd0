"""Reading the audit log: admins only, newest first, filtered, paged by keyset on (at, id)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from sameside.audit import rules
from sameside.audit.models import AuditEntry
from sameside.db.base import Base
from sameside.kit import cursor as cursors
from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.errors import Forbidden, Invalid
from sameside.staff.models import Staff


@dataclass(frozen=True)
class AuditFilter:
    staff_id: int | None = None
    entity: str | None = None
    entity_id: str | None = None
    action: str | None = None
    case_id: int | None = None
    since: datetime | None = None
    """From this moment on (inclusive)."""
    until: datetime | None = None
    """Before this moment (exclusive)."""


@dataclass(frozen=True)
class AuditPage:
    items: Sequence[AuditEntry]
    next_cursor: str | None
    names: dict[int, str]
    """The name of each staff member on the page, by id (one query, whatever the page size)."""


def check_may_read(actor: Actor) -> StaffActor:
    if not isinstance(actor, StaffActor) or actor.role is not Role.ADMIN:
        raise Forbidden("The audit log is for admins only.")
    return actor


def entities() -> list[str]:
    """Every table the log may tell of, for a filter's choices (from the models, not a scan of the log)."""
    return sorted(name for name in Base.metadata.tables if rules.recorded(name))


def entries(
    session: Session, actor: Actor, filters: AuditFilter, *, limit: int = 50, cursor: str | None = None
) -> AuditPage:
    check_may_read(actor)
    if not 1 <= limit <= 200:
        raise Invalid("limit must be between 1 and 200.")
    if filters.action is not None:
        rules.check_action(filters.action)
    for moment in (filters.since, filters.until):
        if moment is not None and moment.tzinfo is None:
            raise Invalid("Give times with their offset from UTC (`2026-12-05T14:30:00Z`).")
    if filters.entity_id is not None and filters.entity is None:
        raise Invalid("entity_id needs its entity (the kind of thing, such as `teams`).")
    query = select(AuditEntry)
    if filters.staff_id is not None:
        query = query.where(AuditEntry.staff_id == filters.staff_id)
    if filters.entity is not None:
        query = query.where(AuditEntry.entity == filters.entity)
    if filters.entity_id is not None:
        query = query.where(AuditEntry.entity_id == filters.entity_id)
    if filters.action is not None:
        query = query.where(AuditEntry.action == filters.action)
    if filters.case_id is not None:
        query = query.where(AuditEntry.case_id == filters.case_id)
    if filters.since is not None:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.at < filters.until)
    if cursor is not None:
        at, last_id = _decode(cursor)
        query = query.where(or_(AuditEntry.at < at, and_(AuditEntry.at == at, AuditEntry.id < last_id)))
    rows = list(session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = cursors.encode([rows[-1].at.isoformat(), rows[-1].id])
    ids = {row.staff_id for row in rows}
    names: dict[int, str] = {}
    if ids:
        names = dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(ids))).all())
    return AuditPage(rows, next_cursor, names)


def _decode(cursor: str) -> tuple[datetime, int]:
    at, last_id = cursors.decode(cursor, (str, int))
    try:
        moment = datetime.fromisoformat(at)
    except ValueError as exc:
        raise cursors.BadCursor("The cursor is not one this server issued.") from exc
    if moment.tzinfo is None:
        raise cursors.BadCursor("The cursor is not one this server issued.")
    return moment, last_id
