"""Reads about chats: a chat as it stands now, and what the desk says about a case's chat visitor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.chat.models import ChatSession


@dataclass(frozen=True)
class Visitor:
    """Who a case's chat visitor is, as far as they have proven it."""

    claimed_email: str | None
    """The address they typed; None when they came signed in."""
    verified_at: datetime | None
    """None: not proven — the case is on a record of the chat's own, and the desk shows no one's history."""


def chat_now(session: Session, chat_id: int) -> ChatSession:
    """The chat as it is now (it may have been filed on a proven customer since the socket opened)."""
    found = session.get(ChatSession, chat_id, populate_existing=True)
    assert found is not None  # a socket's chat goes only with its case, and the socket with it
    return found


def visitor_of_case(session: Session, case_id: int) -> Visitor | None:
    """The chat visitor a case came from, or None when it did not come by chat."""
    row = session.execute(
        select(ChatSession.claimed_email, ChatSession.verified_at)
        .where(ChatSession.case_id == case_id)
        .order_by(ChatSession.id)
        .limit(1)
    ).first()
    return Visitor(row.claimed_email, row.verified_at) if row is not None else None
