"""The desk's timeline in words, read from the typed payloads (no database: entries as the timeline loads them)."""

from __future__ import annotations

from datetime import UTC, datetime

from sameside.cases import events
from sameside.cases.models import TimelineEntry
from sameside.cases.rules import CaseStatus, EntryKind, EventType, Priority
from sameside.customers.rules import Channel
from sameside.staff.models import Staff
from sameside.web.timeline_text import describe_event
from tests.cases.test_events import SAMPLES

NAMES = {7: "Dana Reyes", 9: "Sam Boss"}
AT = datetime(2031, 3, 6, 8, 30, tzinfo=UTC)


def entry(payload: events.Payload, *, staff: int | None = None, system: str | None = None) -> TimelineEntry:
    data = payload.stored()
    if system:
        data["by_system" if "by" in data else "by"] = system
    row = TimelineEntry(kind=EntryKind.EVENT, event=payload.kind, data=data, is_public=payload.public)
    if staff is not None:
        row.author_staff = Staff(id=staff, name=NAMES[staff])
        row.author_staff_id = staff
    return row


def test_each_kind_of_event_reads_as_a_line() -> None:
    said = {p.kind: describe_event(entry(p, staff=9), NAMES) for p in SAMPLES}
    assert said == {
        EventType.CREATED: "Case opened by email, following up case #12",
        EventType.STATUS_CHANGED: "Status: waiting on internal → open (consult answered) — Sam Boss",
        EventType.REOPENED: "Reopened — Sam Boss",
        EventType.ASSIGNED: "Owner: Dana Reyes (routed: round robin) — Sam Boss",
        EventType.PRIORITY_CHANGED: "Priority: normal → high — Sam Boss",
        EventType.TAGGED: "Tags: billing, refund — Sam Boss",
        EventType.TRANSFERRED: "Transferred with a handoff brief — Sam Boss",
        EventType.RESTATEMENT_DETECTED: "The customer had to repeat themselves (83% the same) — Sam Boss",
        EventType.ESCALATION_REQUESTED: "Someone senior was asked for by the customer — told Dana Reyes, Sam Boss; "
        "the case stays with its owner",
        EventType.CONSULT_OPENED: "Asked a department: “Has it left the depot?” (due 2031-03-06 08:30 UTC) — Sam Boss",
        EventType.CONSULT_ANSWERED: "The department answered in time — Sam Boss",
        EventType.CALLBACK_BOOKED: "Call booked for 2031-03-06 08:30 UTC, +4915112345678 — Sam Boss",
        EventType.CALLBACK_MISSED: "Missed call: nobody called +4915112345678 at 2031-03-06 08:30 UTC — Sam Boss",
        EventType.CALLBACK_CANCELLED: "The customer cancelled the call booked for 2031-03-06 08:30 UTC — Sam Boss",
        EventType.DELIVERY_FAILED: "Our email to ana@example.com bounced: 550 no such user — Sam Boss",
        EventType.SERVICE_LEVEL_BREACHED: "Service level missed: first reply was due 2031-03-06 08:30 UTC — Sam Boss",
        EventType.GRANT_MADE: "Goodwill voucher of 20.00 € issued — Sam Boss",
        EventType.GRANT_APPROVAL_REQUESTED: "Remedy refund of 120.00 € asked of a supervisor: "
        "30.00 € left of their budget this month — Sam Boss",
        EventType.OFFER_SENT: "Offered a choice of 2: A new kettle by Friday; A refund of 30 € — Sam Boss",
        EventType.OFFER_CHOSEN: "The customer chose “A refund of 30 €” (by email) — Sam Boss",
        EventType.DECISION_RECORDED: "Declined, for good (policy: Remedies 4.2): Beyond any remedy — Sam Boss",
        EventType.MERGED_INTO: "Merged into case #12 as a duplicate, its 5 entries moved there — Sam Boss",
        EventType.MERGED_FROM: "Case #13 merged into this one; its 5 entries are in this timeline — Sam Boss",
        EventType.LINKED: "Linked as related to case #14 — Sam Boss",
        EventType.UNLINKED: "No longer linked to case #14 — Sam Boss",
        EventType.SPLIT_OFF: "A message was split off into case #15 — Sam Boss",
        EventType.SPLIT_FROM: "Split off case #12 — Sam Boss",
        EventType.CALL_LOGGED: "Outbound call to +442079460018, answered, 4 min 30 s — Sam Boss",
        EventType.CALLBACK_ASSIGNED: "The call booked for 2031-03-06 08:30 UTC will be made by Dana Reyes — Sam Boss",
        EventType.REPEAT_CONTACT_LINKED: "A repeat contact: the same problem as case #12, resolved within the week "
        "(both name A12345, leak) — Sam Boss",
        EventType.SURVEY_SENT: "Survey sent: “How well did we solve it?” (emailed at 2031-03-06 08:30 UTC, "
        "in their contact window) — Sam Boss",
        EventType.SURVEY_ANSWERED: "The customer changed their survey answer to Well (4 of 5), from 2 of 5 "
        "— “Quick and kind” — Sam Boss",
        EventType.CONTACT_HELD: "The survey was not sent: one was sent last week (at most one every 30 days) "
        "— Sam Boss",
        EventType.INCIDENT_LINKED: "Linked to incident #3 — Sam Boss",
        EventType.INCIDENT_NOTICE_SENT: "Told of incident #3, update 2 — Sam Boss",
        EventType.FEEDBACK_MARKED: "Marked as a complaint about Billing: “Charged twice, twice” — Sam Boss",
    }


def test_who_did_it_is_the_person_or_the_software_by_name() -> None:
    assert describe_event(entry(events.Assigned(owner_id=7, reason="first reply"), staff=7), NAMES) == (
        "Dana Reyes took the case (first reply)"
    )
    assert describe_event(entry(events.Assigned(owner_id=None, previous_owner_id=7), staff=9), NAMES) == (
        "Owner: nobody — Sam Boss"
    )
    routed = events.Assigned(owner_id=3, reason="routed: least loaded", after="new case")
    assert describe_event(entry(routed, system="routing"), NAMES) == "Owner: staff #3 (routed: least loaded) — routing"
    raised = events.PriorityChanged(from_=Priority.NORMAL, to=Priority.HIGH, reason="escalation requested")
    assert describe_event(entry(raised, system="intake"), NAMES) == "Priority: normal → high — intake"
    moved = events.StatusChanged(from_=CaseStatus.NEW, to=CaseStatus.OPEN)
    assert describe_event(entry(moved), NAMES) == "Status: new → open"
    assert describe_event(entry(events.Created(channel=Channel.CHAT), staff=9), NAMES) == "Case opened by chat"


def test_an_event_whose_details_cannot_be_read_still_says_what_it_was() -> None:
    reserved = TimelineEntry(kind=EntryKind.EVENT, event=EventType.SURVEY_SENT, data={"odd": 10}, is_public=False)
    assert describe_event(reserved, NAMES) == "survey sent"
    unreadable = TimelineEntry(kind=EntryKind.EVENT, event=EventType.GRANT_MADE, data={"amount": 10}, is_public=False)
    assert describe_event(unreadable, NAMES) == "grant made"
    broken = TimelineEntry(kind=EntryKind.EVENT, event=EventType.REOPENED, data={"by": "timer"}, is_public=True)
    assert describe_event(broken, NAMES) == "reopened — timer"
