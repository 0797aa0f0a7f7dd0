"""What a case sends by email: replies from its owner, notices of portal replies, and the acknowledgement of a new case.

A reply comes "From: Dana at Acme Support" — a person, by name (P3) — from
the team's address, threaded onto the customer's own mail and carrying the
case's token in the subject. Preferences (P14) shape it: the customer's
language tags the message, their form of address opens what we write
ourselves (never the agent's own words: the desk shows the agent how they like
to be addressed), their channel decides where a reply goes and their contact
window when it is emailed (the rules: `outgoing`).

Texts are English only today. Each sentence we write is a template in `EN`,
filled from plain values, so a translation is another table with the same keys,
chosen by the customer's language once there is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.attachments import rules as attaching
from sameside.attachments.rules import File
from sameside.business import service as business
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.replies import copies
from sameside.cases.replies import rules as outgoing
from sameside.cases.replies.rules import Route
from sameside.cases.waits.rules import Estimate, describe_hours, next_opening, span
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.rules import Channel, IdentityKind, Proof, zone_of
from sameside.kit.errors import Invalid
from sameside.kit.hours import DAYS, Hours
from sameside.mail import outbox
from sameside.mail.compose import FileOut, sendable
from sameside.mail.threads import reply_subject
from sameside.staff.models import Staff, Team

EN = {
    "files_left": "Too large to send by email, these files are on your case in our help portal: {files}.",
    "dear": "Dear {name},",
    "hello": "Hello {name},",
    "received": (
        "we have your message, and it is now case #{number}. A person on our team — not a bot — "
        "will read it and write back to you."
    ),
    "wait": "Lately, half of the people who wrote to us had a person's answer within {median}{p80}.",
    "wait_p80": ", and four in five within {p80}",
    "wait_clock": "Those times include nights and weekends.",
    "behind": (
        "We are behind right now: {waiting} of the last {cases} requests to us are still waiting for a person, "
        "the longest for over {longest}. We would rather tell you than promise a time we cannot keep."
    ),
    "unknown": (
        "We do not have enough recent history to promise you a time, so we will not guess; "
        "a person will answer as soon as they can."
    ),
    "away": "Our team is away right now and in from {when} ({zone}){yours}.",
    "away_yours": ", {when} your time",
    "sooner": "Need a person sooner?",
    "phone": "- Call us on {phone}{hours}.",
    "phone_hours": " ({hours}, {zone})",
    "callback": "- Book a call at a time that suits you: {link}",
    "chat": "- Chat with us live: {link}",
    "more": (
        "If you have more to add, reply to this email: it joins the same case, so you never have to "
        "tell your story twice."
    ),
    "automatic": "This message was sent automatically; replies to it reach a person.",
    "notice": '{author} has answered you on case #{number}, "{subject}". Read it, and reply, on our portal:',
    "notice_why": "As you asked, the conversation itself stays on the portal, not in your inbox.",
    "notice_reply": "You can also reply to this email; it joins the same case.",
    "someone": "Someone on our team",
    "minutes": "{n} minutes",
    "hours": "{n} hours",
    "hour": "an hour",
    "days": "{n} days",
    "today": "today at {time}",
    "tomorrow": "tomorrow at {time}",
    "weekday": "{day} {time}",
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


@dataclass(frozen=True, slots=True)
class Reach:
    """How a customer reaches a person now (P1), said in every acknowledgement; all from settings."""

    portal: str | None = None
    """The portal's address (`{base_url}/portal`): calls are booked from a case's page there."""
    phone: str | None = None
    hours: Hours | None = None
    """Business hours: when people are in (and answer the phone)."""
    chat: str | None = None
    """A page with the live chat on it, when the site has one."""


@dataclass(frozen=True, slots=True)
class Delivery:
    route: Route
    held_until: datetime | None
    """The email waits for the customer's contact window until then (UTC); None: it goes now."""


