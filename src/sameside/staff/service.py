"""Writes on staff, teams and departments, as named verbs. Never commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.kit.actors import Actor, Role
from sameside.kit.addresses import normalize_email
from sameside.kit.unset import UNSET, Unset
from sameside.staff import rules
from sameside.staff.errors import (
    DepartmentNotFound,
    DuplicateSlug,
    DuplicateStaff,
    TeamNotFound,
)
from sameside.staff.models import Department, Staff, Team
from sameside.staff.passwords import hash_password


def add_staff(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: Role,
    team_id: int | None = None,
    department_id: int | None = None,
    password: str | None = None,
) -> Staff:
    rules.require_admin(actor)
    address = normalize_email(email)
    if session.scalar(select(Staff.id).where(Staff.email == address)) is not None:
        raise DuplicateStaff(f"A staff member with the email {address} already exists.")
    _check_team(session, team_id)
    _check_department(session, department_id)
    staff = Staff(
        email=address,
        name=name.strip() or address,
        role=role,
        team_id=team_id,
        department_id=department_id,
    )
    if password is not None:
        rules.check_password(password)
        staff.password_hash = hash_password(password)
    session.add(staff)
    session.flush()
    return staff


def update_staff(
    session: Session,
    actor: Actor,
    staff: Staff,
    *,
    name: str | None = None,
    role: Role | None = None,
    team_id: int | Unset | None = UNSET,
    department_id: int | Unset | None = UNSET,
    is_active: bool | None = None,
) -> Staff:
    """Change what is given; UNSET leaves the nullable links as they are."""
    rules.require_admin(actor)
    if name is not None:
        staff.name = name.strip() or staff.name
    if role is not None:
        staff.role = role
    if team_id is not UNSET:
        _check_team(session, team_id)
        staff.team_id = team_id
    if department_id is not UNSET:
        _check_department(session, department_id)
        staff.department_id = department_id
    if is_active is not None:
        staff.is_active = is_active
    session.flush()
    return staff


def set_password(session: Session, actor: Actor, staff: Staff, password: str) -> None:
    rules.require_admin(actor)
    rules.check_password(password)
    staff.password_hash = hash_password(password)


def create_team(session: Session, actor: Actor, *, slug: str, name: str, email: str | None = None) -> Team:
    rules.require_admin(actor)
    rules.check_slug(slug)
    if session.scalar(select(Team.id).where(Team.slug == slug)) is not None:
        raise DuplicateSlug(f"A team with the slug {slug!r} already exists.")
    team = Team(slug=slug, name=name.strip() or slug, email=normalize_email(email) if email else None)
    session.add(team)
    session.flush()
    return team


def update_team(
    session: Session, actor: Actor, team: Team, *, name: str | None = None, email: str | None = None
) -> Team:
    rules.require_admin(actor)
    if name is not None:
        team.name = name.strip() or team.name
    if email is not None:
        team.email = normalize_email(email) if email else None
    session.flush()
    return team


def create_department(
    session: Session, actor: Actor, *, slug: str, name: str, service_level_hours: int = 8
) -> Department:
    rules.require_admin(actor)
    rules.check_slug(slug)
    if session.scalar(select(Department.id).where(Department.slug == slug)) is not None:
        raise DuplicateSlug(f"A department with the slug {slug!r} already exists.")
    department = Department(slug=slug, name=name.strip() or slug, service_level_hours=service_level_hours)
    session.add(department)
    session.flush()
    return department


def update_department(
    session: Session,
    actor: Actor,
    department: Department,
    *,
    name: str | None = None,
    service_level_hours: int | None = None,
) -> Department:
    rules.require_admin(actor)
    if name is not None:
        department.name = name.strip() or department.name
    if service_level_hours is not None:
        department.service_level_hours = service_level_hours
    session.flush()
    return department


def _check_team(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise TeamNotFound(f"There is no team with id {team_id}.")


def _check_department(session: Session, department_id: int | None) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise DepartmentNotFound(f"There is no department with id {department_id}.")
