"""The API's shapes for calls, callers' cases and booked callbacks."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sameside.callbacks.models import Callback, CallbackState
from sameside.callbacks.rules import CallbackOutcome
from sameside.calls.models import Call
from sameside.calls.rules import DURATION_MAX, NOTES_MAX, SUBJECT_MAX, Direction, Outcome
from sameside.cases.schemas import CaseOut
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output


class CallIn(Input):
    """A call to write down: which way, how it went, how long, what was said."""

    direction: Direction
    outcome: Outcome
    duration_seconds: int = Field(default=0, ge=0, le=DURATION_MAX, description="0 for a call nobody answered.")
    notes: str | None = Field(default=None, max_length=NOTES_MAX)
    phone: str | None = Field(default=None, max_length=40, description="The number called or calling.")
    callback_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The booked call on this case that this was (outbound only)."
    )


class CallOut(Output):
    id: int
    case_number: int
    direction: Direction
    outcome: Outcome
    duration_seconds: int
    phone: str | None
    notes: str | None
    callback_id: int | None
    logged_by: int | None
    created_at: datetime

    @classmethod
    def of(cls, call: Call) -> CallOut:
        return cls(
            id=call.id,
            case_number=call.case_id,
            direction=call.direction,
            outcome=call.outcome,
            duration_seconds=call.duration_seconds,
            phone=call.phone,
            notes=call.notes,
            callback_id=call.callback_id,
            logged_by=call.logged_by,
            created_at=call.created_at,
        )


class NewCallerIn(Input):
    """Someone we do not know yet: their number and address are kept `pending` until they prove them."""

    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=5, max_length=40)
    email: str | None = Field(default=None, max_length=320)


class CallerCaseIn(Input):
    """A case opened by phone: for a known customer (`customer_id`) or a new caller, with the call it came from."""

    customer_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    new_caller: NewCallerIn | None = None
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX)
    problem: str = Field(min_length=1, max_length=100_000, description="What the caller said, in their words.")
    team_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Else the phone channel's team, the default team, or yours."
    )
    call: CallIn


class CallerCaseOut(Output):
    case: CaseOut
    call: CallOut


class CallbackOut(Output):
    id: int
    case_number: int
    phone: str
    starts_at: datetime
    ends_at: datetime
    state: CallbackState
    assignee_id: int | None
    """Who will make the call (null: whoever in the team takes it)."""
    outcome: CallbackOutcome | None

    @classmethod
    def of(cls, callback: Callback) -> CallbackOut:
        return cls(
            id=callback.id,
            case_number=callback.case_id,
            phone=callback.phone,
            starts_at=callback.starts_at,
            ends_at=callback.ends_at,
            state=callback.state,
            assignee_id=callback.assignee_id,
            outcome=callback.outcome,
        )


class AssigneeIn(Input):
    assignee_id: int | None = Field(ge=1, le=MAX_ID, description="null gives the call back to the team's list.")


class CallbackOutcomeIn(Input):
    """How the booked call went; when nobody answered, `retry_at` books the next try (a free time)."""

    outcome: Outcome
    duration_seconds: int = Field(default=0, ge=0, le=DURATION_MAX)
    notes: str | None = Field(default=None, max_length=NOTES_MAX)
    retry_at: datetime | None = None


class CallbackOutcomeOut(Output):
    call: CallOut
    retry: CallbackOut | None


class MoveIn(Input):
    starts_at: datetime = Field(description="A free time from the case's callback slots, in business hours.")
