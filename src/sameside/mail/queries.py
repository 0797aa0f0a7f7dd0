"""Reading mail records: attachments and delivery states for a timeline, inbound mail for the admins' list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.kit.errors import NotFound
from sameside.mail.models import Attachment, InboundMail, InboundState, OutboundMail, OutboundState


def attachments_of(session: Session, case_id: int, entry_ids: Sequence[int]) -> dict[int, list[Attachment]]:
    """The attachments of these timeline entries, by entry."""
    found: dict[int, list[Attachment]] = {}
    if not entry_ids:
        return found
    rows = session.scalars(
        select(Attachment)
        .where(Attachment.case_id == case_id, Attachment.entry_id.in_(entry_ids))
        .order_by(Attachment.id)
    )
    for row in rows:
        assert row.entry_id is not None
        found.setdefault(row.entry_id, []).append(row)
    return found


@dataclass(frozen=True, slots=True)
class Sent:
    """What became of one email we wrote for a timeline entry (its reply, or the notice of a portal reply)."""

    id: int
    purpose: str
    recipient: str
    cc: list[str]
    state: OutboundState
    queued_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
    error: str | None
    """Why it failed or bounced, as the receiving server said it."""


def sent_for(session: Session, case_id: int, entry_ids: Sequence[int]) -> dict[int, list[Sent]]:
    """The emails of these timeline entries, by entry, oldest first (one index range on the case)."""
    found: dict[int, list[Sent]] = {}
    if not entry_ids:
        return found
    rows = session.execute(
        select(
            OutboundMail.id,
            OutboundMail.entry_id,
            OutboundMail.purpose,
            OutboundMail.recipient,
            OutboundMail.cc,
            OutboundMail.state,
            OutboundMail.created_at,
            OutboundMail.sent_at,
            OutboundMail.failed_at,
            OutboundMail.last_error,
        )
        .where(OutboundMail.case_id == case_id, OutboundMail.entry_id.in_(entry_ids))
        .order_by(OutboundMail.id)
    )
    for r in rows:
        sent = Sent(
            r.id, r.purpose, r.recipient, list(r.cc or []), r.state, r.created_at, r.sent_at, r.failed_at, r.last_error
        )
        found.setdefault(r.entry_id, []).append(sent)
    return found


def attachment(session: Session, attachment_id: int) -> Attachment:
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("No such attachment.")
    return row


def inbound_page(
    session: Session, *, state: InboundState | None, before: int | None, limit: int
) -> Sequence[InboundMail]:
    """Newest first, keyset-paged by id."""
    query = select(InboundMail).order_by(InboundMail.id.desc()).limit(limit)
    if state is not None:
        query = query.where(InboundMail.state == state)
    if before is not None:
        query = query.where(InboundMail.id < before)
    return session.scalars(query).all()


def inbound(session: Session, inbound_id: int) -> InboundMail:
    row = session.get(InboundMail, inbound_id)
    if row is None:
        raise NotFound("No such inbound message.")
    return row
