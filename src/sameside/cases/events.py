"""What each event on a case's timeline says: one frozen payload type per kind of event.

A `TimelineEntry` of kind `event` keeps its event type in a column and its
details in a JSON `data` column. These types are the only way code writes or
reads those details: `timeline.add_event` takes a payload and derives the
event type from it; `payload_of(entry)` reads one back.

The stored JSON is what the code wrote before these types existed — the
same keys, an ISO 8601 string for every instant — so rows already in a
database read the same. A payload stores only the fields its writer named
(`stored()`), so an optional detail nobody gave is left out, as before.
Unknown keys in a row are ignored (the name of the software that recorded
an event, `by`, travels beside the payload: `system_author`).

On the wire the same types are the `payload` of a timeline entry: a union
told apart by `kind`, the event type.

Pure: no database, no web.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

from sameside.cases.rules import CaseStatus, EntryKind, EventType, Priority
from sameside.customers.rules import Channel

log = logging.getLogger(__name__)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


Instant = Annotated[
    datetime,
    AfterValidator(_utc),
    # Stored and sent as Python writes it ("2031-03-06T08:30:00+00:00"), as rows always have been.
    PlainSerializer(lambda value: value.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""An aware UTC instant; a naive one in an old row is read as UTC."""


class Part(BaseModel):
    """A piece of an event's details (a brief, a placement): frozen, read leniently."""

    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        json_schema_serialization_defaults_required=True,
        use_attribute_docstrings=True,  # the docstrings below describe the fields in the API's schema
    )


class Payload(Part):
    """The details of one kind of event. Subclasses set `kind` to their event type."""

    kind: EventType
    public: ClassVar[bool] = False
    """Whether the customer sees the event on their timeline (its details are staff's either way)."""

    def stored(self) -> dict[str, Any]:
        """The JSON kept in the entry's `data`: the fields its writer named, under their stored keys."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude={"kind"})


# ---------------------------------------------------------------- parts


class Placement(Part):
    """Where a case sat: its team and owner (either may be nobody)."""

    team_id: int | None
    owner_id: int | None


class Brief(Part):
    """A handoff brief as recorded with a transfer (P2)."""

    problem: str
    """The problem in the customer's own words."""
    tried: str
    promised: str
    feeling: str


class LatestBrief(Brief):
    """The brief of a case's latest transfer, with when and by whom it was written."""

    at: Instant
    by: int | None
    """The staff member who transferred the case (null: the software, or someone since removed)."""


class Asker(Part):
    """Who asked for someone senior."""

    kind: Literal["customer", "staff", "system"]
    id: int | None
    name: str


# ---------------------------------------------------------------- one payload per event


class Created(Payload):
    """The case was opened."""

    kind: Literal[EventType.CREATED] = EventType.CREATED
    public: ClassVar[bool] = True
    channel: Channel
    follow_up_of: int | None = None
    """The closed case the customer wrote back on, when this case continues it."""


class StatusChanged(Payload):
    kind: Literal[EventType.STATUS_CHANGED] = EventType.STATUS_CHANGED
    public: ClassVar[bool] = True
    from_: CaseStatus = Field(alias="from")
    to: CaseStatus
    reason: str | None = None
    """Why, when it moved by itself (a consult answered)."""


class Reopened(Payload):
    kind: Literal[EventType.REOPENED] = EventType.REOPENED
    public: ClassVar[bool] = True
    count: int
    """How many times the case has been reopened, this one included."""


class Assigned(Payload):
    """The case got an owner, or lost one (`owner_id` null)."""

    kind: Literal[EventType.ASSIGNED] = EventType.ASSIGNED
    owner_id: int | None
    previous_owner_id: int | None = None
    reason: str | None = None
    """Why this owner: "first reply", "took next (fair-queue score 12.5)", "routed: …"."""
    after: str | None = None
    """For routing: what set it off ("new case", "transferred")."""


