"""Starting, resuming and speaking in a chat, and telling the visitor honestly how long the wait is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from sameside.attachments import rules as files_rules
from sameside.attachments import service as attachments
from sameside.cases import service as cases
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus, EntryKind
from sameside.cases.waits.queries import expected_wait
from sameside.chat.errors import AddressNotTheirsYet, BadConfirmation
from sameside.chat.models import ChatSession
from sameside.chat.queries import chat_now
from sameside.customers import service as customers
from sameside.customers.models import Customer
from sameside.customers.queries import email_identity, proven_addresses
from sameside.customers.rules import Channel, IdentityKind, receives_sign_in_links
from sameside.kit import clock
from sameside.kit.actors import CustomerActor
from sameside.kit.addresses import normalize_email
from sameside.kit.errors import Invalid
from sameside.kit.events import publish
from sameside.kit.secrets import digest, new_token
from sameside.mail import outbox
from sameside.mail import queries as mail_queries
from sameside.staff import presence
from sameside.staff.models import Staff

NAME_MAX = 200
CONFIRM_TIME = timedelta(hours=24)
"""How long the link mailed to a chat visitor's address stays good."""
CONFIRM_LINKS_PER_HOUR = 3
"""Confirmation links one address receives in an hour at most, however many chats name it."""
CONFIRMATION_PURPOSE = "chat_confirmation"


@dataclass(frozen=True)
class Started:
    chat: ChatSession
    token: str
    """Shown once, to the visitor's browser; we keep only its digest."""


@dataclass(frozen=True)
class Confirmed:
    chat: ChatSession
    customer: Customer
    """Whose address it is: the chat is filed on them (and they may be signed in)."""


@dataclass(frozen=True)
class SharedFile:
    """A file on a chat line, as either side may see it: the adapter signs the link to it."""

    id: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Line:
    id: int
    author: str
    mine: bool
    body: str
    at: str
    automatic: bool
    files: tuple[SharedFile, ...] = ()
    refused: tuple[str, ...] = ()
    """The visitor's own lines only: the files that did not go with it, and why."""


@dataclass(frozen=True)
class Wait:
    position: int
    """Chats in its team waiting for a person ahead of this one, this one included; 0 when not waiting in a
    queue someone is working (answered, taken, or nobody online to count a place for)."""
    typical_seconds: int | None
    """How long a first human answer took lately (median, `cases.waits`); None when there is too little to say,
    or nobody is online to make it true."""
    people_online: int = 0
    """People in the chat's team online for chat now (`staff.presence`)."""
    person: str | None = None
    """Who has the chat, once someone does."""


def start(
    session: Session,
    *,
    name: str,
    email: str,
    message: str,
    signed_in: CustomerActor | None = None,
    confirm_link: str,
) -> Started:
    """A visitor starts a chat: a case in their own words, filed on whom they have proven to be.

    Signed in to the portal (`signed_in`), the chat is filed on their own
    record at once. Otherwise the address they typed is only a claim: the case
    goes on a customer of its own, known by this chat alone — never on the
    record of whoever owns that address, whose portal, history and tier a
    stranger could otherwise reach — and a single-use link to `confirm_link`
    is mailed to the address (at most `CONFIRM_LINKS_PER_HOUR` an hour per
    address). Following it (`confirm`) files the chat on that address's customer.
    """
    name = " ".join(name.split())[:NAME_MAX]
    customer = session.get(Customer, signed_in.customer_id) if signed_in is not None else None
    claimed: str | None = None
    if customer is None:
        if not name:
            raise Invalid("Please tell us your name.")
        claimed = normalize_email(email)
        # A customer for this chat alone; the CHAT identity is what it is known by.
        customer, _ = customers.find_or_create(
            session, kind=IdentityKind.CHAT, value=f"visitor-{new_token()[:22]}", name=name
        )
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
    now = clock.now()
    chat = ChatSession(
        token_digest=digest(token),
        case_id=case.id,
        customer_id=customer.id,
        claimed_email=claimed,
        verified_at=now if claimed is None else None,
        created_at=now,
    )
    session.add(chat)
    session.flush()
    if claimed is not None:
        _mail_confirmation(session, chat, name, claimed, confirm_link)
    return Started(chat, token)


