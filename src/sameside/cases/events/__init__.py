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

The payloads live by use: `lifecycle` (what happens to every case) and
`principles` (what each principle records), on the pieces in `parts`; this
module is the one door to them all.

Pure: no database, no web.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Protocol

from pydantic import Field, TypeAdapter, ValidationError

from sameside.cases.events.lifecycle import (
    Assigned,
    Created,
    DeliveryFailed,
    Linked,
    MergedFrom,
    MergedInto,
    PriorityChanged,
    Reopened,
    ServiceLevelBreached,
    SplitFrom,
    SplitOff,
    StatusChanged,
    Tagged,
    Transferred,
    Unlinked,
)
from sameside.cases.events.parts import Asker, Brief, Instant, LatestBrief, Part, Payload, Placement
from sameside.cases.events.principles import (
    CallbackAssigned,
    CallbackBooked,
    CallbackCancelled,
    CallbackMissed,
    CallLogged,
    ConsultAnswered,
    ConsultOpened,
    ContactHeld,
    DecisionRecorded,
    EscalationRequested,
    FeedbackMarked,
    GrantFacts,
    GrantMade,
    GrantReview,
    IncidentLinked,
    IncidentNoticeSent,
    OfferAnswered,
    OfferSent,
    RepeatContactLinked,
    RestatementDetected,
    SurveyAnswered,
    SurveySent,
)
from sameside.cases.rules import EntryKind, EventType

log = logging.getLogger(__name__)

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


__all__ = [
    "PAYLOAD_TYPES",
    "RESERVED",
    "Asker",
    "Assigned",
    "Brief",
    "CallLogged",
    "CallbackAssigned",
    "CallbackBooked",
    "CallbackCancelled",
    "CallbackMissed",
    "ConsultAnswered",
    "ConsultOpened",
    "ContactHeld",
    "Created",
    "DecisionRecorded",
    "Delivery",
    "DeliveryFailed",
    "Emailed",
    "EscalationRequested",
    "EventPayload",
    "FeedbackMarked",
    "GrantFacts",
    "GrantMade",
    "GrantReview",
    "IncidentLinked",
    "IncidentNoticeSent",
    "Instant",
    "LatestBrief",
    "Linked",
    "MergedFrom",
    "MergedInto",
    "OfferAnswered",
    "OfferSent",
    "Part",
    "Payload",
    "Placement",
    "PriorityChanged",
    "Recorded",
    "Reopened",
    "RepeatContactLinked",
    "RestatementDetected",
    "ServiceLevelBreached",
    "SplitFrom",
    "SplitOff",
    "StatusChanged",
    "SurveyAnswered",
    "SurveySent",
    "Tagged",
    "Transferred",
    "Unlinked",
    "delivery_of",
    "parse",
    "payload_of",
    "system_author",
]