class PriorityChanged(Payload):
    kind: Literal[EventType.PRIORITY_CHANGED] = EventType.PRIORITY_CHANGED
    from_: Priority = Field(alias="from")
    to: Priority
    reason: str | None = None


class Tagged(Payload):
    kind: Literal[EventType.TAGGED] = EventType.TAGGED
    tags: tuple[str, ...]
    """The case's tags afterwards, sorted."""


class Transferred(Payload):
    """Handed to another team or person with a brief (P2)."""

    kind: Literal[EventType.TRANSFERRED] = EventType.TRANSFERRED
    from_: Placement = Field(alias="from")
    to: Placement
    brief: Brief


class RestatementDetected(Payload):
    """After a transfer, the customer repeated what they had already told us (P2 failed them)."""

    kind: Literal[EventType.RESTATEMENT_DETECTED] = EventType.RESTATEMENT_DETECTED
    entry_id: int
    repeats_entry_id: int
    score: float
    """How alike the two messages are, 0 … 1."""


class EscalationRequested(Payload):
    """Someone senior was asked for (P3), with what they need to step in without asking the customer again."""

    kind: Literal[EventType.ESCALATION_REQUESTED] = EventType.ESCALATION_REQUESTED
    source: str
    """`portal`, `api`, `desk`, `their message`…"""
    asked_by: Asker = Field(alias="by")
    reason: str
    """The asker's words: the reason they gave, or the message they wrote."""
    words: str | None
    """For a request found in a message: the words that asked ("speak to a manager")."""
    open_minutes: int
    waiting_minutes: int
    """How long the customer had waited for an answer when they asked."""
    first_human_reply_at: Instant | None
    owner_id: int | None
    team_id: int | None
    supervisor_ids: tuple[int, ...]
    told: tuple[int, ...]
    """Who was notified (staff ids); empty for a repeat within the quiet period."""
    brief: LatestBrief | None


class ConsultOpened(Payload):
    """A department was asked (P4); the customer reads who we are checking with and by when."""

    kind: Literal[EventType.CONSULT_OPENED] = EventType.CONSULT_OPENED
    public: ClassVar[bool] = True
    department_id: int
    due_at: Instant
    question: str


class ConsultAnswered(Payload):
    kind: Literal[EventType.CONSULT_ANSWERED] = EventType.CONSULT_ANSWERED
    consult_id: int
    late: bool


class CallbackBooked(Payload):
    kind: Literal[EventType.CALLBACK_BOOKED] = EventType.CALLBACK_BOOKED
    public: ClassVar[bool] = True
    starts_at: Instant
    phone: str
    moved_from: Instant | None = None
    """The time it was booked for before, when the customer moved it."""


class CallbackCancelled(Payload):
    kind: Literal[EventType.CALLBACK_CANCELLED] = EventType.CALLBACK_CANCELLED
    public: ClassVar[bool] = True
    starts_at: Instant
    phone: str


class CallbackMissed(Payload):
    kind: Literal[EventType.CALLBACK_MISSED] = EventType.CALLBACK_MISSED
    starts_at: Instant
    phone: str
    notify: str = "supervisor"


class CallbackAssigned(Payload):
    """A booked call was given to the person who will make it (or taken back: `assignee_id` null)."""

    kind: Literal[EventType.CALLBACK_ASSIGNED] = EventType.CALLBACK_ASSIGNED
    callback_id: int
    starts_at: Instant
    assignee_id: int | None
    previous_assignee_id: int | None = None


class CallLogged(Payload):
    """A phone call on the case, written down by the agent who made or took it (`calls`); notes are the body."""

    kind: Literal[EventType.CALL_LOGGED] = EventType.CALL_LOGGED
    call_id: int
    direction: Literal["inbound", "outbound"]
    outcome: str
    """answered, no_answer, voicemail, busy or wrong_number (`calls.rules.Outcome`)."""
    duration_seconds: int
    phone: str | None = None
    callback_id: int | None = None
    """The booked call this was, when it was one (its outcome is recorded with it)."""


