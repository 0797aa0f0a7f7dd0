from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from sameside.cases.events import Emailed, EventPayload
from sameside.cases.rules import TAG_MAX, CaseStatus, EntryKind, EventType, Priority
from sameside.customers.rules import Channel
from sameside.customers.schemas import CustomerBrief
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import EmailAddress, Input, Output
from sameside.mail.schemas import AttachmentOut
from sameside.staff.schemas import StaffBrief, TeamOut

# What `cases.rules.clean_tags` and `kit.addresses` check, stated in the schema for clients (not checked twice).
Tag = Annotated[
    str,
    Field(
        max_length=TAG_MAX,
        description="One word: no spaces; kept in lower case.",
        json_schema_extra={"pattern": r"^\S+$"},
    ),
]
Phone = Annotated[
    str,
    Field(
        max_length=40,
        description="5 to 15 digits after an optional `+` (or `00`); spaces, dots, dashes, slashes, brackets between.",
        json_schema_extra={"pattern": r"^\+?[0-9 ().\-/]+$"},
    ),
]


class CustomerRef(Input):
    """Who the case is for: found by identity, created on first contact. Give `email` or `phone`, or both."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["email"], "properties": {"email": {"type": "string"}}},
                {"required": ["phone"], "properties": {"phone": {"type": "string"}}},
            ]
        }
    )

    email: EmailAddress | None = None
    phone: Phone | None = None
    name: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _one_identity(self) -> CustomerRef:
        if not self.email and not self.phone:
            raise ValueError("give the customer's email or phone")
        return self


class CaseCreate(Input):
    customer: CustomerRef | None = None
    """Required for staff and integrations; a signed-in customer omits it."""
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=100_000)
    channel: Channel | None = None
    """Defaults to `portal` for customers; staff say where the contact came from."""
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    priority: Priority = Priority.NORMAL
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    shared_with_organization: bool = False


class CaseOut(Output):
    number: int
    subject: str
    status: CaseStatus
    priority: Priority
    channel: Channel
    customer: CustomerBrief
    owner: StaffBrief | None
    team: TeamOut | None
    tags: list[str]
    shared_with_organization: bool
    reopen_count: int
    created_at: datetime
    updated_at: datetime
    first_human_reply_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    due_at: datetime | None = None
    """When the next service-level target falls due; null while nothing runs (waiting on the customer, resolved)."""
    due_kind: Literal["first_reply", "next_reply", "resolution"] | None = None
    """Which target falls due then."""


class Author(Output):
    kind: str
    """`staff`, `customer` or `system`."""
    id: int | None
    name: str


class TimelineEntryOut(Output):
    id: int
    kind: EntryKind
    public: bool
    direction: str | None
    channel: Channel | None
    author: Author
    automatic: bool
    body: str | None
    event: EventType | None
    """For an event: what happened (its details are `payload`)."""
    data: dict[str, Any] | None
    """The entry's details as stored, for staff: an event's (typed in `payload`), or a message's — where a
    reply went (`emailed`, `held_until`, `delivery_note`), what the intake noted of an email."""
    created_at: datetime
    attachments: list[AttachmentOut] = Field(default_factory=list)
    payload: EventPayload | None = None
    """For staff, an event's details, typed by its `kind` (the same as `event`); null for messages and notes,
    for customers, and for an event whose stored details could not be read."""


class CaseDetail(CaseOut):
    timeline: list[TimelineEntryOut]


class CasePage(Output):
    items: list[CaseOut]
    next_cursor: str | None
    """Pass as `cursor` for the next page; null on the last page."""


class ReplyIn(Input):
    body: str = Field(min_length=1, max_length=100_000)
    status: CaseStatus | None = None
    """Staff only: where to leave the case after this reply (e.g. `waiting_on_customer`)."""
    channel: Channel | None = None
    """Staff only: where to answer. Left out, the customer's preferred channel decides: email is
    emailed; portal stays on the portal and emails a link to it; chat answers in the chat while
    it is open, else by email; phone is written down by email. `phone` chosen here records a
    call you made: nothing is sent."""
    send_now: bool = False
    """Staff only: email it now even outside the customer's contact window (urgent news)."""
    cc: list[EmailAddress] = Field(default_factory=list, max_length=10)
    """Staff only: copy an emailed reply to these people (Cc). They join the case's thread, so their answers
    to it are filed on the case; they gain nothing else (no portal, no later replies unless copied again).
    Refused (422) on a reply that is not emailed itself, and for our own addresses."""


class DeliveryOut(Output):
    """Where a staff reply went."""

    channel: Channel
    """Where it is written: email, portal, chat, or phone (a call written down)."""
    emailed: Emailed | None
    """`reply` (the reply itself), `notice` (a link to it on the portal), or null (nothing emailed)."""
    held_until: datetime | None
    """The email waits for the customer's contact window until then; null when it goes now."""
    note: str | None
    """Why it did not go where the customer prefers, when it did not."""


class ReplyOut(TimelineEntryOut):
    delivery: DeliveryOut | None = None
    """Staff replies only."""


class NoteIn(Input):
    body: str = Field(min_length=1, max_length=100_000)


class AssignIn(Input):
    owner_id: int | None = Field(ge=1, le=MAX_ID)
    """A staff member's id, or null to leave the case unowned."""


class StatusIn(Input):
    status: CaseStatus


class ResolveIn(Input):
    note: str | None = Field(default=None, max_length=100_000)


class CaseUpdate(Input):
    priority: Priority | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)


class BriefIn(Input):
    problem: str = Field(max_length=4000)
    """The problem in the customer's own words."""
    tried: str = Field(max_length=4000)
    promised: str = Field(max_length=4000)
    feeling: str = Field(max_length=4000)


class TransferIn(Input):
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    owner_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    brief: BriefIn
    """Required: a transfer without a complete handoff brief is refused (P2)."""
