"""The saved replies table; an agent's signature is a column of `staff` (`Staff.signature`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sameside.cases.rules import CaseStatus, Priority
from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock


class SavedReply(Base):
    """An answer kept for reuse: personal (`owner_id`) or shared (no owner; a team's alone when `team_id`)."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    """The text with its placeholders (`{{ customer.form_of_address }}`), checked when saved."""
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    """Whose personal reply it is; None: shared."""
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    """A shared reply offered only to this team's people (supervisors and admins see every one)."""
    status: Mapped[CaseStatus | None] = mapped_column(str_enum(CaseStatus))
    """Where sending it leaves the case, unless the agent chose otherwise in the reply form."""
    priority: Mapped[Priority | None] = mapped_column(str_enum(Priority))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Tags added to the case when it is sent (the case's own stay)."""
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    """Replies sent with it."""
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (
        Index("ix_saved_replies_owner_id", "owner_id"),
        Index("ix_saved_replies_team_id", "team_id"),
        Index("ix_saved_replies_created_by", "created_by"),
        Index("ix_saved_replies_updated_by", "updated_by"),
    )

    @property
    def shared(self) -> bool:
        return self.owner_id is None