class GrantFacts(Payload):
    grant_id: int
    grant: str
    """refund, credit, replacement or voucher."""
    purpose: str
    """remedy or goodwill."""
    amount_minor: int
    """In the currency's smallest unit (cents for EUR)."""
    currency: str


class GrantMade(GrantFacts):
    """A grant was issued to the customer (P5); they read what they got."""

    kind: Literal[EventType.GRANT_MADE] = EventType.GRANT_MADE
    public: ClassVar[bool] = True
    state: str = "issued"


class GrantReview(GrantFacts):
    """A grant on its way through review, for staff: asked of a supervisor, approved, declined, reversed."""

    kind: Literal[EventType.GRANT_APPROVAL_REQUESTED] = EventType.GRANT_APPROVAL_REQUESTED
    verdict: str
    """requested, issued (approved), declined or reversed."""
    reason: str
    why: str | None = None
    """Why a supervisor was asked (the budget left), when it was."""


class OfferSent(Payload):
    """Options were offered to the customer (P6); the reply beside it carries their words and links."""

    kind: Literal[EventType.OFFER_SENT] = EventType.OFFER_SENT
    offer_id: int
    options: tuple[str, ...]
    expires_at: Instant


class OfferAnswered(Payload):
    """What became of an offer: chosen (which option), countered in the customer's words, expired, withdrawn."""

    kind: Literal[EventType.OFFER_CHOSEN] = EventType.OFFER_CHOSEN
    public: ClassVar[bool] = True
    offer_id: int
    outcome: str
    """chosen, countered, expired or withdrawn."""
    option: str | None = None
    via: str | None = None
    """portal or email, when the customer answered."""


class DecisionRecorded(Payload):
    """A final decision (or a polite decline) with its rationale and policy (P7).

    The reply beside it is what the customer read.
    """

    kind: Literal[EventType.DECISION_RECORDED] = EventType.DECISION_RECORDED
    decision_id: int
    decision: str
    """final or decline."""
    policy: str
    rationale: str
    revises: int | None = None
    """The decision it replaces, when a supervisor revised one."""


class DeliveryFailed(Payload):
    """An email did not reach the customer, so a person can try another way."""

    kind: Literal[EventType.DELIVERY_FAILED] = EventType.DELIVERY_FAILED
    recipient: str
    reason: str
    outbound_id: int
    bounced: bool


class ServiceLevelBreached(Payload):
    """A service-level target went past its due time unmet (recorded once, by the worker)."""

    kind: Literal[EventType.SERVICE_LEVEL_BREACHED] = EventType.SERVICE_LEVEL_BREACHED
    target: Literal["first_reply", "next_reply", "resolution"]
    due_at: Instant
    target_minutes: int
    """The target, in business minutes."""


class MergedInto(Payload):
    """This case was a duplicate: closed, its conversation carried on in `into` (`cases.links`).

    The customer sees the event's words (its entry's body), which name the
    other case only when it is theirs to open.
    """

    kind: Literal[EventType.MERGED_INTO] = EventType.MERGED_INTO
    public: ClassVar[bool] = True
    into: int
    moved: int
    """How many timeline entries moved to the other case (none when its customer is another)."""


class MergedFrom(Payload):
    """A duplicate was merged into this case."""

    kind: Literal[EventType.MERGED_FROM] = EventType.MERGED_FROM
    from_: int = Field(alias="from")
    moved: int
    """How many of its timeline entries moved here, in their places by time (none from another customer)."""


class Linked(Payload):
    """Marked as related to another case (recorded on both)."""

    kind: Literal[EventType.LINKED] = EventType.LINKED
    other: int


class Unlinked(Payload):
    """No longer marked as related to another case (recorded on both)."""

    kind: Literal[EventType.UNLINKED] = EventType.UNLINKED
    other: int


class SplitOff(Payload):
    """One of the customer's messages was taken off this case into a new one."""

    kind: Literal[EventType.SPLIT_OFF] = EventType.SPLIT_OFF
    into: int
    entry_id: int


