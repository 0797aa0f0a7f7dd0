"""Starting, resuming and speaking in a chat, and telling the visitor honestly how long the wait is."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from sameside.cases import service as cases
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus, EntryKind
from sameside.cases.waits.queries import expected_wait
from sameside.chat.models import ChatSession
from sameside.customers import service as customers
from sameside.customers.models import Customer
from sameside.customers.rules import Channel, IdentityKind
from sameside.kit import clock
from sameside.kit.actors import CustomerActor
from sameside.kit.errors import Invalid
from sameside.kit.secrets import digest, new_token

NAME_MAX = 200


@dataclass(frozen=True)
class Started:
    chat: ChatSession
    token: str
    """Shown once, to the visitor's browser; we keep only its digest."""


@dataclass(frozen=True)
class Line:
    id: int
    author: str
    mine: bool
    body: str
    at: str
    automatic: bool


@dataclass(frozen=True)
class Wait:
    position: int
    """Chats waiting for a first answer ahead of this one, this one included."""
    typical_seconds: int | None
    """How long a first human answer took lately (median, `cases.waits`); None when there is too little to say."""


def start(session: Session, *, name: str, email: str, message: str) -> Started:
    """A visitor starts a chat: a case for them (found by their address), in their own words."""
    name = " ".join(name.split())[:NAME_MAX]
    if not name:
        raise Invalid("Please tell us your name.")
    customer, _ = customers.find_or_create(session, kind=IdentityKind.EMAIL, value=email, name=name)
    first_line = " ".join(message.strip().splitlines()[0].split())[:80] if message.strip() else ""
    case = cases.open_case(
        session,
        CustomerActor(customer.id, customer.organization_id),
        customer=customer,
        subject=f"Chat: {first_line}" if first_line else "Chat",
        body=message,
        channel=Channel.CHAT,
    )
    token = new_token()
    chat = ChatSession(token_digest=digest(token), case_id=case.id, customer_id=customer.id, created_at=clock.now())
    session.add(chat)
    session.flush()
    return Started(chat, token)


def resume(session: Session, token: str) -> ChatSession | None:
    if not token or len(token) > 200:
        return None
    return session.scalar(select(ChatSession).where(ChatSession.token_digest == digest(token)))


def say(session: Session, chat: ChatSession, text: str) -> TimelineEntry:
    case = session.get(Case, chat.case_id)
    customer = session.get(Customer, chat.customer_id)
    assert case is not None and customer is not None
    actor = CustomerActor(customer.id, customer.organization_id)
    return cases.receive_message(session, actor, case, text, channel=Channel.CHAT)


def transcript(session: Session, chat: ChatSession, *, after: int = 0) -> list[Line]:
    """The conversation as the visitor sees it: public messages only, oldest first."""
    rows = session.scalars(
        select(TimelineEntry)
        .where(
            TimelineEntry.case_id == chat.case_id,
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.is_public.is_(True),
            TimelineEntry.id > after,
        )
        .order_by(TimelineEntry.id)
        .options(joinedload(TimelineEntry.author_staff))
    ).all()
    lines = []
    for row in rows:
        if row.author_staff is not None:
            author = row.author_staff.name
        elif row.author_customer_id == chat.customer_id:
            author = "You"
        else:
            author = "Our team"
        lines.append(
            Line(
                id=row.id,
                author=author,
                mine=row.author_customer_id == chat.customer_id,
                body=row.body or "",
                at=row.created_at.isoformat(),
                automatic=row.is_automatic,
            )
        )
    return lines


def wait(session: Session, chat: ChatSession) -> Wait:
    """Where this chat stands, and what the recent past says about the wait — no invented numbers."""
    waiting = (
        Case.channel == Channel.CHAT,
        Case.status == CaseStatus.NEW,
        Case.first_human_reply_at.is_(None),
    )
    case = session.get(Case, chat.case_id)
    assert case is not None
    if case.first_human_reply_at is not None or case.status is not CaseStatus.NEW:
        return Wait(position=0, typical_seconds=None)
    position = session.scalar(select(func.count()).select_from(Case).where(*waiting, Case.id <= case.id)) or 1
    # The same honest figure the email acknowledgement states, over every team's chats.
    typical = expected_wait(session, now=clock.now(), every_team=True, channel=Channel.CHAT).median
    return Wait(position=int(position), typical_seconds=int(typical.total_seconds()) if typical else None)
