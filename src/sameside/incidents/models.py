from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.incidents.rules import IncidentStatus
from sameside.kit import clock


class Incident(Base):
    """A declared problem affecting many customers (P11)."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    """What customers are told: public words."""
    status: Mapped[IncidentStatus] = mapped_column(str_enum(IncidentStatus), default=IncidentStatus.INVESTIGATING)
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the problem began (as staff know it), not when it was declared."""
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    """Notices go at once, whatever the customer's contact window."""
    tell_everyone: Mapped[bool] = mapped_column(Boolean, default=False)
    """Tell every customer in scope (organisations, the list), not only those with open cases."""
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    organizations: Mapped[list[int]] = mapped_column(JSON, default=list)
    pattern: Mapped[str | None] = mapped_column(String(200))
    updates: Mapped[int] = mapped_column(Integer, default=0)
    """How many updates were posted (the resolution counts as one): the number of the latest."""
    declared_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the customers in scope were found (a job, after the declaration)."""

    __table_args__ = (Index("ix_incidents_status", "status"),)


class IncidentUpdate(Base):
    """What customers were told after the declaration, numbered from 1; the resolution is the last."""

    __tablename__ = "incident_updates"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[IncidentStatus] = mapped_column(str_enum(IncidentStatus))
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class AffectedCustomer(Base):
    """A customer an incident affects, and the last of its messages they were told (-1: none yet)."""

    __tablename__ = "incident_customers"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(16))
    """`list`, `organisation`, `tag`, `pattern`: why they are in scope."""
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    told: Mapped[int] = mapped_column(Integer, default=-1)
    """0: the notice; n: update n. Each is sent once: a batch takes only those told less."""
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """How the last one went: `held_until`, `no_address`."""

    __table_args__ = (
        Index("ix_incident_customers_told", "incident_id", "told"),
        Index("ix_incident_customers_customer", "customer_id"),
    )


class IncidentCase(Base):
    """A case linked to an incident: open in its scope when declared, or a new contact about it."""

    __tablename__ = "incident_cases"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    new_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(String(16))
    """Why it is in scope (`rules.why_in_scope`); only a problem's own marks ("tag", "pattern") close it at the end."""
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the incident's end reached it: its message sent on the case, which was resolved — or, for a case
    linked only by who it touches, the customer told by notice and the case left open to its owner."""

    __table_args__ = (Index("ix_incident_cases_case", "case_id"),)
