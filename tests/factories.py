"""Factories that go through the real services and commit to the real database."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sameside.auth import service as auth
from sameside.cases import service as cases
from sameside.cases.models import Case
from sameside.cases.rules import Priority
from sameside.customers import service as customers
from sameside.customers.models import Customer, Organization
from sameside.customers.rules import Channel, IdentityKind, Tier
from sameside.db.engine import Database
from sameside.kit.actors import Role, SystemActor
from sameside.staff import service as staff_service
from sameside.staff.models import Department, Staff, Team

SYSTEM = SystemActor("tests")
PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


@dataclass
class Person:
    """A staff member or customer with the credentials tests use to act as them."""

    id: int
    email: str
    headers: dict[str, str]
    team_id: int | None = None


class Factory:
    def __init__(self, db: Database) -> None:
        self.db = db

    def team(self, slug: str | None = None, *, email: str | None = None, name: str | None = None) -> Team:
        n = next(_seq)
        with self.db.unit_of_work() as s:
            return staff_service.create_team(s, SYSTEM, slug=slug or f"team-{n}", name=name or f"Team {n}", email=email)

    def department(self, slug: str | None = None) -> Department:
        n = next(_seq)
        with self.db.unit_of_work() as s:
            return staff_service.create_department(s, SYSTEM, slug=slug or f"dept-{n}", name=f"Dept {n}")

    def staff(
        self,
        role: Role = Role.AGENT,
        *,
        team: Team | None = None,
        department: Department | None = None,
        password: str | None = PASSWORD,
        email: str | None = None,
    ) -> Person:
        n = next(_seq)
        address = email or f"{role.value}{n}@desk.example"
        with self.db.unit_of_work() as s:
            staff = staff_service.add_staff(
                s,
                SYSTEM,
                email=address,
                name=f"{role.value.title()} {n}",
                role=role,
                team_id=team.id if team else None,
                department_id=department.id if department else None,
                password=password,
            )
            _, token = auth.create_api_token(s, SYSTEM, staff, "tests")
            return Person(staff.id, address, {"Authorization": f"Bearer {token}"}, staff.team_id)

    def organization(self, name: str = "Acme", domain: str | None = None, tier: Tier = Tier.STANDARD) -> Organization:
        with self.db.unit_of_work() as s:
            return customers.create_organization(s, SYSTEM, name=name, domain=domain, tier=tier)

    def customer(self, email: str | None = None, name: str = "Casey Customer") -> Customer:
        address = email or f"customer{next(_seq)}@example.com"
        with self.db.unit_of_work() as s:
            customer, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value=address, name=name)
            return customer

    def customer_session(self, customer: Customer) -> dict[str, str]:
        """Cookie and CSRF headers for a signed-in customer (as after a magic link)."""
        with self.db.unit_of_work() as s:
            issued = auth.open_session(s, customer=customer, days=1)
        return {"Cookie": f"sameside_session={issued.token}", "X-CSRF-Token": issued.csrf_token}

    def case(
        self,
        customer: Customer | None = None,
        *,
        team: Team | None = None,
        owner: Person | None = None,
        subject: str = "My parcel has not arrived",
        body: str = "It was due on Monday.",
        channel: Channel = Channel.EMAIL,
        priority: Priority = Priority.NORMAL,
        tags: list[str] | None = None,
        shared: bool = False,
    ) -> Case:
        customer = customer or self.customer()
        with self.db.unit_of_work() as s:
            fresh = s.get(Customer, customer.id)
            assert fresh is not None
            case = cases.open_case(
                s,
                SYSTEM,
                customer=fresh,
                subject=subject,
                body=body,
                channel=channel,
                team=s.get(Team, team.id) if team else None,
                priority=priority,
                tags=tags,
                shared_with_organization=shared,
            )
            if owner is not None:
                cases.assign(s, SYSTEM, case, s.get(Staff, owner.id))
            return case

    def staff_row(self, person: Person) -> Staff:
        with self.db.unit_of_work(write=False) as s:
            staff = s.get(Staff, person.id)
            assert staff is not None
            return staff
