"""Saved replies on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sameside.cases.rules import CaseStatus, Priority
from sameside.cases.schemas import ReplyOut
from sameside.customers.rules import Channel
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output, not_null
from sameside.saved_replies.rules import BODY_MAX, SIGNATURE_MAX, TAG_LIST_MAX, TITLE_MAX

BODY_HELP = (
    "The text, with placeholders such as `{{ customer.form_of_address }}`, `{{ case.number }}`, "
    "`{{ agent.name }}` and `{{ team.typical_wait }}` (the whole list: docs/saved-replies.md), "
    "`{% if %}` and the filters upper, lower, title, capitalize, trim and default. "
    "An unknown placeholder is a 422 naming it."
)


class ActionsOut(Output):
    status: CaseStatus | None = Field(description="Where sending it leaves the case (a status given when sending wins)")
    priority: Priority | None
    tags: list[str] = Field(description="Added to the case's own tags")


class SavedReplyIn(Input):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX, description=BODY_HELP)
    shared: bool = Field(default=False, description="For everyone (supervisors and admins); else yours alone")
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="A shared reply for this team's people")
    status: CaseStatus | None = Field(
        default=None, description="open, waiting_on_customer, waiting_on_internal, resolved"
    )
    priority: Priority | None = None
    tags: list[str] = Field(default_factory=list, max_length=TAG_LIST_MAX)


class SavedReplyPatch(Input):
    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX, json_schema_extra=not_null)
    body: str | None = Field(
        default=None, min_length=1, max_length=BODY_MAX, description=BODY_HELP, json_schema_extra=not_null
    )
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="null: for everyone")
    status: CaseStatus | None = Field(default=None, description="null: no status action")
    priority: Priority | None = Field(default=None, description="null: no priority action")
    tags: list[str] | None = Field(default=None, max_length=TAG_LIST_MAX, json_schema_extra=not_null)


class SavedReplyOut(Output):
    id: int
    title: str
    body: str
    shared: bool
    owner_id: int | None = Field(description="Whose own it is; null when shared")
    team_id: int | None
    actions: ActionsOut
    use_count: int = Field(description="Replies sent with it")
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime


class FilledOut(Output):
    id: int
    title: str
    text: str = Field(description="The reply as it reads on the case, placeholders filled in")
    actions: ActionsOut


class SendIn(Input):
    case_number: int = Field(ge=1, le=MAX_ID)
    body: str | None = Field(
        default=None,
        min_length=1,
        max_length=100_000,
        description="The text as the agent finished it; left out, the saved reply filled in for the case",
        json_schema_extra=not_null,
    )
    apply_actions: bool = Field(default=True, description="Apply the saved reply's status, priority and tags")
    status: CaseStatus | None = Field(default=None, description="Where to leave the case; wins over the saved reply's")
    channel: Channel | None = None
    send_now: bool = False


class SentOut(ReplyOut):
    saved_reply: SavedReplyOut


class SignatureIn(Input):
    signature: str | None = Field(
        default=None,
        max_length=SIGNATURE_MAX,
        description="Under your email and portal replies; null or empty: none",
    )


class SignatureOut(Output):
    signature: str | None
