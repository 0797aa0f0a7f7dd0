from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock
from sameside.kit.actors import Role


class Routing(StrEnum):
    """How a team's new cases find their owner (P9)."""

    TAKE_NEXT = "take_next"
    """Nobody is assigned: agents take the next case the fair queue offers."""
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    SKILL = "skill"
    """Agents who speak the case's language (and know its product), least loaded first."""


class Presence(StrEnum):
    """Whether someone takes live chats now, as they set it (idleness may make them less, see `staff.presence`)."""

    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class Team(Base):
    """A front-line queue (Support, Billing…)."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    routing: Mapped[Routing] = mapped_column(str_enum(Routing), default=Routing.TAKE_NEXT)
    last_routed_staff_id: Mapped[int | None] = mapped_column(Integer)
    """Round robin's place in the circle: the last agent given a case."""
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A sensitive team: only its people, supervisors, consulted departments and past owners read its cases."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Department(Base):
    """A back-office group that answers consults (operations, shipping…)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    service_level_hours: Mapped[int] = mapped_column(Integer, default=8)
    """Business hours within which a consult should be answered (P4)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Languages this person answers in (BCP 47 primary tags: `en`, `de`): skill routing."""
    products: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Products they know; matched against a case's tags by skill routing."""
    presence: Mapped[Presence] = mapped_column(str_enum(Presence), default=Presence.OFFLINE)
    """What they said they are for live chat; `staff.presence.effective` also weighs their idleness."""
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The last time a desk page of theirs was open (its heartbeat): none for a while and they are offline."""
    active_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The last time they did something at the desk: none for a while and they are away."""
    chat_capacity: Mapped[int] = mapped_column(Integer, default=3)
    """Live chats they take at once; routing gives no more while they have this many."""
    signature: Mapped[str | None] = mapped_column(Text)
    """Put under their replies that are letters (email, portal): `saved_replies.rules.signed`."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When an admin deactivated them (`is_active` false); cleared when reactivated."""

    team: Mapped[Team | None] = relationship(lazy="raise")
    department: Mapped[Department | None] = relationship(lazy="raise")


class StaffInvitation(Base):
    """An admin's invitation to join the desk, mailed as a single-use link (`staff.invitations`).

    The person exists as staff only once they accept and choose a password;
    until then this row holds what the admin chose for them. The link's token
    is stored as a digest only; resending replaces it.
    """

    __tablename__ = "staff_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    """When the current link was mailed (the first time, or the last resend)."""
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    """Who they became on accepting."""


class ChannelTeam(Base):
    """The team a channel's new cases go to (`portal`, `chat`, `email`), or every channel's (`default`).

    Mail to a team's own address goes to that team first; see `cases.routing.homes`.
    """

    __tablename__ = "channel_teams"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)


class Notification(Base):
    """Something a person on staff should see: an escalation, a consult answered, a call missed."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_notifications_staff_read_id", "staff_id", "read_at", "id"),
        Index("ix_notifications_case_id", "case_id"),  # a deleted case takes its notifications with it
    )


class NotificationPreference(Base):
    """How a person on staff wants to be told besides the desk: the kinds of notification they also get by email.

    No row is the default: the desk only.
    """

    __tablename__ = "staff_notification_preferences"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    email_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
