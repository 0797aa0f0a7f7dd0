from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime
from sameside.kit import clock


class ChatSession(Base):
    """A visitor's chat: the case it lives on, and the digest of the token their browser keeps.

    A visitor is who they say only once proven (`verified_at`): until then the
    case is filed on a customer of its own, known by this chat alone, and the
    address they typed is only `claimed_email`.
    """

    __tablename__ = "chat_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    """Whom the case is filed on: the chat's own customer until proven, then the customer they proved to be."""
    claimed_email: Mapped[str | None] = mapped_column(String(320))
    """The address the visitor typed (normalised); None when they came signed in."""
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the visitor proved who they are (signed in, or followed the link mailed to `claimed_email`)."""
    confirm_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    """Digest of the single-use confirmation link mailed to `claimed_email`; cleared once used."""
    confirm_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
