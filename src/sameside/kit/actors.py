"""Who is acting: a staff member or a customer.

Services take an actor as an explicit argument (never a thread-global
"current user"). Actors are plain values, built by the auth layer from a
session cookie or an API token.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


RANK = {Role.AGENT: 1, Role.SUPERVISOR: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class StaffActor:
    staff_id: int
    role: Role
    team_id: int | None = None
    department_id: int | None = None

    def at_least(self, role: Role) -> bool:
        return RANK[self.role] >= RANK[role]


@dataclass(frozen=True)
class CustomerActor:
    customer_id: int
    organization_id: int | None = None


@dataclass(frozen=True)
class SystemActor:
    """The software itself: intake, timers, the demo seeder."""

    name: str = "system"


Actor = StaffActor | CustomerActor | SystemActor
