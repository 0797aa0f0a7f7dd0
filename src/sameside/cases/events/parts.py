"""The pieces every event payload is made of: the instant, the frozen base types, briefs and placements.

Pure: no database, no web.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    PlainSerializer,
    WithJsonSchema,
)

from sameside.cases.rules import EventType


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
