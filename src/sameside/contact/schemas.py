"""The contact policy on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class PolicyOut(BaseModel):
    cap: int
    """Non-essential messages (surveys, reminders, notices) one customer may get per period, across all cases."""
    period_days: int
    survey_interval_days: int
    """At most one survey per customer in this many days."""
    survey_delay_minutes: int
    """How long after a case is resolved its survey is considered (a reopen meanwhile cancels it)."""
    surveys_on: bool
    stored: bool
    """False: the defaults apply; no admin has saved a policy."""


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cap: int = Field(ge=0, le=20)
    period_days: int = Field(ge=1, le=90)
    survey_interval_days: int = Field(ge=1, le=365)
    survey_delay_minutes: int = Field(ge=0, le=7 * 24 * 60)
    surveys_on: bool = True


class ContactRecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int
    case_id: int | None
    purpose: str
    allowed: bool
    """True: it was sent (and counts toward the cap); false: held, `reason` says why."""
    reason: str | None
    created_at: datetime
