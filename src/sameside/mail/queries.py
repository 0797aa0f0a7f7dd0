"""Reading mail records: attachments for a timeline, inbound mail for the admins' list."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.kit.errors import NotFound
from sameside.mail.models import Attachment, InboundMail, InboundState


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
