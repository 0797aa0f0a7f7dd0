"""A case's timeline in words: what each event means, and where a reply went."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sameside.cases.models import TimelineEntry
from sameside.cases.replies import mailing
from sameside.cases.rules import EventType
from sameside.customers.rules import Channel

CHANNEL_LABELS = {
    Channel.EMAIL: "email",
    Channel.PORTAL: "the portal (they are emailed a link to it)",
    Channel.CHAT: "the chat (open now)",
    Channel.PHONE: "a call I made (written down here; nothing is sent)",
}


def delivery_text(data: dict[str, Any], choices: mailing.ReplyChoices, now: datetime) -> str:
    """Where a reply went, in a line under it: held for their contact window, a portal notice, a detour."""
    said = []
    if data.get("held_until"):
        held = datetime.fromisoformat(data["held_until"])
        zone = choices.zone
        when = f"{mailing.say_when(held, zone, now)} their time" if zone else held.strftime("%d %b %H:%M UTC")
        if held > now:
            said.append(f"Will be emailed {when} (their contact window).")
        else:
            said.append(f"Held for their contact window, then emailed {when}.")
    elif data.get("emailed") == "notice":
        said.append("Emailed them a link to it on the portal.")
    if data.get("delivery_note"):
        said.append(str(data["delivery_note"]))
    return " ".join(said)


def describe_event(entry: TimelineEntry, names: dict[int, str]) -> str:
    """One line, in words, for something that happened on a case."""
    data = entry.data or {}
    who = entry.author_staff.name if entry.author_staff else (data.get("by") or "")

    def label(value: object) -> str:
        return str(value).replace("_", " ")

    match entry.event:
        case EventType.CREATED:
            text = f"Case opened by {label(data.get('channel', ''))}"
            if data.get("follow_up_of"):
                text += f", following up case #{data['follow_up_of']}"
        case EventType.STATUS_CHANGED:
            text = f"Status: {label(data.get('from'))} → {label(data.get('to'))}"
        case EventType.REOPENED:
            text = "Reopened"
        case EventType.ASSIGNED:
            owner = data.get("owner_id")
            owner_name = names.get(owner, f"staff #{owner}") if owner else "nobody"
            if owner and owner == entry.author_staff_id:
                return f"{owner_name} took the case" + (f" ({data['reason']})" if data.get("reason") else "")
            text = f"Owner: {owner_name}"
            if data.get("reason"):
                text += f" ({data['reason']})"
        case EventType.PRIORITY_CHANGED:
            text = f"Priority: {data.get('from')} → {data.get('to')}"
        case EventType.TAGGED:
            text = "Tags: " + (", ".join(data.get("tags", [])) or "none")
        case EventType.CALLBACK_BOOKED:
            text = f"Call booked for {_when(data)} UTC, {data.get('phone')}"
        case EventType.CALLBACK_MISSED:
            text = f"Missed call: nobody called {data.get('phone')} at {_when(data)} UTC"
        case EventType.TRANSFERRED:
            to = data.get("to", {})
            owner = to.get("owner_id")
            text = "Transferred with a handoff brief" + (f" to {names.get(owner, f'staff #{owner}')}" if owner else "")
        case EventType.RESTATEMENT_DETECTED:
            text = f"The customer had to repeat themselves ({round(100 * float(data.get('score', 0)))}% the same)"
        case EventType.CONSULT_OPENED:
            due = str(data.get("due_at", ""))[:16].replace("T", " ")
            text = f"Asked a department: “{str(data.get('question', ''))[:120]}” (due {due} UTC)"
        case EventType.CONSULT_ANSWERED:
            text = "The department answered" + (" (late)" if data.get("late") else " in time")
        case EventType.ESCALATION_REQUESTED:
            by = data.get("by")
            asker: dict[str, Any] = by if isinstance(by, dict) else {}
            text = "Someone senior was asked for" + (" by the customer" if asker.get("kind") == "customer" else "")
            if data.get("words"):
                text += f": “{data['words']}”"
            told = [names.get(i, f"staff #{i}") for i in data.get("told", [])]
            if told:
                text += f" — told {', '.join(told)}; the case stays with its owner"
            return text
        case EventType.DELIVERY_FAILED:
            kind = "bounced" if data.get("bounced") else "could not be delivered"
            text = f"Our email to {data.get('recipient')} {kind}: {data.get('reason', '')}"
        case _:
            text = label(entry.event.value if entry.event else "event")
    return f"{text} — {who}" if who and entry.event is not EventType.CREATED else text


def _when(data: dict[str, Any]) -> str:
    return str(data.get("starts_at", ""))[:16].replace("T", " ")