@dataclass(frozen=True, slots=True)
class ReplyChoices:
    """What the desk's reply form offers, and what it says beside it."""

    preselected: Channel
    offered: tuple[Channel, ...]
    note: str | None
    held_until: datetime | None
    """A non-urgent email written now would wait until then (their contact window)."""
    zone: ZoneInfo | None
    """The customer's time zone, to say times in."""


def deliver(
    session: Session,
    case: Case,
    customer: Customer,
    *,
    requested: Channel | None,
    send_now: bool,
    automatic: bool,
    portal: str | None,
    now: datetime,
) -> Delivery:
    """Where a staff reply goes and when its email may go (the rules: `outgoing`)."""
    chat_open = _may_chat(case, customer, requested) and chat_is_open(session, case.id, now=now)
    route = outgoing.route(
        requested,
        preferred=customer.preferred_channel,
        case_channel=case.channel,
        chat_open=chat_open,
        portal_link=portal is not None,
        has_email=requested is not None or email_address_of(session, customer.id) is not None,
    )
    if route.email is None:
        return Delivery(route, None)
    return Delivery(route, _held_until(case, customer, send_now=send_now, automatic=automatic, now=now))


def reply_choices(session: Session, case: Case, customer: Customer, *, now: datetime) -> ReplyChoices:
    """The channels an agent may answer on, the one preselected by the customer's preference, and any hold."""
    chat_open = chat_is_open(session, case.id, now=now)
    has_email = email_address_of(session, customer.id) is not None
    route = outgoing.route(
        None,
        preferred=customer.preferred_channel,
        case_channel=case.channel,
        chat_open=chat_open,
        portal_link=True,
        has_email=has_email,
    )
    offered = [
        *([Channel.EMAIL] if has_email else []),
        Channel.PORTAL,
        *([Channel.CHAT] if chat_open else []),
        Channel.PHONE,
    ]
    held = _held_until(case, customer, send_now=False, automatic=False, now=now)
    return ReplyChoices(route.channel, tuple(offered), route.note, held, zone_of(customer.timezone))


def _held_until(case: Case, customer: Customer, *, send_now: bool, automatic: bool, now: datetime) -> datetime | None:
    """When an email on this case may go by the customer's contact window; None when it goes now."""
    urgent = outgoing.is_urgent(
        priority=case.priority,
        send_now=send_now,
        automatic=automatic,
        customer_wrote_at=case.last_customer_message_at,
        now=now,
    )
    return outgoing.hold_until(
        now,
        urgent=urgent,
        timezone=customer.timezone,
        window_start=customer.contact_window_start,
        window_end=customer.contact_window_end,
    )


def _may_chat(case: Case, customer: Customer, requested: Channel | None) -> bool:
    """Whether a chat could be where this reply goes (only then is the timeline asked)."""
    if requested is not None:
        return requested is Channel.CHAT
    return Channel.CHAT in (case.channel, customer.preferred_channel)


def chat_is_open(session: Session, case_id: int, *, now: datetime) -> bool:
    """Whether the customer has written in this case's chat lately enough to be there still (`outgoing.CHAT_OPEN`)."""
    last = session.scalar(
        select(TimelineEntry.created_at)
        .where(
            TimelineEntry.case_id == case_id,
            TimelineEntry.direction == "inbound",
            TimelineEntry.channel == Channel.CHAT,
        )
        .order_by(TimelineEntry.id.desc())
        .limit(1)
    )
    return last is not None and now - last <= outgoing.CHAT_OPEN


