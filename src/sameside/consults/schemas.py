from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output


class ConsultIn(Input):
    department_id: int = Field(ge=1, le=MAX_ID)
    question: str = Field(min_length=1, max_length=10_000)
    customer_line: str | None = Field(default=None, max_length=1000)
    """What the customer reads on their case; omitted, the suggested line (their form of address, their time)."""
    tell_customer: bool = True
    """False: tell the customer nothing; the consult is on the timeline for staff only."""


class AnswerIn(Input):
    answer: str = Field(min_length=1, max_length=10_000)


class ConsultOut(Output):
    id: int
    case_id: int
    department_id: int
    question: str
    asked_by: int | None
    asked_at: datetime
    due_at: datetime
    overdue: bool
    answer: str | None
    answered_by: int | None
    answered_at: datetime | None
