"""Invitations and deactivation on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from sameside.kit.actors import Role
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import EmailAddress, Input, Output
from sameside.staff.schemas import StaffOut

InvitationState = Literal["pending", "expired", "accepted", "revoked"]


class InvitationCreate(Input):
    email: EmailAddress
    name: str = Field(min_length=1, max_length=200)
    role: Role = Role.AGENT
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    department_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class InvitationOut(Output):
    """An invitation; its link is only ever in the email, never here."""

    id: int
    email: str
    name: str
    role: Role
    team_id: int | None
    department_id: int | None
    state: InvitationState
    created_at: datetime
    sent_at: datetime
    expires_at: datetime


class Deactivated(Output):
    staff: StaffOut
    returned_cases: list[int]
    """The cases they owned that went back, unowned, to their team's queue."""
    tokens_revoked: int
