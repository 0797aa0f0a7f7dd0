"""Surveys on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from sameside.surveys.rules import COMMENT_MAX, Skip, SurveyState, Via


class SurveyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_id: int
    customer_id: int
    team_id: int | None
    owner_id: int | None
    state: SurveyState
    skipped: Skip | None
    """Why it was not sent, as a code; `reason` says it in words."""
    reason: str | None
    sent_at: datetime | None
    expires_at: datetime | None
    score: int | None
    """1 (not at all) … 5 (completely)."""
    words: str | None
    comment: str | None
    answered_at: datetime | None
    answers: int
    via: Via | None
    routed_at: datetime | None


class SurveysPage(BaseModel):
    items: list[SurveyOut]
    next_before: int | None
    """Pass as `before` for the next page; null on the last."""


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)


class CsatOut(BaseModel):
    answered: int
    satisfied: int
    """Answers of 4 ("Well") or 5 ("Completely")."""
    share: float | None
    by_score: dict[int, int]


class LoadOut(BaseModel):
    surveys: int
    customers: int
    per_customer: float | None
    """Surveys per customer who got one, in the window: at most 1.0 while the interval is 30 days or more."""
    most: int


class FiguresOut(BaseModel):
    since: datetime
    until: datetime
    csat: CsatOut
    surveys_per_customer: LoadOut
