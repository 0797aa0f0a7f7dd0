from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sameside.kit.actors import Role
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output


class TeamOut(Output):
    id: int
    slug: str
    name: str
    email: str | None


class TeamCreate(Input):
    slug: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)


class TeamUpdate(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)


class DepartmentOut(Output):
    id: int
    slug: str
    name: str
    service_level_hours: int


class DepartmentCreate(Input):
    slug: str = Field(min_length=1, max_length=64)
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
    created_at: datetime


class StaffBrief(Output):
    """What anyone who sees a case may know of its owner."""

    id: int
    name: str


class StaffCreate(Input):
    email: str = Field(max_length=320)
    name: str = Field(min_length=1, max_length=200)
    role: Role
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    department_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    password: str | None = Field(default=None, max_length=1024)


class StaffUpdate(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    department_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    is_active: bool | None = None
    password: str | None = Field(default=None, max_length=1024)