def send_reply(
    session: Session,
    case: Case,
    entry: TimelineEntry,
    *,
    address: str | None = None,
    not_before: datetime | None = None,
    portal: str | None = None,
    files: Sequence[File] = (),
) -> int:
    """Queue the email for an outbound message on `case`, in the caller's transaction; returns its id.

    `address` is the customer's when the caller knows it (the intake answering them), else looked up.
    With `portal` the email is a notice linking to the reply there, not the reply itself; else a person's reply
    goes as Markdown (text and sanitised HTML), copied to the entry's Cc (`copies`), who join the case's thread.
    `not_before` holds it for the customer's contact window. `files` ride along as real attachments
    while they fit what mail servers take (`EMAIL_FILES_MAX`); the rest are named in the text, on the case.
    """
    customer = session.get(Customer, case.customer_id)
    assert customer is not None
    address = address or email_address_of(session, customer.id)
    if address is None:
        raise Invalid("This customer has no email address; answer them on another channel.")
    attached, left = attaching.for_email(files, EMAIL_FILES_MAX) if portal is None else ([], [])
    if not sendable(address):
        raise Invalid(f"We cannot send mail to {address!r} yet (an internationalised address); answer another way.")
    author = session.get(Staff, entry.author_staff_id) if entry.author_staff_id else None
    cc = [a for a in copies.of(entry) if a != address] if portal is None else []  # a notice goes to them alone
    copies.join(session, case.id, cc)
    if entry.is_automatic:
        purpose = "acknowledgement"
    elif portal is not None:
        purpose = "reply_notice"
    else:
        purpose = "reply"
    return outbox.queue(
        session,
        purpose=purpose,
        envelope=_envelope(session, case, customer, address, author),
        subject=reply_subject(case.subject, case.id, case.thread_key),
        text=(notice_text(case, customer, author, portal=portal) if portal is not None else entry.body or "")
        + left_text(left),
        case_id=case.id,
        entry_id=entry.id,
        customer_id=customer.id,
        automatic="auto-replied" if entry.is_automatic else None,
        language=customer.language,
        not_before=not_before,
        cc=cc,
        markdown=portal is None
        and outgoing.written_in_markdown(
            outbound=True, by_staff=entry.author_staff_id is not None, automatic=entry.is_automatic
        ),
        files=[FileOut(f.filename, f.content_type, f.data) for f in attached],
    )


EMAIL_FILES_MAX = 18 * 1024 * 1024
"""What the files of one email may add up to: most providers refuse a message over 25 MB once base64 has
grown it by a third."""


def left_text(left: Sequence[File], texts: dict[str, str] = EN) -> str:
    """The line naming files too large for email, which wait on the case (in the portal)."""
    if not left:
        return ""
    named = ", ".join(f"{f.filename} ({attaching.size_words(f.size)})" for f in left)
    return "\n\n" + texts["files_left"].format(files=named)


def greeting(customer: Customer, texts: dict[str, str] = EN) -> str:
    """How we open what we write ourselves: their form of address when they gave one (P14)."""
    if customer.form_of_address:
        return texts["dear"].format(name=customer.form_of_address)
    return texts["hello"].format(name=customer.name)


def acknowledgement_text(
    case: Case,
    customer: Customer,
    *,
    wait: Estimate,
    reach: Reach,
    now: datetime,
    texts: dict[str, str] = EN,
) -> str:
    """The automatic answer to a new case (P1): a person will answer, the honest wait, and how to reach one now.

    The wait is what the recent past says (`wait_rules`), or plainly that it
    says too little; outside business hours, also when people are next in.
    """
    parts = [greeting(customer, texts), texts["received"].format(number=case.id), _wait(wait, texts)]
    if reach.hours is not None:
        opening = next_opening(reach.hours, now)
        if opening is not None:
            parts.append(_away(opening, reach.hours.zone, zone_of(customer.timezone), now, texts))
    ways = []
    if reach.phone:
        hours = (
            texts["phone_hours"].format(hours=describe_hours(reach.hours), zone=reach.hours.zone.key)
            if reach.hours
            else ""
        )
        ways.append(texts["phone"].format(phone=reach.phone, hours=hours))
    if reach.portal:
        ways.append(texts["callback"].format(link=f"{reach.portal.rstrip('/')}/cases/{case.id}/callback"))
    if reach.chat:
        ways.append(texts["chat"].format(link=reach.chat))
    if ways:
        parts.append("\n".join([texts["sooner"], *ways]))
    parts += [texts["more"], texts["automatic"]]
    return "\n\n".join(parts)


