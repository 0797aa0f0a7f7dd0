from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock


class LinkKind(StrEnum):
    RELATED = "related"
    """Two cases about one thing; stored once, the lower number first, and read both ways."""
    MERGED = "merged"
    """`case_id` was a duplicate, closed into `other_id` (the survivor)."""
    SPLIT = "split"
    """`case_id` began as a message split off `other_id`."""


class CaseLink(Base):
    """One link between two cases. A pair is linked at most once, whatever the kind."""

    __tablename__ = "case_links"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[LinkKind] = mapped_column(str_enum(LinkKind))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    # The primary key finds a case's own links (merged into, split from, related as the lower number);
    # this one the links pointing at it (merged from, split into, related as the higher number).
    __table_args__ = (Index("ix_case_links_other_case", "other_id", "case_id"),)