def resume(session: Session, token: str, *, signed_in: CustomerActor | None = None) -> ChatSession | None:
    """The chat this browser's token belongs to, or None.

    A visitor not yet proven who comes back signed in to the portal as the
    customer whose address they typed has proven it: the chat is filed on
    their record. Signed in as anyone else (a shared computer), the chat stays
    as it was. `signed_in` comes only from a session cookie on our own site
    (see `web.chat`).
    """
    if not token or len(token) > 200:
        return None
    found = session.scalar(select(ChatSession).where(ChatSession.token_digest == digest(token)))
    if found is not None and found.verified_at is None and signed_in is not None:
        theirs = {i.value for i in proven_addresses(session, signed_in.customer_id)}
        customer = session.get(Customer, signed_in.customer_id)
        if customer is not None and found.claimed_email in theirs:
            _file_on(session, found, customer)
    return found


def confirm(session: Session, token: str) -> Confirmed:
    """Use a confirmation link once: the chat is filed on the customer its address belongs to.

    Opening the link proves the visitor owns the address they typed, which
    then counts as verified; the customer is created now if nobody had it yet.
    An address staff added to a customer and nobody has confirmed yet
    (`Proof.PENDING`) is not known to be that customer's: owning it proves
    nothing about them, so the chat stays apart (`AddressNotTheirsYet`) — as
    it receives no sign-in link either. Expired, used and unknown links fail alike.
    """
    refused = BadConfirmation("This confirmation link is not valid any more; start the chat again if you need to.")
    if not token or len(token) > 200:
        raise refused
    found = session.scalar(select(ChatSession).where(ChatSession.confirm_digest == digest(token)))
    if found is None or found.claimed_email is None or (found.confirm_expires_at or clock.now()) <= clock.now():
        raise refused
    # Conditional update: of two simultaneous uses only one matches.
    claimed = session.execute(
        update(ChatSession)
        .where(ChatSession.id == found.id, ChatSession.confirm_digest == digest(token))
        .values(confirm_digest=None)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise refused
    session.refresh(found)
    identity = email_identity(session, found.claimed_email)
    if identity is not None and not receives_sign_in_links(identity.kind, identity.proof):
        raise AddressNotTheirsYet(
            "This address is still waiting to be confirmed on its account, so we cannot connect the chat to it. "
            "Sign in to the portal with an address already confirmed there, then open the chat again."
        )
    visitor = session.get(Customer, found.customer_id)
    customer, _ = customers.find_or_create(
        session, kind=IdentityKind.EMAIL, value=found.claimed_email, name=visitor.name if visitor else None
    )
    identity = identity or email_identity(session, found.claimed_email)
    assert identity is not None  # just found or made
    customers.prove_identity(session, identity)
    if found.verified_at is None:
        _file_on(session, found, customer)
    return Confirmed(found, customer)


def _file_on(session: Session, chat: ChatSession, customer: Customer) -> None:
    """The visitor proved to be `customer`: the chat's case and the lines they wrote become theirs.

    A call booked from the chat keeps naming the visitor's own record (callbacks
    sit beside chat, not below it); it stays on the case, which is what shows it.
    """
    visitor_id = chat.customer_id
    case = session.get(Case, chat.case_id, with_for_update=True)
    assert case is not None  # the chat is deleted with its case
    if visitor_id != customer.id:
        case.customer_id = customer.id
        case.customer_tier = customer.tier
        session.execute(
            update(TimelineEntry)
            .where(TimelineEntry.case_id == case.id, TimelineEntry.author_customer_id == visitor_id)
            .values(author_customer_id=customer.id)
        )
    chat.customer_id = customer.id
    chat.verified_at = clock.now()
    chat.confirm_digest = None
    session.flush()
    publish(session.info, "case.customer", case_id=case.id)


def _mail_confirmation(session: Session, chat: ChatSession, name: str, address: str, link: str) -> None:
    if outbox.sent_last_hour(session, address, CONFIRMATION_PURPOSE) >= CONFIRM_LINKS_PER_HOUR:
        # Enough links are on their way; more would only serve someone filling that inbox.
        return
    token = new_token()
    chat.confirm_digest = digest(token)
    chat.confirm_expires_at = clock.now() + CONFIRM_TIME
    cfg = outbox.config()
    outbox.queue(
        session,
        purpose=CONFIRMATION_PURPOSE,
        envelope=outbox.Envelope(
            to_address=address, to_name=name, from_name=cfg.from_name, from_address=cfg.from_address
        ),
        subject="Was it you in our chat?",
        text=(
            f"Hello {name},\n\n"
            f"someone started a chat with us just now and gave this address, {address}. If it was you, "
            "follow this link: the chat joins your account, and you can read it and our answers "
            f"in your portal.\n\n{link}?token={token}\n\n"
            f"It works once, within the next {CONFIRM_TIME.total_seconds() // 3600:.0f} hours. "
            "If it was not you, ignore this email: the chat stays apart from your account, "
            "and nobody in it sees your cases."
        ),
        automatic="auto-generated",
        sensitive=True,
    )


def say(session: Session, chat_id: int, text: str) -> TimelineEntry:
    """The visitor says something; it is theirs on the case (whoever they are proven to be by now)."""
    chat = chat_now(session, chat_id)
    case = session.get(Case, chat.case_id)
    customer = session.get(Customer, chat.customer_id)
    assert case is not None and customer is not None
    actor = CustomerActor(customer.id, customer.organization_id)
    return cases.receive_message(session, actor, case, text, channel=Channel.CHAT)


def say_with_files(
    session: Session, chat_id: int, text: str, files: files_rules.Sorted, store: Callable[[bytes], str]
) -> TimelineEntry:
    """The visitor says something with files (already sorted by `attachments.rules.check`).

    The line goes with the files that passed; the refused ones are named on it
    (`files_refused`), as on a portal message. A line of files alone says
    which ones were sent; with neither words nor a file that passed, nothing
    goes and `Invalid` says why each file was refused.
    """
    if not text.strip():
        if not files.accepted:
            reasons = files.message or "choose a file or write a message"
            raise Invalid(f"Nothing was sent: {reasons}.")
        names = ", ".join(f.filename for f in files.accepted)
        text = f"Sent {'a file' if len(files.accepted) == 1 else f'{len(files.accepted)} files'}: {names}"
    chat = chat_now(session, chat_id)
    case = session.get(Case, chat.case_id)
    customer = session.get(Customer, chat.customer_id)
    assert case is not None and customer is not None
    actor = CustomerActor(customer.id, customer.organization_id)
    data = {"files_refused": [str(r) for r in files.refused]} if files.refused else None
    entry = cases.receive_message(session, actor, case, text, channel=Channel.CHAT, data=data)
    attachments.attach(session, store, case_id=case.id, entry_id=entry.id, files=files.accepted)
    return entry


def transcript(session: Session, chat: ChatSession, *, after: int = 0) -> list[Line]:
    """The conversation as the visitor sees it: public messages only, oldest first, with their files.

    Only files on this chat's own case, on its public messages, are listed:
    the only way a visitor learns of (and gets a link to) a file.
    """
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
    shared = mail_queries.attachments_of(session, chat.case_id, [row.id for row in rows])
    lines = []
    for row in rows:
        if row.author_staff is not None:
            author = row.author_staff.name
        elif row.author_customer_id == chat.customer_id:
            author = "You"
        else:
            author = "Our team"
        mine = row.author_customer_id == chat.customer_id
        refused = (row.data or {}).get("files_refused") if mine else None
        lines.append(
            Line(
                id=row.id,
                author=author,
                mine=mine,
                body=row.body or "",
                at=row.created_at.isoformat(),
                automatic=row.is_automatic,
                files=tuple(SharedFile(a.id, a.filename, a.content_type, a.size) for a in shared.get(row.id, [])),
                refused=tuple(str(r) for r in refused) if isinstance(refused, list) else (),
            )
        )
    return lines


def wait(session: Session, chat: ChatSession) -> Wait:
    """Where this chat stands, from real figures only: no place or estimate when nobody is online to serve it."""
    case = session.get(Case, chat.case_id)
    assert case is not None
    now = clock.now()
    online = len(presence.online_in(session, case.team_id, now=now)) if case.team_id is not None else 0
    if case.owner_id is not None:
        owner = session.get(Staff, case.owner_id)
        return Wait(position=0, typical_seconds=None, people_online=online, person=owner.name if owner else None)
    if online == 0 or case.first_human_reply_at is not None or case.status is not CaseStatus.NEW:
        return Wait(position=0, typical_seconds=None, people_online=online)
    position = session.scalar(
        select(func.count())
        .select_from(Case)
        .where(
            Case.team_id == case.team_id,
            Case.channel == Channel.CHAT,
            Case.status == CaseStatus.NEW,
            Case.owner_id.is_(None),
            Case.first_human_reply_at.is_(None),
            Case.id <= case.id,
        )
    )
    # The same honest figure the email acknowledgement states, over every team's chats.
    typical = expected_wait(session, now=now, every_team=True, channel=Channel.CHAT).median
    return Wait(
        position=int(position or 1),
        typical_seconds=int(typical.total_seconds()) if typical else None,
        people_online=online,
    )
