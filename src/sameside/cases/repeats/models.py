from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime
from sameside.kit import clock


class RepeatContact(Base):
    """A new case that is the same problem as a case resolved for the same customer within the week before."""

    __tablename__ = "repeat_contacts"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    """The new contact; a case is the repeat of one earlier case at most."""
    earlier_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    shared: Mapped[str] = mapped_column(String(500), default="")
    """What both name, as shown to the agent: order numbers first, then words."""
    routed_to: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    """The earlier owner, when the new case was routed back to them (they were at the desk)."""
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (Index("ix_repeat_contacts_earlier", "earlier_id"),)
