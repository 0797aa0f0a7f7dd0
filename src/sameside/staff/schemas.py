from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from sameside.kit.actors import Role
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import EmailAddress, Input, Output
from sameside.staff.models import Routing
from sameside.staff.passwords import MIN_LENGTH
from sameside.staff.rules import LANGUAGE_PATTERN, SLUG_PATTERN

# The rules `staff.rules` checks for every caller, stated in the schema too (`json_schema_extra`: stated, not
# checked twice), so a client generated from the API's document knows them before it sends.
Slug = Annotated[
    str,
    Field(
        min_length=1,
        max_length=63,
        description="Lower-case letters, digits and dashes; it names the team or department in addresses and URLs.",
        json_schema_extra={"pattern": SLUG_PATTERN},
    ),
]
Password = Annotated[str, Field(max_length=1024, json_schema_extra={"minLength": MIN_LENGTH})]
Languages = Annotated[
    list[Annotated[str, Field(max_length=35, json_schema_extra={"pattern": LANGUAGE_PATTERN})]],
    Field(max_length=20, description="Language tags such as `de` or `pt-BR`; kept as primary tags (`pt`)."),
]
Products = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=64)]],
    Field(max_length=20, description="Products this person knows; a case tagged `router-x2` is about `Router X2`."),
]
RoutingMode = Annotated[
    Routing,
    Field(
        description="How new cases find an owner: take_next, round_robin, least_loaded or skill (language, product)."
    ),
]


class TeamOut(Output):
    id: int
    slug: str
    name: str
    email: str | None
    routing: Routing
    restricted: bool
    """Only the team, supervisors, consulted departments and previous owners read its cases."""


class TeamCreate(Input):
    slug: Slug
    name: str = Field(min_length=1, max_length=200)
    email: EmailAddress | None = None
    routing: RoutingMode = Routing.TAKE_NEXT


class TeamUpdate(Input):
    """Admins change anything; a supervisor of the team may send `routing` alone."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: EmailAddress | None = None
    routing: RoutingMode | None = None
    restricted: bool | None = None
    """Admins only: a sensitive team whose cases not every staff member reads."""


class DepartmentOut(Output):
    id: int
    slug: str
    name: str
    service_level_hours: int


class DepartmentCreate(Input):
    slug: Slug
    name: str = Field(min_length=1, max_length=200)
    service_level_hours: int = Field(default=8, ge=1, le=24 * 30)


class DepartmentUpdate(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    service_level_hours: int | None = Field(default=None, ge=1, le=24 * 30)


class StaffOut(Output):
    id: int
    email: str
    name: str
    role: Role
    team_id: int | None
    department_id: int | None
    is_active: bool
    languages: list[str]
    products: list[str]
    created_at: datetime


class StaffBrief(Output):
    """What anyone who sees a case may know of its owner."""

    id: int
    name: str


class StaffCreate(Input):
    email: EmailAddress
    name: str = Field(min_length=1, max_length=200)
    role: Role
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    department_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    password: Password | None = None
    languages: Languages = Field(default_factory=list)
    products: Products = Field(default_factory=list)


class StaffUpdate(Input):
    """Admins change anything; a supervisor of the person's team may send `languages` and `products` alone."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    department_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    is_active: bool | None = None
    password: Password | None = None
    languages: Languages | None = None
    products: Products | None = None
