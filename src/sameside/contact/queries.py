"""Reading what the contact policy decided."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.contact.models import ContactRecord


def records(
    session: Session,
    *,
    customer_id: int | None = None,
    allowed: bool | None = None,
    since: datetime | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> Sequence[ContactRecord]:
    """Non-essential messages asked about, newest first: who, what, sent or held and why."""
    query = select(ContactRecord).order_by(ContactRecord.id.desc()).limit(limit)
    if customer_id is not None:
        query = query.where(ContactRecord.customer_id == customer_id)
    if allowed is not None:
        query = query.where(ContactRecord.allowed.is_(allowed))
    if since is not None:
        query = query.where(ContactRecord.created_at >= since)
    if before_id is not None:
        query = query.where(ContactRecord.id < before_id)
    return session.scalars(query).all()