def notice_text(
    case: Case, customer: Customer, author: Staff | None, *, portal: str, texts: dict[str, str] = EN
) -> str:
    """The email for a reply that lives on the portal: who answered, and the link — not the reply itself."""
    name = author.name.split()[0] if author and author.name.strip() else texts["someone"]
    parts = [
        greeting(customer, texts),
        texts["notice"].format(author=name, number=case.id, subject=case.subject)
        + f"\n{portal.rstrip('/')}/cases/{case.id}",
    ]
    if customer.preferred_channel is Channel.PORTAL:
        parts.append(texts["notice_why"])
    parts.append(texts["notice_reply"])
    return "\n\n".join(parts)


def email_address_of(session: Session, customer_id: int) -> str | None:
    """The address to write to: a deliverable one first, the oldest first; never one still `pending`.

    An address staff added and the customer has not confirmed may be anyone's (the colleague who typed
    it, say): what we write about the customer's case goes only to addresses the customer brought.
    """
    rows = session.execute(
        select(CustomerIdentity.value, CustomerIdentity.undeliverable_since)
        .where(
            CustomerIdentity.customer_id == customer_id,
            CustomerIdentity.kind == IdentityKind.EMAIL,
            CustomerIdentity.proof != Proof.PENDING,
        )
        .order_by(CustomerIdentity.id)
    ).all()
    deliverable: list[str] = [r.value for r in rows if r.undeliverable_since is None]
    anything: list[str] = [r.value for r in rows]
    choices = deliverable or anything
    return choices[0] if choices else None


def say_span(duration: timedelta, texts: dict[str, str] = EN) -> str:
    """A wait in words, rounded up: "25 minutes", "an hour", "3 hours", "2 days"."""
    n, unit = span(duration)
    if unit == "hours" and n == 1:
        return texts["hour"]
    return texts[unit].format(n=n)


def say_when(at: datetime, zone: ZoneInfo, now: datetime, texts: dict[str, str] = EN) -> str:
    """A moment in `zone` as people say it: "today at 09:00", "tomorrow at 09:00", "Monday 09:00"."""
    local, today = at.astimezone(zone), now.astimezone(zone).date()
    clock_time = local.strftime("%H:%M")
    if local.date() == today:
        return texts["today"].format(time=clock_time)
    if local.date() == today + timedelta(days=1):
        return texts["tomorrow"].format(time=clock_time)
    return texts["weekday"].format(day=texts[DAYS[local.weekday()]], time=clock_time)


def _wait(wait: Estimate, texts: dict[str, str]) -> str:
    if wait.median is not None:
        p80 = texts["wait_p80"].format(p80=say_span(wait.p80, texts)) if wait.p80 is not None else ""
        return texts["wait"].format(median=say_span(wait.median, texts), p80=p80) + " " + texts["wait_clock"]
    if wait.behind:
        longest = say_span(wait.longest_waiting, texts)
        return texts["behind"].format(waiting=wait.waiting, cases=wait.cases, longest=longest)
    return texts["unknown"]


def _away(opening: datetime, ours: ZoneInfo, theirs: ZoneInfo | None, now: datetime, texts: dict[str, str]) -> str:
    yours = ""
    if theirs is not None and opening.astimezone(theirs).utcoffset() != opening.astimezone(ours).utcoffset():
        yours = texts["away_yours"].format(when=say_when(opening, theirs, now, texts))
    return texts["away"].format(when=say_when(opening, ours, now, texts), zone=ours.key, yours=yours)


def _envelope(session: Session, case: Case, customer: Customer, address: str, author: Staff | None) -> outbox.Envelope:
    cfg = outbox.config()
    team = session.get(Team, case.team_id) if case.team_id else None
    brand = business.current(session).company_name or cfg.from_name  # the admin centre's name, else settings'
    from_name = f"{author.name.split()[0]} at {brand}" if author and author.name.strip() else brand
    return outbox.Envelope(
        to_address=address,
        to_name=customer.name,
        from_name=from_name,
        from_address=(team.email if team and team.email else cfg.from_address),
    )
