from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime
from sameside.kit import clock


class Consult(Base):
    """A question from a case's owner to a department, due by its internal service level."""

    __tablename__ = "consults"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    question: Mapped[str] = mapped_column(Text)
    asked_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the owner and the department were told it is overdue (once)."""

    __table_args__ = (
        Index("ix_consults_department_open_due", "department_id", "answered_at", "due_at"),
        Index("ix_consults_case_id", "case_id"),
        # The worker's "newly overdue?" check, every round: open, not yet flagged, by due time.
        Index("ix_consults_overdue", "answered_at", "overdue_flagged_at", "due_at"),
    )