class SplitFrom(Payload):
    """This case began as a message split off another case."""

    kind: Literal[EventType.SPLIT_FROM] = EventType.SPLIT_FROM
    from_: int = Field(alias="from")
    entry_id: int


class IncidentLinked(Payload):
    """Linked to a declared incident (`incidents`): in its scope when declared, or a new contact about it."""

    kind: Literal[EventType.INCIDENT_LINKED] = EventType.INCIDENT_LINKED
    incident: int


class IncidentNoticeSent(Payload):
    """The customer was told of an incident they are affected by: its notice (`update` 0) or an update."""

    kind: Literal[EventType.INCIDENT_NOTICE_SENT] = EventType.INCIDENT_NOTICE_SENT
    incident: int
    update: int


class RepeatContactLinked(Payload):
    """The customer came back about a problem we resolved within the week (P12); on both cases."""

    kind: Literal[EventType.REPEAT_CONTACT_LINKED] = EventType.REPEAT_CONTACT_LINKED
    earlier: int | None = None
    """On the new case: the resolved case it repeats."""
    later: int | None = None
    """On the earlier case: the new case that repeats it."""
    shared: str = ""
    """What both name (order numbers, words), as the agent reads it."""


class SurveySent(Payload):
    """The one survey question went to the customer by email (P10), with a link per answer."""

    kind: Literal[EventType.SURVEY_SENT] = EventType.SURVEY_SENT
    survey_id: int
    held_until: Instant | None = None
    """The email waits for the customer's contact window until then."""


class SurveyAnswered(Payload):
    """The customer answered the survey; a second answer replaces the first (`previous`)."""

    kind: Literal[EventType.SURVEY_ANSWERED] = EventType.SURVEY_ANSWERED
    survey_id: int
    score: int
    """1 (not at all) … 5 (completely)."""
    words: str
    comment: str | None = None
    previous: int | None = None
    """Their earlier score, when they changed their answer."""
    via: str
    """email, portal or api."""


class ContactHeld(Payload):
    """A non-essential message (a survey, a reminder) we did not send, to respect the customer's time (P10)."""

    kind: Literal[EventType.CONTACT_HELD] = EventType.CONTACT_HELD
    purpose: str
    """survey, reminder…"""
    reason: str
    survey_id: int | None = None


class FeedbackMarked(Payload):
    """The customer's words went to the team or department they concern, as feedback (P15); staff only."""

    kind: Literal[EventType.FEEDBACK_MARKED] = EventType.FEEDBACK_MARKED
    feedback_id: int
    feedback: str
    """compliment, complaint or suggestion."""
    concerns: str
    """The team's or department's name, as it was then."""
    note: str | None = None
    survey_id: int | None = None
    """Set when it is the customer's survey comment, routed by the software."""


EventPayload = Annotated[
    Created
    | StatusChanged
    | Reopened
    | Assigned
    | PriorityChanged
    | Tagged
    | Transferred
    | RestatementDetected
    | EscalationRequested
    | ConsultOpened
    | ConsultAnswered
    | CallbackBooked
    | CallbackMissed
    | CallbackCancelled
    | CallbackAssigned
    | CallLogged
    | GrantMade
    | GrantReview
    | OfferSent
    | OfferAnswered
    | DecisionRecorded
    | DeliveryFailed
    | ServiceLevelBreached
    | MergedInto
    | MergedFrom
    | Linked
    | Unlinked
    | SplitOff
    | SplitFrom
    | IncidentLinked
    | IncidentNoticeSent
    | RepeatContactLinked
    | SurveySent
    | SurveyAnswered
    | ContactHeld
    | FeedbackMarked,
    Field(discriminator="kind"),
]
"""Any event's payload, told apart by `kind`."""

