"""What the principles record on a case: restatements, escalations, consults, callbacks and calls, grants,
offers and decisions, incidents, repeat contacts, surveys, held contacts and feedback — their event payloads.

Pure: no database, no web.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import (
    Field,
)

from sameside.cases.events.parts import Asker, Instant, LatestBrief, Payload
from sameside.cases.rules import EventType


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
    """requested, approved (then issued, in a GrantMade of its own), declined or reversed.

    Entries recorded before approval was a step of its own say `issued` for an approval."""
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
