"""What we keep of email: every raw message received, the thread index, what we send, attachments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock


class InboundState(StrEnum):
    RECEIVED = "received"
    """Stored, not yet read: the SMTP listener said 250 at this point."""
    FILED = "filed"
    """On a case: a new one, or joined to its thread."""
    IGNORED = "ignored"
    """Kept but on no case: a bounce, a read receipt, an auto-reply to nothing of ours."""
    QUARANTINED = "quarantined"
    """Could not be read or filed; the reason says why. An admin may reprocess it."""


class InboundMail(Base):
    """One message as it arrived, byte for byte, and what became of it."""

    __tablename__ = "mail_inbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    source: Mapped[str] = mapped_column(String(16))
    """`smtp`, `imap` or `import`."""
    mailbox: Mapped[str | None] = mapped_column(String(300))
    """For IMAP: the mailbox's name in the configuration, with its UIDVALIDITY."""
    uid: Mapped[str | None] = mapped_column(String(32))
    """For IMAP: the message's UID in that mailbox. (mailbox, uid) is unique."""
    envelope_from: Mapped[str | None] = mapped_column(String(320))
    envelope_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the message without its trace headers: the same message by two routes hashes alike."""
    message_id: Mapped[str | None] = mapped_column(String(998))
    size: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    state: Mapped[InboundState] = mapped_column(str_enum(InboundState), default=InboundState.RECEIVED)
    kind: Mapped[str | None] = mapped_column(String(16))
    """How it was classified: human, auto_reply, bulk, bounce, report, loop."""
    reason: Mapped[str | None] = mapped_column(String(2000))
    """Why it was quarantined or ignored, in words an admin can act on."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("timeline_entries.id", ondelete="SET NULL"))
    html: Mapped[str | None] = mapped_column(Text, deferred=True)
    """The HTML part, sanitised: kept for a faithful view; the timeline shows text."""
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("mailbox", "uid"),
        Index("ix_mail_inbound_content_hash", "content_hash"),
        Index("ix_mail_inbound_state_id", "state", "id"),
        Index("ix_mail_inbound_case_id", "case_id"),
    )


class MessageRef(Base):
    """The thread index: a Message-ID we have seen or sent, and the case it belongs to."""

    __tablename__ = "mail_message_refs"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("timeline_entries.id", ondelete="SET NULL"))
    direction: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (
        Index("ix_mail_message_refs_message_id", "message_id"),
        Index("ix_mail_message_refs_case_id", "case_id", "id"),
    )


class OutboundState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    """The receiving server refused it for good, or we gave up retrying."""
    BOUNCED = "bounced"
    """Accepted, then returned by a later server (a delivery-status report)."""
    SUPPRESSED = "suppressed"
    """Never sent, on purpose (the demo's made-up past); `last_error` says why."""


class OutboundMail(Base):
    """A message we send, composed once so every retry sends the same bytes and Message-ID."""

    __tablename__ = "mail_outbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    """`reply`, `acknowledgement`, `magic_link`, `notification`."""
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("timeline_entries.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    sender: Mapped[str] = mapped_column(String(320))
    """The envelope sender (MAIL FROM)."""
    recipient: Mapped[str] = mapped_column(String(320))
    cc: Mapped[list[str] | None] = mapped_column(JSON)
    """People in Cc, envelope recipients too (a staff reply's copies); their failure never fails the message."""
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    """The composed message; cleared once sent when it carries a credential."""
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[OutboundState] = mapped_column(str_enum(OutboundState), default=OutboundState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_mail_outbound_case_id", "case_id", "id"),
        Index("ix_mail_outbound_recipient_purpose", "recipient", "purpose", "created_at"),
    )


class Attachment(Base):
    """A file that came with a message. The bytes live in the blob store under their SHA-256."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    """As the sender named it, made inert; never used as a path."""
    content_type: Mapped[str] = mapped_column(String(255))
    content_id: Mapped[str | None] = mapped_column(String(255))
    inline: Mapped[bool] = mapped_column(Boolean, default=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("timeline_entries.id", ondelete="SET NULL"))
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("mail_inbound.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (
        Index("ix_attachments_case_id", "case_id", "id"),
        Index("ix_attachments_entry_id", "entry_id"),
    )


class CaseParticipant(Base):
    """Someone besides the customer on a case's email thread (a colleague in Cc).

    Their replies join the case; a stranger's do not.
    """

    __tablename__ = "case_participants"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


__all__ = [
    "Attachment",
    "CaseParticipant",
    "InboundMail",
    "InboundState",
    "MessageRef",
    "OutboundMail",
    "OutboundState",
]
