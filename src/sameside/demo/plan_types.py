"""The shape of a demo plan: who works here, who the customers are, what happens on each case.

A plan is plain data, decided without a database (`plan.plan_demo`) and played
back through the domain services (`seed.seed_demo`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sameside.cases.rules import CaseStatus, Priority
from sameside.customers.rules import Channel, Tier
from sameside.kit.actors import Role
from sameside.staff.models import Routing

# Who acts in a step, besides a staff member's email address.
CUSTOMER = "customer"
SYSTEM_KEY = "system"

WINDOW = timedelta(days=60)
"""Cases are opened within this long before now."""
STRUCTURE_AGE = timedelta(days=90)
"""Teams, staff and organizations are this old."""


@dataclass(frozen=True)
class TeamPlan:
    slug: str
    name: str
    email: str


@dataclass(frozen=True)
class DepartmentPlan:
    slug: str
    name: str
    service_level_hours: int
    label: str
    """How agents mention the department to a customer."""


@dataclass(frozen=True)
class StaffPlan:
    email: str
    name: str
    role: Role
    team: str | None = None
    department: str | None = None
    languages: tuple[str, ...] = ()
    products: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrganizationPlan:
    name: str
    domain: str
    tier: Tier


@dataclass(frozen=True)
class Preferences:
    preferred_channel: Channel | None = None
    language: str | None = None
    form_of_address: str | None = None
    timezone: str | None = None
    contact_window: tuple[str, str] | None = None
    accessibility_notes: str | None = None


@dataclass(frozen=True)
class CustomerPlan:
    name: str
    email: str
    ago: timedelta
    """First seen this long before now."""
    phone: str | None = None
    preferences: Preferences | None = None
    tier: Tier | None = None
    """A tier of their own (customers of an organization take its tier)."""


StepKind = Literal[
    "customer", "reply", "note", "assign", "details", "status", "resolve", "reopen", "transfer", "consult", "answer"
]


@dataclass(frozen=True)
class Step:
    """One thing that happens on a case, `after` its opening, done `by` someone."""

    after: timedelta
    kind: StepKind
    by: str
    body: str = ""
    status: CaseStatus | None = None
    channel: Channel | None = None
    owner: str | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] | None = None
    team: str | None = None
    """transfer: the receiving team."""
    brief: tuple[str, str, str, str] | None = None
    """transfer: the problem in the customer's words, what was tried, what was promised, how they feel."""
    department: str | None = None
    """consult: the department asked."""


@dataclass(frozen=True)
class CasePlan:
    customer: int
    """Index into `DemoPlan.customers`."""
    topic: str
    subject: str
    body: str
    channel: Channel
    team: str | None
    priority: Priority
    tags: tuple[str, ...]
    shared: bool
    opened_by: str
    ago: timedelta
    """Opened this long before now."""
    steps: tuple[Step, ...]
    status: CaseStatus
    """Where the steps leave the case."""


@dataclass(frozen=True)
class DemoPlan:
    teams: tuple[TeamPlan, ...]
    departments: tuple[DepartmentPlan, ...]
    staff: tuple[StaffPlan, ...]
    organizations: tuple[OrganizationPlan, ...]
    customers: tuple[CustomerPlan, ...]
    cases: tuple[CasePlan, ...]
    """In the order they were opened (oldest first), so case numbers rise with time."""
    routing: tuple[tuple[str, Routing], ...] = ()
    """How each team routes new cases, switched on after the history above (which predates it)."""
    arrivals: tuple[CasePlan, ...] = ()
    """New cases arriving in the last minutes, after routing is on: they show who routing picks."""
