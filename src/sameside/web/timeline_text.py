"""A case's timeline in words: what each event means, and where a reply went."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sameside.cases import events
from sameside.cases.models import TimelineEntry
from sameside.cases.replies import mailing
from sameside.customers.rules import Channel
from sameside.grants.rules import Money

_FAIR_SCORE = re.compile(r"\s*\(fair-queue score [^)]*\)")
"""The queue's score in an assignment's reason: a number for the code, not for the people reading."""

CHANNEL_LABELS = {
    Channel.EMAIL: "email",
    Channel.PORTAL: "the portal (they are emailed a link to it)",
    Channel.CHAT: "the chat (open now)",
    Channel.PHONE: "a call I made (written down here; nothing is sent)",
}


def delivery_text(data: dict[str, Any], choices: mailing.ReplyChoices, now: datetime) -> str:
    """Where a reply went, in a line under it: held for their contact window, a portal notice, a detour.

    `data` is the message entry's `data`; only its delivery part is read.
    """
    delivery = events.delivery_of(data)
    said = []
    if delivery.held_until is not None:
        held = delivery.held_until
        zone = choices.zone
        when = f"{mailing.say_when(held, zone, now)} their time" if zone else held.strftime("%d %b %H:%M UTC")
        if held > now:
            said.append(f"Will be emailed {when} (their contact window).")
        else:
            said.append(f"Held for their contact window, then emailed {when}.")
    elif delivery.emailed == "notice":
        said.append("Emailed them a link to it on the portal.")
    if delivery.delivery_note:
        said.append(delivery.delivery_note)
    return " ".join(said)


def describe_event(entry: TimelineEntry, names: dict[int, str]) -> str:
    """One line, in words, for something that happened on a case."""
    who = entry.author_staff.name if entry.author_staff else (events.system_author(entry) or "")

    def label(value: object) -> str:
        return str(value).replace("_", " ")

    def person(staff_id: int) -> str:
        return names.get(staff_id, f"staff #{staff_id}")

    payload = events.payload_of(entry)
    match payload:
        case events.Created():
            text = f"Case opened by {label(payload.channel.value)}"
            if payload.follow_up_of:
                text += f", following up case #{payload.follow_up_of}"
            return text
        case events.StatusChanged():
            text = f"Status: {label(payload.from_.value)} → {label(payload.to.value)}"
            if payload.reason:
                text += f" ({payload.reason})"
        case events.Reopened():
            text = "Reopened"
        case events.Assigned():
            owner = payload.owner_id
            said = _FAIR_SCORE.sub("", payload.reason or "").strip()
            if said == "took next":
                said = "took the next case of the fair queue"
            reason = f" ({said})" if said else ""
            if owner and owner == entry.author_staff_id:
                return f"{person(owner)} took the case{reason}"
            text = f"Owner: {person(owner) if owner else 'nobody'}{reason}"
        case events.PriorityChanged():
            text = f"Priority: {payload.from_.value} → {payload.to.value}"
        case events.Tagged():
            text = "Tags: " + (", ".join(payload.tags) or "none")
        case events.CallbackBooked():
            text = f"Call booked for {_when(payload.starts_at)} UTC, {payload.phone}"
            if payload.moved_from is not None:
                text += f" (moved from {_when(payload.moved_from)} UTC)"
        case events.CallbackCancelled():
            text = f"The customer cancelled the call booked for {_when(payload.starts_at)} UTC"
        case events.CallbackMissed():
            text = f"Missed call: nobody called {payload.phone} at {_when(payload.starts_at)} UTC"
        case events.CallbackAssigned():
            taker = person(payload.assignee_id) if payload.assignee_id else "nobody yet"
            text = f"The call booked for {_when(payload.starts_at)} UTC will be made by {taker}"
        case events.CallLogged():
            text = _call_line(payload)
        case events.Transferred():
            owner = payload.to.owner_id
            text = "Transferred with a handoff brief" + (f" to {person(owner)}" if owner else "")
        case events.RestatementDetected():
            text = f"The customer had to repeat themselves ({round(100 * payload.score)}% the same)"
        case events.ConsultOpened():
            text = f"Asked a department: “{payload.question[:120]}” (due {_when(payload.due_at)} UTC)"
        case events.ConsultAnswered():
            text = "The department answered" + (" (late)" if payload.late else " in time")
        case events.EscalationRequested():
            text = "Someone senior was asked for" + (" by the customer" if payload.asked_by.kind == "customer" else "")
            if payload.words:
                text += f": “{payload.words}”"
            told = [person(i) for i in payload.told]
            if told:
                text += f" — told {', '.join(told)}; the case stays with its owner"
            return text
        case events.DeliveryFailed():
            kind = "bounced" if payload.bounced else "could not be delivered"
            text = f"Our email to {payload.recipient} {kind}: {payload.reason}"
        case events.ServiceLevelBreached():
            text = f"Service level missed: {label(payload.target)} was due {_when(payload.due_at)} UTC"
        case events.GrantMade():
            text = f"{payload.purpose.capitalize()} {payload.grant} of {_money(payload)} issued"
        case events.GrantReview():
            # "issued" is how an approval was recorded before approving became a step of its own.
            verdict = {"requested": "asked of a supervisor", "issued": "approved"}
            said = verdict.get(payload.verdict, payload.verdict)
            text = f"{payload.purpose.capitalize()} {payload.grant} of {_money(payload)} {said}"
            text += f": {payload.why or payload.reason}" if payload.verdict == "requested" else f" ({payload.reason})"
        case events.OfferSent():
            text = f"Offered a choice of {len(payload.options)}: " + "; ".join(payload.options)
        case events.OfferAnswered():
            text = {
                "chosen": f"The customer chose “{payload.option}”" + (f" (by {payload.via})" if payload.via else ""),
                "countered": "The customer proposed their own way instead",
                "expired": "The offer expired unanswered",
                "withdrawn": "The offer was withdrawn for a new one",
            }.get(payload.outcome, f"Offer {payload.outcome}")
        case events.DecisionRecorded():
            kind = "Final decision" if payload.decision == "final" else "Declined, for good"
            revised = f", revising decision #{payload.revises}" if payload.revises else ""
            text = f"{kind} (policy: {payload.policy}{revised}): {payload.rationale}"
        case events.MergedInto():
            moved = f", its {payload.moved} entries moved there" if payload.moved else ", its conversation kept here"
            text = f"Merged into case #{payload.into} as a duplicate{moved}"
        case events.MergedFrom():
            moved = f"; its {payload.moved} entries are in this timeline" if payload.moved else " (another customer's)"
            text = f"Case #{payload.from_} merged into this one{moved}"
        case events.Linked():
            text = f"Linked as related to case #{payload.other}"
        case events.Unlinked():
            text = f"No longer linked to case #{payload.other}"
        case events.SplitOff():
            text = f"A message was split off into case #{payload.into}"
        case events.SplitFrom():
            text = f"Split off case #{payload.from_}"
        case events.RepeatContactLinked():
            about = f" (both name {payload.shared})" if payload.shared else ""
            if payload.earlier is not None:
                text = f"A repeat contact: the same problem as case #{payload.earlier}, resolved within the week{about}"
            else:
                text = f"The customer came back about this in case #{payload.later}{about}"
        case events.SurveySent():
            text = "Survey sent: “How well did we solve it?”"
            if payload.held_until is not None:
                text += f" (emailed at {_when(payload.held_until)} UTC, in their contact window)"
        case events.SurveyAnswered():
            answer = f"{payload.words} ({payload.score} of 5)"
            text = f"The customer answered the survey: {answer}"
            if payload.previous is not None:
                text = f"The customer changed their survey answer to {answer}, from {payload.previous} of 5"
            if payload.comment:
                text += f" — “{payload.comment[:200]}”"
        case events.ContactHeld():
            what = _HELD.get(payload.purpose, f"A {label(payload.purpose)}")
            text = f"{what} was not sent: {payload.reason}"
        case events.FeedbackMarked():
            if payload.survey_id is not None:
                text = f"The survey comment went to {payload.concerns} as a {payload.feedback}"
            else:
                text = f"Marked as a {payload.feedback} about {payload.concerns}"
                if payload.note:
                    text += f": “{payload.note[:200]}”"
        case events.IncidentLinked():
            text = f"Linked to incident #{payload.incident}"
        case events.IncidentNoticeSent():
            text = f"Told of incident #{payload.incident}" + (f", update {payload.update}" if payload.update else "")
        case None:
            text = label(entry.event.value if entry.event else "event")
    return f"{text} — {who}" if who else text


_HELD = {"survey": "The survey", "reminder": "A reminder"}
"""What a message the contact policy held is called in its line (P10)."""


def _when(at: datetime) -> str:
    """The minute of a UTC instant, as the desk has always written it ("2031-03-06 08:30")."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


