"""What happens to every case: opened, moved, answered late, merged, linked and split — their event payloads.

Pure: no database, no web.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import (
    Field,
)

from sameside.cases.events.parts import Brief, Instant, Payload, Placement
from sameside.cases.rules import CaseStatus, EventType, Priority
from sameside.customers.rules import Channel


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
