from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from sameside.cases.rules import CaseStatus
from sameside.incidents import rules
from sameside.incidents.rules import IncidentStatus
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output


class IncidentIn(Input):
    title: Annotated[str, Field(min_length=1, max_length=rules.TITLE_MAX)]
    """What it is, as customers read it in a notice's subject."""
    message: Annotated[str, Field(min_length=1, max_length=rules.MESSAGE_MAX)]
    """What customers are told."""
    since: datetime | None = None
    """When it began; now when not given."""
    urgent: bool = False
    """Notices go at once, whatever each customer's contact window."""
    tell_everyone: bool = False
    """Tell every customer of the organisations and the list, not only those with open cases."""
    tags: list[Annotated[str, Field(max_length=50)]] = Field(default_factory=list, max_length=rules.TAGS_MAX)
    organizations: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(default_factory=list, max_length=50)
    pattern: Annotated[str | None, Field(max_length=200)] = None
    """Words or a "quoted phrase" matched against new contacts' subject and message, as search matches."""
    customers_csv: Annotated[str | None, Field(max_length=rules.CSV_BYTES_MAX)] = None
    """A customer list: CSV text with a column headed `email`, or one address a line."""


class UpdateIn(Input):
    body: Annotated[str, Field(min_length=1, max_length=rules.MESSAGE_MAX)]
    status: IncidentStatus | None = None
    """investigating, identified or monitoring; resolve with `/resolve`."""


class ResolveIn(Input):
    message: Annotated[str, Field(min_length=1, max_length=rules.MESSAGE_MAX)]
    """The approved closing message: sent on every linked case, which it resolves, then to everyone else affected."""


class FiguresOut(Output):
    affected: int
    told: int
    """Told the latest message."""
    waiting: int
    no_address: int
    linked: int
    linked_open: int
    new_contacts: int


class UpdateOut(Output):
    number: int
    body: str
    status: IncidentStatus
    posted_at: datetime


class IncidentOut(Output):
    id: int
    title: str
    message: str
    status: IncidentStatus
    since: datetime
    urgent: bool
    tell_everyone: bool
    tags: list[str]
    organizations: list[int]
    pattern: str | None
    declared_at: datetime
    resolved_at: datetime | None
    figures: FiguresOut
    updates: list[UpdateOut]


class DeclaredOut(IncidentOut):
    unknown_addresses: list[str]
    """Addresses on the list that are no customer of ours: not added."""
    refused_rows: list[str]


class AffectedOut(Output):
    customer_id: int
    name: str
    reason: str
    told: int
    """The last message they were told: 0 the notice, n update n, -1 none yet."""
    held_until: str | None


class LinkedCaseOut(Output):
    number: int
    subject: str
    status: CaseStatus
    customer_id: int
    new_contact: bool
