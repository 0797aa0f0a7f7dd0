"""The timeline's payload types, without a database: every kind round-trips, old rows read, odd ones do no harm."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, get_args

import pytest
from pydantic import TypeAdapter

from sameside.cases import events
from sameside.cases.events import EventPayload
from sameside.cases.replies.rules import Email
from sameside.cases.rules import CaseStatus, EntryKind, EventType, Priority
from sameside.cases.service import EMAILED
from sameside.cases.timeline import PUBLIC_EVENTS
from sameside.customers.rules import Channel

AT = datetime(2031, 3, 6, 8, 30, tzinfo=UTC)
BRIEF = events.Brief(problem="Charged twice", tried="Checked the log", promised="A refund by Friday", feeling="Cross")

SAMPLES: list[events.Payload] = [
    events.Created(channel=Channel.EMAIL, follow_up_of=12),
    events.StatusChanged(from_=CaseStatus.WAITING_ON_INTERNAL, to=CaseStatus.OPEN, reason="consult answered"),
    events.Reopened(count=2),
    events.Assigned(owner_id=7, previous_owner_id=None, reason="routed: round robin", after="new case"),
    events.PriorityChanged(from_=Priority.NORMAL, to=Priority.HIGH, reason="escalation requested"),
    events.Tagged(tags=("billing", "refund")),
    events.Transferred(
        from_=events.Placement(team_id=1, owner_id=7),
        to=events.Placement(team_id=2, owner_id=None),
        brief=BRIEF,
    ),
    events.RestatementDetected(entry_id=40, repeats_entry_id=31, score=0.83),
    events.EscalationRequested(
        source="portal",
        asked_by=events.Asker(kind="customer", id=3, name="Ana Silva"),
        reason="Nobody has answered.",
        words=None,
        open_minutes=300,
        waiting_minutes=290,
        first_human_reply_at=AT,
        owner_id=7,
        team_id=1,
        supervisor_ids=(9,),
        told=(7, 9),
        brief=events.LatestBrief(**BRIEF.model_dump(), at=AT, by=7),
    ),
    events.ConsultOpened(department_id=4, due_at=AT, question="Has it left the depot?"),
    events.ConsultAnswered(consult_id=5, late=False),
    events.CallbackBooked(starts_at=AT, phone="+4915112345678"),
    events.CallbackMissed(starts_at=AT, phone="+4915112345678", notify="supervisor"),
    events.CallbackCancelled(starts_at=AT, phone="+4915112345678"),
    events.DeliveryFailed(recipient="ana@example.com", reason="550 no such user", outbound_id=8, bounced=True),
    events.ServiceLevelBreached(target="first_reply", due_at=AT, target_minutes=60),
    events.GrantMade(grant_id=3, grant="voucher", purpose="goodwill", amount_minor=2000, currency="EUR"),
    events.GrantReview(
        grant_id=4,
        grant="refund",
        purpose="remedy",
        amount_minor=12000,
        currency="EUR",
        verdict="requested",
        reason="Broken on arrival",
        why="30.00 € left of their budget this month",
    ),
    events.OfferSent(offer_id=2, options=("A new kettle by Friday", "A refund of 30 €"), expires_at=AT),
    events.OfferAnswered(offer_id=2, outcome="chosen", option="A refund of 30 €", via="email"),
    events.DecisionRecorded(decision_id=1, decision="decline", policy="Remedies 4.2", rationale="Beyond any remedy"),
    events.MergedInto(into=12, moved=5),
    events.MergedFrom(from_=13, moved=5),
    events.Linked(other=14),
    events.Unlinked(other=14),
    events.SplitOff(into=15, entry_id=80),
    events.SplitFrom(from_=12, entry_id=80),
    events.CallLogged(call_id=4, direction="outbound", outcome="answered", duration_seconds=270, phone="+442079460018"),
    events.CallbackAssigned(callback_id=5, starts_at=AT, assignee_id=7, previous_assignee_id=None),
    events.IncidentLinked(incident=3),
    events.IncidentNoticeSent(incident=3, update=2),
    events.RepeatContactLinked(earlier=12, shared="A12345, leak"),
    events.SurveySent(survey_id=6, held_until=AT),
    events.SurveyAnswered(survey_id=6, score=4, words="Well", comment="Quick and kind", previous=2, via="email"),
    events.ContactHeld(purpose="survey", reason="one was sent last week (at most one every 30 days)", survey_id=6),
    events.FeedbackMarked(feedback_id=4, feedback="complaint", concerns="Billing", note="Charged twice, twice"),
]
WIRE: TypeAdapter[EventPayload] = TypeAdapter(EventPayload)


class Entry:
    """A stand-in for a `TimelineEntry` row (the readers need only these three columns)."""

    def __init__(self, event: EventType | None, data: dict[str, Any] | None, kind: EntryKind = EntryKind.EVENT):
        self.kind, self.event, self.data = kind, event, data


def test_every_event_type_has_one_payload_type_or_is_reserved_for_a_principle_not_built_yet() -> None:
    kinds = [t.model_fields["kind"].default for t in events.PAYLOAD_TYPES]
    assert len(kinds) == len(set(kinds))
    assert set(kinds) | events.RESERVED == set(EventType) and not set(kinds) & events.RESERVED
    assert {EventType.REPEAT_CONTACT_LINKED, EventType.SURVEY_SENT} >= events.RESERVED
    union = get_args(get_args(EventPayload)[0])
    assert set(union) == set(events.PAYLOAD_TYPES)
    assert {type(p) for p in SAMPLES} == set(events.PAYLOAD_TYPES)  # the samples below cover every kind


@pytest.mark.parametrize("payload", SAMPLES, ids=lambda p: p.kind.value)
def test_every_kind_round_trips_through_storage_and_the_wire(payload: events.Payload) -> None:
    stored = payload.stored()
    assert "kind" not in stored  # the entry's `event` column says it
    assert events.parse(payload.kind, stored) == payload
    assert events.payload_of(Entry(payload.kind, stored)) == payload
    wire = WIRE.dump_python(payload, mode="json")  # type: ignore[arg-type]
    assert wire["kind"] == payload.kind.value
    assert WIRE.validate_python(wire) == payload
    with pytest.raises(Exception, match="frozen"):
        payload.kind = payload.kind  # type: ignore[misc]


def test_the_stored_json_has_the_keys_rows_always_had() -> None:
    # As the verbs wrote them before the types existed, so old rows and new ones read alike.
    assert events.Created(channel=Channel.PORTAL).stored() == {"channel": "portal"}
    assert events.StatusChanged(from_=CaseStatus.NEW, to=CaseStatus.OPEN).stored() == {"from": "new", "to": "open"}
    assert events.Assigned(owner_id=None, previous_owner_id=7).stored() == {"owner_id": None, "previous_owner_id": 7}
    assert events.Assigned(owner_id=7, reason="first reply").stored() == {"owner_id": 7, "reason": "first reply"}
    transferred = SAMPLES[6].stored()
    assert transferred == {
        "from": {"team_id": 1, "owner_id": 7},
        "to": {"team_id": 2, "owner_id": None},
        "brief": {"problem": "Charged twice", "tried": "Checked the log", "promised": "A refund by Friday",
                  "feeling": "Cross"},
    }  # fmt: skip
    escalation = SAMPLES[8].stored()
    assert escalation["by"] == {"kind": "customer", "id": 3, "name": "Ana Silva"}
    assert escalation["words"] is None and escalation["supervisor_ids"] == [9] and escalation["told"] == [7, 9]
    assert escalation["first_human_reply_at"] == "2031-03-06T08:30:00+00:00"
    assert escalation["brief"]["at"] == "2031-03-06T08:30:00+00:00" and escalation["brief"]["by"] == 7
    assert SAMPLES[9].stored() == {
        "department_id": 4,
        "due_at": "2031-03-06T08:30:00+00:00",
        "question": "Has it left the depot?",
    }
    assert SAMPLES[5].stored() == {"tags": ["billing", "refund"]}


def test_rows_written_before_the_types_read_the_same() -> None:
    created = events.parse(EventType.CREATED, {"channel": "email"})
    assert created == events.Created(channel=Channel.EMAIL) and created.follow_up_of is None
    # The software's name beside the payload is not part of it; nor is any key it does not know.
    routed = events.parse(
        EventType.ASSIGNED,
        {"owner_id": 3, "reason": "routed: x", "by": "routing", "after": "new case", "later": 1},
    )
    assert routed == events.Assigned(owner_id=3, reason="routed: x", after="new case")
    asked = events.parse(
        EventType.ESCALATION_REQUESTED,
        {**SAMPLES[8].stored(), "by_system": "intake", "brief": None, "first_human_reply_at": None},
    )
    assert isinstance(asked, events.EscalationRequested)
    assert asked.asked_by.name == "Ana Silva" and asked.brief is None and asked.first_human_reply_at is None
    naive = events.parse(EventType.CALLBACK_BOOKED, {"starts_at": "2031-03-06T08:30:00", "phone": "+1"})
    assert isinstance(naive, events.CallbackBooked) and naive.starts_at == AT  # read as UTC


def test_what_cannot_be_read_is_none_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    assert events.parse(None, {"channel": "email"}) is None
    assert events.payload_of(Entry(None, {"recorded_by": 1}, kind=EntryKind.MESSAGE)) is None
    assert events.parse(EventType.GRANT_MADE, {"amount": 10}) is None  # reserved: nothing writes it yet
    with caplog.at_level(logging.WARNING, logger="sameside.cases.events"):
        assert events.parse(EventType.REOPENED, {"count": "many"}) is None
        assert events.parse(EventType.STATUS_CHANGED, None) is None
    assert "unreadable reopened event details" in caplog.text


def test_the_software_that_recorded_an_event_is_read_beside_its_payload() -> None:
    assert events.system_author(Entry(EventType.ASSIGNED, {"owner_id": 1, "by": "routing"})) == "routing"
    escalation = {"by": {"kind": "customer", "id": 1, "name": "Bo"}, "by_system": "intake"}
    assert events.system_author(Entry(EventType.ESCALATION_REQUESTED, escalation)) == "intake"
    assert events.system_author(Entry(EventType.ASSIGNED, {"owner_id": 1})) is None
    assert events.system_author(Entry(EventType.ASSIGNED, None)) is None


def test_the_customer_sees_the_same_events_as_before_and_what_they_were_granted_and_chose() -> None:
    assert {
        EventType.CREATED,
        EventType.STATUS_CHANGED,
        EventType.REOPENED,
        EventType.CALLBACK_BOOKED,
        EventType.CALLBACK_CANCELLED,
        EventType.CONSULT_OPENED,
        EventType.GRANT_MADE,
        EventType.OFFER_CHOSEN,
        EventType.MERGED_INTO,  # "we are answering this together with your request #N"
    } == PUBLIC_EVENTS


def test_a_messages_delivery_part_is_typed_and_the_rest_of_its_data_left_alone() -> None:
    delivery = events.Delivery(emailed="reply", held_until=AT, delivery_note=None)
    assert delivery.stored() == {"emailed": "reply", "held_until": "2031-03-06T08:30:00+00:00"}
    assert events.Delivery().stored() == {}
    read = events.delivery_of({"emailed": "notice", "inbound_id": 4, "delivery_note": "No email address."})
    assert read == events.Delivery(emailed="notice", delivery_note="No email address.")
    assert events.delivery_of(None) == events.Delivery()
    assert events.delivery_of({"held_until": "not a time"}) == events.Delivery()
    assert set(EMAILED) == set(Email) and all(EMAILED[e] == e.value for e in Email)