PAYLOAD_TYPES: tuple[type[Payload], ...] = (
    Created,
    StatusChanged,
    Reopened,
    Assigned,
    PriorityChanged,
    Tagged,
    Transferred,
    RestatementDetected,
    EscalationRequested,
    ConsultOpened,
    ConsultAnswered,
    CallbackBooked,
    CallbackMissed,
    CallbackCancelled,
    CallbackAssigned,
    CallLogged,
    GrantMade,
    GrantReview,
    OfferSent,
    OfferAnswered,
    DecisionRecorded,
    DeliveryFailed,
    ServiceLevelBreached,
    MergedInto,
    MergedFrom,
    Linked,
    Unlinked,
    SplitOff,
    SplitFrom,
    IncidentLinked,
    IncidentNoticeSent,
    RepeatContactLinked,
    SurveySent,
    SurveyAnswered,
    ContactHeld,
    FeedbackMarked,
)

RESERVED = frozenset(EventType) - {t.model_fields["kind"].default for t in PAYLOAD_TYPES}
"""Event types named for principles not built yet (grants, offers, decisions, incidents, surveys…).

The database accepts them, but nothing writes them: a kind gets its payload
type with the feature that first records it, so `add_event` cannot write one
today, and `parse` reads one as unknown.
"""

_PAYLOAD: TypeAdapter[EventPayload] = TypeAdapter(EventPayload)


def parse(event: EventType | None, data: Mapping[str, Any] | None) -> EventPayload | None:
    """The typed payload of an event entry's `data`; None for a message, a note, or details it cannot read.

    Unknown keys are ignored and optional ones may be missing (rows written
    before a field existed). A row that does not fit its type at all — or
    a reserved event type — is logged and read as None, so a page showing
    the timeline still shows it, by its event type alone.
    """
    if event is None or event in RESERVED:
        return None
    try:
        return _PAYLOAD.validate_python({**(data or {}), "kind": event})
    except ValidationError as error:
        log.warning("unreadable %s event details: %s", event.value, error)
        return None


class Recorded(Protocol):
    """What reading an entry needs of it (a `TimelineEntry`; this module stays free of the database)."""

    @property
    def kind(self) -> EntryKind: ...
    @property
    def event(self) -> EventType | None: ...
    @property
    def data(self) -> dict[str, Any] | None: ...


def payload_of(entry: Recorded) -> EventPayload | None:
    """The typed payload of a timeline entry; None for messages and notes, or details it cannot read."""
    if entry.kind is not EntryKind.EVENT:
        return None
    return parse(entry.event, entry.data)


def system_author(entry: Recorded) -> str | None:
    """The name of the software that recorded an entry (`routing`, `intake`…), when no person did.

    Kept beside the payload as `by`, or as `by_system` where the payload has
    a `by` of its own (an escalation's asker).
    """
    data = entry.data or {}
    by = data.get("by")
    named = by if isinstance(by, str) else data.get("by_system")
    return named if isinstance(named, str) and named else None


# ---------------------------------------------------------------- messages


Emailed = Literal["reply", "notice"]
"""What went to the customer's inbox for a reply: the reply itself, or a link to it on the portal."""


class Delivery(Part):
    """Where an outbound message went, kept in its entry's `data` beside anything else the message carries.

    A message's other details (an email's headers, quoted text, how it was
    classified) are the intake's record of what arrived, kept as they came.
    """

    emailed: Emailed | None = None
    """`reply` (the reply itself), `notice` (a link to it on the portal), or nothing emailed."""
    held_until: Instant | None = None
    """The email waits for the customer's contact window until then."""
    delivery_note: str | None = None
    """Why it did not go where the customer prefers, when it did not."""

    def stored(self) -> dict[str, Any]:
        """Only what happened: a reply that went plainly carries no delivery keys at all."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def delivery_of(data: Mapping[str, Any] | None) -> Delivery:
    """The delivery part of a message's `data`; nothing said when there is none or it cannot be read."""
    try:
        return Delivery.model_validate(data or {})
    except ValidationError as error:
        log.warning("unreadable delivery details: %s", error)
        return Delivery()
