from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from sameside.grants.rules import AMOUNT_MAX, REASON_MAX, GrantKind, GrantState, Period, Purpose
from sameside.kit.actors import Role
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output

Currency = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, such as EUR")
Amount = Field(ge=0, le=AMOUNT_MAX, description="In the currency's smallest unit: 3000 is 30.00 EUR")


class GrantIn(Input):
    kind: GrantKind
    purpose: Purpose
    """remedy: making good what went wrong; goodwill: a gesture."""
    amount_minor: int = Field(ge=1, le=AMOUNT_MAX, description="In the currency's smallest unit: 3000 is 30.00 EUR")
    currency: str = Currency
    reason: str = Field(min_length=1, max_length=REASON_MAX)


class ReviewIn(Input):
    verdict: Literal["approve", "decline"]
    reason: str = Field(min_length=1, max_length=REASON_MAX)
    amount_minor: int | None = Field(default=None, ge=1, le=AMOUNT_MAX, description="Approve a different amount")


class ReversalIn(Input):
    reason: str = Field(min_length=1, max_length=REASON_MAX)


class GrantOut(Output):
    id: int
    case_id: int
    customer_id: int
    kind: GrantKind
    purpose: Purpose
    amount_minor: int
    currency: str
    amount: str
    """The amount as people read it: "30.00 €"."""
    reason: str
    state: GrantState
    from_budget: bool
    requested_by: int | None
    requested_at: datetime
    asked_minor: int | None
    reviewed_by: int | None
    reviewed_at: datetime | None
    review_reason: str | None
    issued_at: datetime | None
    reversed_by: int | None
    reversed_at: datetime | None
    reversal_reason: str | None


class BudgetIn(Input):
    role: Role | None = None
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    staff_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    amount_minor: int = Amount
    currency: str = Currency
    period: Period = Period.MONTH


class BudgetOut(Output):
    amount_minor: int
    currency: str
    period: Period
    spent_minor: int
    left_minor: int
    left: str
    """What is left this period, as people read it."""


class CeilingIn(Input):
    currency: str = Currency
    max_minor: int = Amount


class CeilingOut(Output):
    kind: GrantKind
    currency: str
    max_minor: int
