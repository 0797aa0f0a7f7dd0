"""The audit log's one table: who changed what, when and from where, with each column before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sameside.audit.rules import ACTIONS
from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock
from sameside.kit.actors import Role


class AuditEntry(Base):
    """One row created, changed or deleted by a staff member's request. Never updated, never deleted.

    No foreign keys on purpose: the log outlives what it tells of (a deleted
    team, a deleted case), and a cascade would be an edit. The database
    refuses UPDATE and DELETE on this table (triggers, migration 0025).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    staff_id: Mapped[int] = mapped_column(Integer)
    """Who: the staff member whose request it was."""
    role: Mapped[Role] = mapped_column(str_enum(Role))
    """Their role then."""
    action: Mapped[str] = mapped_column(
        Enum(*ACTIONS, name="auditaction", native_enum=False, length=16, create_constraint=True)
    )
    entity: Mapped[str] = mapped_column(String(64))
    """What: the table the row is in (`teams`, `cases`, `saved_replies`…)."""
    entity_id: Mapped[str] = mapped_column(String(100))
    """The row's key as text: `12`, or `12/billing` for a key of several columns."""
    case_id: Mapped[int | None] = mapped_column(Integer)
    """The case it belongs to, when it is a case or part of one: a case's whole story is one filter away."""
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Column → `{"from": before, "to": after}` (see `audit.rules.Change`); secrets masked, long text cut."""
    via: Mapped[str] = mapped_column(String(8))
    """`api` or `desk`."""
    client: Mapped[str | None] = mapped_column(String(64))
    agent: Mapped[str | None] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(64))

    # Newest first, whichever filter: each index ends in (at, id), the order and the cursor.
    __table_args__ = (
        Index("ix_audit_log_at_id", "at", "id"),
        Index("ix_audit_log_staff_at_id", "staff_id", "at", "id"),
        Index("ix_audit_log_entity_at_id", "entity", "entity_id", "at", "id"),
        Index("ix_audit_log_case_at_id", "case_id", "at", "id"),
    )
