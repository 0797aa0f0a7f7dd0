from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sameside.grants.rules import AMOUNT_MAX, GrantKind, Purpose
from sameside.kit.schema import Input, Output
from sameside.offers.rules import COUNTER_MAX, LABEL_MAX, OPTIONS_MAX, OPTIONS_MIN, OfferState, Via


class OptionGrantIn(Input):
    kind: GrantKind
    purpose: Purpose
    amount_minor: int = Field(ge=1, le=AMOUNT_MAX, description="In the currency's smallest unit: 3000 is 30.00 EUR")
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class OptionIn(Input):
    label: str = Field(min_length=1, max_length=LABEL_MAX, description="What the customer gets, in words")
    grant: OptionGrantIn | None = None


class OfferIn(Input):
    options: list[OptionIn] = Field(min_length=OPTIONS_MIN, max_length=OPTIONS_MAX)
    expires_in_hours: int = Field(default=168, ge=1, le=720)
    intro: str | None = Field(default=None, max_length=2000, description="The opening line; a plain one if left out")


class ChoiceIn(Input):
    option_id: int = Field(ge=1, le=2**31 - 1)


class CounterIn(Input):
    text: str = Field(min_length=1, max_length=COUNTER_MAX)


class OptionOut(Output):
    id: int
    position: int
    label: str
    grant_kind: GrantKind | None
    grant_purpose: Purpose | None
    amount_minor: int | None
    currency: str | None


class OfferOut(Output):
    id: int
    case_id: int
    made_by: int | None
    made_at: datetime
    expires_at: datetime
    state: OfferState
    options: list[OptionOut]
    chosen_option_id: int | None
    answered_at: datetime | None
    via: Via | None
    counter: str | None
    grant_id: int | None
