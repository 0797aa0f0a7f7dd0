from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sameside.cases.rules import CaseStatus, EntryKind, EventType, Priority
from sameside.customers.models import Customer
from sameside.customers.rules import Channel, Tier
from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock
from sameside.staff.models import Staff, Team


class Case(Base):
    """One customer problem, across every channel. Its id is its human-friendly number."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    status: Mapped[CaseStatus] = mapped_column(str_enum(CaseStatus), default=CaseStatus.NEW)
    priority: Mapped[Priority] = mapped_column(str_enum(Priority), default=Priority.NORMAL)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    """The channel the case came in on; later messages carry their own."""
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    shared_with_organization: Mapped[bool] = mapped_column(Boolean, default=False)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    customer_tier: Mapped[Tier] = mapped_column(str_enum(Tier), default=Tier.STANDARD)
    """The customer's tier when the case opened, kept here so the fair queue is one index away."""
    language: Mapped[str | None] = mapped_column(String(16))
    """The language to answer in and route by (P14): the customer's preference, else what they wrote in."""
    sentiment: Mapped[float | None] = mapped_column(Float)
    """Tone of the customer's latest message, -1 (angry) … 1 (glad); VADER's compound score."""
    upset: Mapped[bool] = mapped_column(Boolean, default=False)
    """The latest message reads as clearly unhappy: the fair queue gives it a bounded lift (P9)."""
    thread_key: Mapped[str | None] = mapped_column(String(16))
    """The secret half of the case's subject token `[#1234-k3x9mq]`: a number alone can be guessed."""
    follow_up_of: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    """The closed case a customer wrote back on, when this case continues it."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    first_human_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When a person (not an automatic acknowledgement) first answered the customer (P1)."""
    last_customer_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the next service-level target falls due; null while nothing runs (waiting on the customer, resolved)."""
    due_kind: Mapped[str | None] = mapped_column(String(16))
    """Which target that is: `first_reply`, `next_reply` or `resolution` (`service_levels`)."""
    came_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the customer came back within a week of its resolution — wrote again, reopened it or
    opened a repeat contact: then it was not resolved the first time (P12, `cases.repeats`)."""

    customer: Mapped[Customer] = relationship(lazy="raise")
    owner: Mapped[Staff | None] = relationship(lazy="raise")
    team: Mapped[Team | None] = relationship(lazy="raise")
    tags: Mapped[list[CaseTag]] = relationship(lazy="raise", cascade="all, delete-orphan", order_by="CaseTag.tag")

    # Each index serves one shape of list the desk asks for: a team's queue,
    # an agent's own cases, a customer's history, everything in a status. All
    # end in id so keyset pagination is a range scan.
    __table_args__ = (
        Index("ix_cases_team_status_id", "team_id", "status", "id"),
        Index("ix_cases_team_status_updated", "team_id", "status", "updated_at", "id"),
        Index("ix_cases_owner_status_id", "owner_id", "status", "id"),
        Index("ix_cases_status_id", "status", "id"),
        Index("ix_cases_customer_id", "customer_id", "id"),
        Index("ix_cases_follow_up_of", "follow_up_of"),  # deleting a case clears its follow-ups' link
        # "Due soon": a team's cases (or everyone's) by the next due time; null (nothing due) is never read.
        Index("ix_cases_team_due", "team_id", "due_at", "id"),
        Index("ix_cases_due", "due_at", "id"),
        # First-contact resolution per team and per agent over a period (`cases.repeats.figures`).
        Index("ix_cases_team_resolved", "team_id", "resolved_at"),
        Index("ix_cases_owner_resolved", "owner_id", "resolved_at"),
        # The Chats queue and its count: live chats (by status), a team's or everyone's, waiting or taken.
        Index("ix_cases_live_chats", "channel", "status", "team_id", "owner_id"),
        # "Take next": per team, the longest-waiting new case of each priority, tier and mood is one seek away.
        Index(
            "ix_cases_take_next",
            "team_id",
            "status",
            "priority",
            "customer_tier",
            "upset",
            "last_customer_message_at",
            "id",
        ),
    )

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]


class CaseTag(Base):
    __tablename__ = "case_tags"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (Index("ix_case_tags_tag_case", "tag", "case_id"),)


class TimelineEntry(Base):
    """One thing on a case's timeline: a message, an internal note or an event."""

    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind))
    is_public: Mapped[bool] = mapped_column(Boolean)
    """Shown to the customer. Notes and most events are internal."""
    direction: Mapped[str | None] = mapped_column(String(8))
    """`inbound` (from the customer) or `outbound` (to them), for messages."""
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    author_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    author_customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    is_automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    """Sent by the software (an acknowledgement), so it never counts as a human reply."""
    body: Mapped[str | None] = mapped_column(Text)
    event: Mapped[EventType | None] = mapped_column(str_enum(EventType))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    case: Mapped[Case] = relationship(lazy="raise")
    author_staff: Mapped[Staff | None] = relationship(lazy="raise")
    author_customer: Mapped[Customer | None] = relationship(lazy="raise")

    __table_args__ = (Index("ix_timeline_entries_case_id", "case_id", "id"),)


class CasePreviousOwner(Base):
    """Someone who owned the case before: they keep reading it after it moves on (`rules.may_view`)."""

    __tablename__ = "case_previous_owners"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    """When it last left their hands."""

    __table_args__ = (Index("ix_case_previous_owners_staff_case", "staff_id", "case_id"),)


class CaseConsultedDepartment(Base):
    """A department asked about the case: its members read the case they are answering on."""

    __tablename__ = "case_consulted_departments"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_case_consulted_departments_department_case", "department_id", "case_id"),)
