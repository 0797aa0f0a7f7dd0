"""The contact policy's settings (one row), what it decided for each non-essential message, and customers' choices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime
from sameside.kit import clock

SETTINGS_ID = 1


class ContactSettings(Base):
    """The business's contact policy. Absent until an admin first saves: the defaults (`rules.Policy`) apply."""

    __tablename__ = "contact_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    cap: Mapped[int] = mapped_column(Integer)
    period_days: Mapped[int] = mapped_column(Integer)
    survey_interval_days: Mapped[int] = mapped_column(Integer)
    survey_delay_minutes: Mapped[int] = mapped_column(Integer)
    surveys_on: Mapped[bool] = mapped_column(Boolean)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ContactRecord(Base):
    """One non-essential message the policy was asked about: sent (it counts toward the cap) or held, and why.

    Essential messages are never asked about, so never written here.
    """

    __tablename__ = "contact_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    purpose: Mapped[str] = mapped_column(String(32))
    allowed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(500))
    """Why it was held; none when it went."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (
        # The cap's count: one customer's messages that went, in a period (a range on the last column).
        Index("ix_contact_records_customer_allowed_at", "customer_id", "allowed", "created_at"),
        Index("ix_contact_records_case_id", "case_id"),
    )


class ContactChoice(Base):
    """What a customer told us they would rather not get. No row: the defaults (surveys welcome)."""

    __tablename__ = "contact_choices"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    no_surveys: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


__all__ = ["SETTINGS_ID", "ContactChoice", "ContactRecord", "ContactSettings"]
