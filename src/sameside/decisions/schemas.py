from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sameside.decisions.rules import TEXT_MAX, DecisionKind
from sameside.kit.schema import Input, Output


class DecisionIn(Input):
    kind: DecisionKind = DecisionKind.FINAL
    customer_text: str = Field(min_length=1, max_length=TEXT_MAX, description="Exactly what the customer will read")
    rationale: str = Field(min_length=1, max_length=TEXT_MAX, description="Why, for colleagues")
    policy: str = Field(min_length=1, max_length=500, description="The policy it rests on")
    revision_reason: str | None = Field(default=None, max_length=TEXT_MAX, description="Required to revise one")
    resolve: bool = False


class DecisionOut(Output):
    id: int
    case_id: int
    kind: DecisionKind
    decided_by: int | None
    decided_at: datetime
    rationale: str
    policy: str
    customer_text: str
    revises_id: int | None
    revision_reason: str | None
    revised_at: datetime | None
    standing: bool
