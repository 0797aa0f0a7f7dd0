"""Webhooks on the wire: what a receiver is sent (one envelope per event type) and the API's shapes.

Every message has the Standard Webhooks envelope: `type`, `timestamp` (when it happened) and `data`.
The envelopes are documented in the OpenAPI document's `webhooks` section, one per event type.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from sameside.webhooks.rules import DESCRIPTION_MAX, HOST_MAX, URL_MAX, DeliveryState, WebhookEvent

# ---------------------------------------------------------------- what a receiver reads


class WebhookCase(BaseModel):
    """The case as it stood when the change committed."""

    number: int
    subject: str
    status: str
    priority: str
    channel: str
    team_id: int | None
    owner_id: int | None
    customer_id: int
    tags: list[str]
    created_at: datetime
    url: str
    """The case on the desk."""


class WebhookMessageEntry(BaseModel):
    """A message on a case's timeline: the customer's, or a reply to them."""

    id: int
    direction: Literal["in", "out"]
    channel: str | None
    body: str | None
    """Its visible text."""
    author_staff_id: int | None
    author_customer_id: int | None
    automatic: bool
    """Written by the software (an acknowledgement), not a person."""
    created_at: datetime


class CaseData(BaseModel):
    case: WebhookCase


class CaseUpdatedData(BaseModel):
    case: WebhookCase
    change: Literal["status", "owner", "team", "priority", "tags", "reopened"]
    before: str | int | list[str] | None = None
    """The value before the change (the previous status, owner id, team id or priority); None when unknown."""
    after: str | int | list[str] | None = None
    """The value after it (for tags: all the case's tags)."""


class MessageData(BaseModel):
    case: WebhookCase
    message: WebhookMessageEntry


class WebhookGrant(BaseModel):
    id: int
    kind: str
    """refund, credit, replacement or voucher."""
    purpose: str
    amount_minor: int
    """In the currency's smallest unit (cents for EUR)."""
    currency: str


class GrantData(BaseModel):
    case: WebhookCase
    grant: WebhookGrant


class WebhookSurveyAnswer(BaseModel):
    survey_id: int
    score: int
    """1 (not at all) … 5 (completely)."""
    comment: str | None
    via: str


class SurveyData(BaseModel):
    case: WebhookCase
    answer: WebhookSurveyAnswer


class WebhookIncident(BaseModel):
    id: int
    title: str
    message: str
    """What customers are told."""
    status: str
    since: datetime
    urgent: bool
    declared_at: datetime


class IncidentData(BaseModel):
    incident: WebhookIncident


class PingData(BaseModel):
    webhook_id: int
    text: str


class _Envelope(BaseModel):
    timestamp: datetime
    """When it happened (the change's commit time, to the second)."""


class CaseCreatedMessage(_Envelope):
    type: Literal[WebhookEvent.CASE_CREATED]
    data: CaseData


class CaseUpdatedMessage(_Envelope):
    type: Literal[WebhookEvent.CASE_UPDATED]
    data: CaseUpdatedData


class CaseResolvedMessage(_Envelope):
    type: Literal[WebhookEvent.CASE_RESOLVED]
    data: CaseData


class MessageReceivedMessage(_Envelope):
    type: Literal[WebhookEvent.MESSAGE_RECEIVED]
    data: MessageData


class ReplySentMessage(_Envelope):
    type: Literal[WebhookEvent.REPLY_SENT]
    data: MessageData


class GrantIssuedMessage(_Envelope):
    type: Literal[WebhookEvent.GRANT_ISSUED]
    data: GrantData


class SurveyAnsweredMessage(_Envelope):
    type: Literal[WebhookEvent.SURVEY_ANSWERED]
    data: SurveyData


class IncidentDeclaredMessage(_Envelope):
    type: Literal[WebhookEvent.INCIDENT_DECLARED]
    data: IncidentData


class PingMessage(_Envelope):
    type: Literal["webhook.ping"]
    data: PingData


MESSAGES: dict[str, type[_Envelope]] = {
    WebhookEvent.CASE_CREATED: CaseCreatedMessage,
    WebhookEvent.CASE_UPDATED: CaseUpdatedMessage,
    WebhookEvent.CASE_RESOLVED: CaseResolvedMessage,
    WebhookEvent.MESSAGE_RECEIVED: MessageReceivedMessage,
    WebhookEvent.REPLY_SENT: ReplySentMessage,
    WebhookEvent.GRANT_ISSUED: GrantIssuedMessage,
    WebhookEvent.SURVEY_ANSWERED: SurveyAnsweredMessage,
    WebhookEvent.INCIDENT_DECLARED: IncidentDeclaredMessage,
    "webhook.ping": PingMessage,
}
"""The envelope of each message type, as the OpenAPI document shows it."""

# ---------------------------------------------------------------- the API


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = Field(description="Where to POST each message: https:// (or http://)")
    events: list[WebhookEvent] = Field(min_length=1, max_length=len(WebhookEvent))
    description: str = Field(default="", max_length=DESCRIPTION_MAX)


class WebhookChange(BaseModel):
    """What to change; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl | None = None
    events: list[WebhookEvent] | None = Field(default=None, min_length=1, max_length=len(WebhookEvent))
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    active: bool | None = Field(default=None, description="False pauses it; true resumes it")


class WebhookOut(BaseModel):
    id: int
    url: str = Field(max_length=URL_MAX)
    description: str
    events: list[WebhookEvent]
    active: bool
    paused_reason: str | None
    paused_at: datetime | None
    failing_since: datetime | None
    previous_secret_until: datetime | None
    """While set and in the future, messages carry a signature by the previous secret too."""
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str
    """`whsec_…`: shown once, now. Verify each message with it (the Standard Webhooks libraries)."""


class SecretOut(BaseModel):
    secret: str
    """The new secret, shown once."""
    previous_secret_until: datetime
    """Until then messages are signed with the old secret as well."""


class AttemptOut(BaseModel):
    number: int
    at: datetime
    status: int | None
    response: str | None
    """The start of the receiver's answer."""
    error: str | None
    duration_ms: int
    manual: bool


class DeliveryOut(BaseModel):
    id: int
    webhook_id: int
    type: str
    wire_id: str
    """The `webhook-id` header of each attempt."""
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[AttemptOut]


class DeliveryPageOut(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


class AllowedHostIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1, max_length=HOST_MAX, description="A host name or IP address, no port")


class AllowedHostOut(BaseModel):
    host: str
    added_at: datetime
