"""Where and when a reply reaches the customer (P14), as pure rules.

Where — in an open chat when the customer is there now (they are waiting in it,
whatever they prefer for later); otherwise by the customer's preferred channel,
else the channel the case came in on:

- email: the reply is emailed in full.
- chat: answered in the chat while it is open — the customer wrote in it
  within the last `CHAT_OPEN` — else by email, with a note saying so (a
  closed widget would leave the answer unread). The widget shows every
  public message of its case either way.
- portal: the reply lives on the portal (the customer sees it there at once);
  the email only says there is a new reply and links to the case. People who
  chose the portal asked not to have the conversation in their inbox, but
  they still need to know an answer is waiting.
- phone: we cannot send a call. The reply is written down by email, and the
  desk shows that they prefer a call. An agent may still record a call they
  made by choosing `phone` themselves: that is written on the case and sent nowhere.

An agent (or API client) may choose another written channel; chat only while it is open.

A customer we have no email address for (a phone caller, a chat visitor who
left none) cannot be emailed: their reply is written on the case's own
channel — a chat shows it when they come back, a phone case keeps it for the
next call — and the agent is told nothing was sent.

When — non-urgent email waits for the customer's contact window
(`customers.rules.next_contact_time`). A message is urgent, and goes at once, when:

- the case's priority is urgent; or
- the agent asks for it ("send now"); or
- it answers something the customer just did: they wrote on the case within
  the last `AWAKE` — they are clearly awake and waiting for us; or
- it is automatic (acknowledgements — an answer to what they just sent;
  sign-in links never pass through here and are never held).

Only email is held: a chat answer reaches someone who is there, and a portal
reply is shown on the portal at once (it is pull). For a portal reply the
short email saying so is what waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sameside.cases.rules import Priority
from sameside.customers.rules import Channel, next_contact_time
from sameside.kit.errors import Invalid

AWAKE = timedelta(minutes=15)
"""A customer who wrote this recently is answered at once, whatever their contact window says."""
CHAT_OPEN = timedelta(minutes=30)
"""A chat counts as open while the customer has written in it this recently."""


class Email(StrEnum):
    """What, if anything, goes to the customer's inbox for a reply."""

    REPLY = "reply"
    """The reply itself."""
    NOTICE = "notice"
    """A short note that there is a reply on the portal, with a link."""


@dataclass(frozen=True, slots=True)
class Route:
    channel: Channel
    """Where the reply is written (the timeline entry's channel)."""
    email: Email | None
    note: str | None = None
    """Said to the agent when the reply did not go where the customer prefers."""


def route(
    requested: Channel | None,
    *,
    preferred: Channel | None,
    case_channel: Channel,
    chat_open: bool,
    portal_link: bool,
    has_email: bool = True,
) -> Route:
    """Where a staff reply goes: `requested` when an agent chose, else by preference (see the module docstring).

    `portal_link` says whether we know the portal's address; without it a
    portal notice could not link anywhere, so the reply is emailed in full.
    """
    if requested is not None:
        return _chosen(requested, chat_open=chat_open, portal_link=portal_link)
    if chat_open:
        return Route(Channel.CHAT, None)
    chosen = _by_preference(preferred, case_channel, portal_link)
    if chosen.email is None or has_email:
        return chosen
    kept = case_channel if case_channel is not Channel.EMAIL else chosen.channel
    return Route(kept, None, "We have no email address for them: nothing was sent; it is on the case for them to see.")


def _by_preference(preferred: Channel | None, case_channel: Channel, portal_link: bool) -> Route:
    basis = preferred or case_channel
    said = "They prefer" if preferred else "The case came by"
    match basis:
        case Channel.CHAT:
            return Route(Channel.EMAIL, Email.REPLY, f"{said} chat, but they have no chat open: sent by email.")
        case Channel.PORTAL:
            return _portal(portal_link)
        case Channel.PHONE:
            note = "They prefer a phone call: this reply is written down by email." if preferred else None
            return Route(Channel.EMAIL, Email.REPLY, note)
        case _:
            return Route(Channel.EMAIL, Email.REPLY)


def _chosen(channel: Channel, *, chat_open: bool, portal_link: bool) -> Route:
    match channel:
        case Channel.CHAT if not chat_open:
            raise Invalid("They have no chat open, so a chat reply would go unread; reply by email or on the portal.")
        case Channel.CHAT:
            return Route(Channel.CHAT, None)
        case Channel.PORTAL:
            return _portal(portal_link)
        case Channel.PHONE:
            return Route(Channel.PHONE, None)  # a call an agent made, written down; nothing is sent
        case _:
            return Route(Channel.EMAIL, Email.REPLY)


def _portal(portal_link: bool) -> Route:
    if portal_link:
        return Route(Channel.PORTAL, Email.NOTICE)
    return Route(Channel.PORTAL, Email.REPLY, "We do not know the portal's address to link to: emailed in full.")


def is_urgent(
    *,
    priority: Priority,
    send_now: bool,
    automatic: bool,
    customer_wrote_at: datetime | None,
    now: datetime,
) -> bool:
    """Whether a message goes at once whatever the contact window (see the module docstring)."""
    awake = customer_wrote_at is not None and now - customer_wrote_at <= AWAKE
    return priority is Priority.URGENT or send_now or automatic or awake


def hold_until(
    now: datetime, *, urgent: bool, timezone: str | None, window_start: str | None, window_end: str | None
) -> datetime | None:
    """When a non-urgent email may go, if later than now; None to send it now."""
    if urgent:
        return None
    opens = next_contact_time(now, timezone, window_start, window_end)
    return opens if opens > now else None


def written_in_markdown(*, outbound: bool, by_staff: bool, automatic: bool) -> bool:
    """Whether a message's text is Markdown: a person's reply on our side is (the desk's composer and the API
    write it so; rendered by `kit.markdown`); a customer's words and what the software writes are plain text."""
    return outbound and by_staff and not automatic
