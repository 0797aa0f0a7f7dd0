from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sameside.cases.rules import CaseStatus
from sameside.customers.schemas import CustomerBrief
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output

Number = Annotated[int, Field(ge=1, le=MAX_ID)]


class MergeIn(Input):
    into: Number
    """The case that stays: of the same customer, or of the same organisation."""


class LinkIn(Input):
    case: Number
    """The related case."""


class SplitIn(Input):
    message_id: Number
    """A message the customer wrote on this case (not the one that opened it): the new case's first."""


class LinkedCase(Output):
    """Another case, as a link shows it."""

    number: int
    subject: str
    status: CaseStatus
    customer: CustomerBrief


class CaseLinksOut(Output):
    """A case's links. Cases the caller may not read are left out."""

    merged_into: LinkedCase | None
    """The case this duplicate was merged into (it is closed)."""
    merged_from: list[LinkedCase]
    """Duplicates merged into this case."""
    related: list[LinkedCase]
    split_from: LinkedCase | None
    """The case this one began on, as a message split off it."""
    split_into: list[LinkedCase]
    """Cases split off this one."""
