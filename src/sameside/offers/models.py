from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.grants.rules import GrantKind, Purpose
from sameside.kit import clock
from sameside.offers.rules import OfferState, Via


class Offer(Base):
    """Resolutions the owner offered on a case, open until one is chosen, countered, or it expires."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    made_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    warn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the customer is told it is about to expire (once; `warned_at` says it was done)."""
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[OfferState] = mapped_column(str_enum(OfferState), default=OfferState.OPEN)
    chosen_option_id: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    via: Mapped[Via | None] = mapped_column(str_enum(Via))
    counter: Mapped[str | None] = mapped_column(Text)
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id", ondelete="SET NULL"))

    options: Mapped[list[OfferOption]] = relationship(
        order_by="OfferOption.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_offers_case", "case_id", "id"),
        Index("ix_offers_open_warn", "state", "warn_at"),
        Index("ix_offers_open_expiry", "state", "expires_at"),
        Index("ix_offers_made_at", "made_at"),
    )


class OfferOption(Base):
    """One way to put it right, in words, maybe with a grant it carries out when chosen."""

    __tablename__ = "offer_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    grant_kind: Mapped[GrantKind | None] = mapped_column(str_enum(GrantKind))
    grant_purpose: Mapped[Purpose | None] = mapped_column(str_enum(Purpose))
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