_CALL_OUTCOMES = {
    "answered": "answered",
    "no_answer": "no answer",
    "voicemail": "left on voicemail",
    "busy": "line busy",
    "wrong_number": "wrong number",
}


def _call_line(payload: events.CallLogged) -> str:
    """ "Outbound call to +4420…, answered, 4 min 30 s (the booked callback)"."""
    way = "Outbound call" + (f" to {payload.phone}" if payload.phone else "")
    if payload.direction == "inbound":
        way = "Inbound call" + (f" from {payload.phone}" if payload.phone else "")
    minutes, seconds = divmod(payload.duration_seconds, 60)
    length = f"{minutes} min {seconds} s" if minutes and seconds else f"{minutes} min" if minutes else f"{seconds} s"
    text = f"{way}, {_CALL_OUTCOMES.get(payload.outcome, payload.outcome.replace('_', ' '))}"
    if payload.duration_seconds:
        text += f", {length}"
    return text + (" (the booked callback)" if payload.callback_id else "")


def _money(payload: events.GrantFacts) -> str:
    return Money(payload.amount_minor, payload.currency).words()


def initials(name: str) -> str:
    """ "Dana Reyes" → "DR": an owner in a list row."""
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    if not parts:
        return name[:2].upper()
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()


def waited(since: datetime | None, now: datetime) -> str:
    """How long since `since`, in the fewest words: "4 min", "3 h", "2 d"; "" when there is nothing to say."""
    if since is None:
        return ""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def feeling_words(described: str) -> str:
    """The sentiment guess in words only: "Upset (tone −0.44, automatic…)" → "Upset (a guess from their words…)".

    A raw score means nothing to the colleague who reads the brief; that it is
    a machine's guess does.
    """
    words = described.split(" (", 1)[0].strip()
    return f"{words} (a guess from their words — please check)" if words else ""
