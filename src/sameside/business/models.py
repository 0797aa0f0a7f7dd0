"""The business's settings (one row), its holidays and the addresses mail comes in to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime
from sameside.kit import clock

SETTINGS_ID = 1


class BusinessSettings(Base):
    """The one row of settings that belong to the business. Absent until an admin first saves: the
    environment's values apply until then. `stamp` changes with every save; readers compare it to decide
    whether what they cached is still true."""

    __tablename__ = "business_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    stamp: Mapped[str] = mapped_column(String(32))
    week: Mapped[dict[str, Any]] = mapped_column(JSON)
    """`{"mon": [["09:00", "17:00"]], …}`; a day left out is closed."""
    timezone: Mapped[str] = mapped_column(String(64))
    support_phone: Mapped[str | None] = mapped_column(String(40))
    reply_target_hours: Mapped[int] = mapped_column(Integer)
    tier_cap_minutes: Mapped[int] = mapped_column(Integer)
    callback_minutes: Mapped[int] = mapped_column(Integer)
    chat_greeting: Mapped[str] = mapped_column(String(300))
    company_name: Mapped[str | None] = mapped_column(String(80))
    primary_colour: Mapped[str | None] = mapped_column(String(7))
    accent_colour: Mapped[str | None] = mapped_column(String(7))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    logo_type: Mapped[str | None] = mapped_column(String(32))
    service_targets: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The default service-level policy, `{"normal": [first reply, next reply, resolution], …}` in business
    minutes per priority; None: derived from the reply target (`cases.service_levels.rules.default_targets`)."""
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Holiday(Base):
    """A whole day the business is closed: service-level clocks stop, callbacks are not offered."""

    __tablename__ = "business_holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(80))


class InboundAddress(Base):
    """An address the SMTP listener takes mail for, and the team its new cases go to (none: the usual routing)."""

    __tablename__ = "inbound_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Mailbox(Base):
    """An IMAP mailbox the poller empties into the desk, kept here by an admin (the environment may add more).

    `password` is write-only: no page or answer ever shows it back. It is stored as given, because the poller
    must log in with it; whoever can read this database can read it (see docs/admin.md)."""

    __tablename__ = "imap_mailboxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    """Fixed once made: it keys the messages already taken (with the folder's UIDVALIDITY)."""
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer)
    ssl: Mapped[bool] = mapped_column(Boolean, default=True)
    username: Mapped[str] = mapped_column(String(254))
    password: Mapped[str] = mapped_column(String(500))
    folder: Mapped[str] = mapped_column(String(200), default="INBOX")
    after: Mapped[str] = mapped_column(String(200), default="seen")
    """`seen`, `delete` or `move:FOLDER`: what is done to a message on the server once it is stored."""
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
