"""Under each reply on the desk's timeline, in one line: where it went and what became of its email.

The email's own record (`mail.queries.sent_for`) says what happened — queued,
held for the customer's contact window, sent (when), refused by the
receiving server or bounced later (with its words) — and the reply's
`data` adds where it went instead of where they prefer (`timeline_text`).
The page refreshes live when the worker sends it (`case.mail_sent`) or a
bounce comes back (`case.delivery_failed`), like the rest of the timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sameside.cases import events
from sameside.cases.models import TimelineEntry
from sameside.cases.replies import mailing
from sameside.db.engine import Session
from sameside.mail import queries as mail_queries
from sameside.mail.models import OutboundState
from sameside.web.timeline_text import delivery_text


def lines(
    session: Session, case_id: int, entries: Sequence[TimelineEntry], choices: mailing.ReplyChoices, now: datetime
) -> dict[int, str]:
    """The line under each outbound message that has something to say, by entry id."""
    outbound = [e for e in entries if e.direction == "outbound"]
    mail = mail_queries.sent_for(session, case_id, [e.id for e in outbound])
    said: dict[int, str] = {}
    for entry in outbound:
        sent = mail.get(entry.id, [])
        if sent:
            text = " ".join(state_text(s, entry.data, choices, now) for s in sent)
            note = events.delivery_of(entry.data).delivery_note
            text = f"{text} {note}" if note else text
        else:  # nothing emailed: the chat, a call written down, a portal reply without an address
            text = delivery_text(entry.data or {}, choices, now)
        if text:
            said[entry.id] = text
    return said


def state_text(
    sent: mail_queries.Sent, data: dict[str, Any] | None, choices: mailing.ReplyChoices, now: datetime
) -> str:
    """One email's state, then who it is for: "Email sent 05 Dec 14:02. To ana@…, Cc ben@…." and the like."""
    what = "The link to it on the portal" if sent.purpose == "reply_notice" else "Email"
    match sent.state:
        case OutboundState.SENT:
            state = f"{what} sent {_at(sent.sent_at or sent.queued_at)}."
        case OutboundState.BOUNCED:
            state = f"{what} bounced {_at(sent.failed_at)}: {sent.error or 'no reason given'}."
        case OutboundState.FAILED:
            state = f"{what} not delivered {_at(sent.failed_at)}: {sent.error or 'no reason given'}."
        case OutboundState.SUPPRESSED:
            state = f"{what} not sent: {sent.error or 'held back on purpose'}."
        case _:
            held = events.delivery_of(data).held_until
            if held is not None and held > now:
                zone = choices.zone
                when = f"{mailing.say_when(held, zone, now)} their time" if zone else f"{_at(held)} UTC"
                state = f"Will be emailed {when} (their contact window)."
            else:
                retrying = f" (their server said {sent.error}; trying again)" if sent.error else ""
                state = f"{what} queued, going out now{retrying}."
    return f"{state} To {sent.recipient}" + (f", Cc {', '.join(sent.cc)}" if sent.cc else "") + "."


def _at(when: datetime | None) -> str:
    return when.strftime("%d %b %H:%M") if when else "just now"
