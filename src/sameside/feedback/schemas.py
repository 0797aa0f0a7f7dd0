"""Feedback's API shapes: marking a message, answering, what a row and a department's figures look like."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from sameside.feedback.rules import ANSWER_MAX, NOTE_MAX, FeedbackKind, FeedbackSource, FeedbackState
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output


class MarkIn(Input):
    entry_id: int = Field(ge=1, le=MAX_ID)
    """The customer's message on the case (a timeline entry of theirs)."""
    kind: FeedbackKind
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    department_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    """Whom it concerns: a team or a department, exactly one of the two."""
    note: str | None = Field(default=None, max_length=NOTE_MAX)

    @model_validator(mode="after")
    def _one_target(self) -> MarkIn:
        if (self.team_id is None) == (self.department_id is None):
            raise ValueError("give exactly one of team_id and department_id")
        return self


class FeedbackAnswerIn(Input):
    answer: str = Field(min_length=1, max_length=ANSWER_MAX)


class FeedbackOut(Output):
    id: int
    case_id: int
    case_subject: str
    entry_id: int | None
    survey_id: int | None
    source: FeedbackSource
    kind: FeedbackKind
    team_id: int | None
    department_id: int | None
    concerns: str
    """The team's or department's name."""
    words: str
    """The customer's words."""
    note: str | None
    marked_by: int | None
    marked_at: datetime
    state: FeedbackState
    acknowledged_by: int | None
    acknowledged_at: datetime | None
    answer: str | None
    answered_by: int | None
    answered_at: datetime | None


class FiguresOut(Output):
    """A department's internal service over the last `days` days (P15)."""

    department_id: int
    days: int
    consults_answered: int
    consults_on_time: int
    on_time_rate: float | None
    """Answered by their due time, of those answered; null when none were."""
    consults_open: int
    feedback_by_kind: dict[FeedbackKind, int]
    feedback_waiting: int
    """Not yet acknowledged."""
