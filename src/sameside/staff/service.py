"""Writes on staff, teams and departments, as named verbs. Never commits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sameside.kit import clock
from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.addresses import normalize_email
from sameside.kit.unset import UNSET, Unset
from sameside.staff import rules
from sameside.staff.errors import (
    DepartmentNotFound,
    DuplicateSlug,
    DuplicateStaff,
    DuplicateTeamAddress,
    LastAdmin,
    NotYourself,
    TeamNotFound,
)
from sameside.staff.models import Department, Routing, Staff, Team
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
    languages: list[str] | None = None,
    products: list[str] | None = None,
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
        languages=rules.clean_languages(languages or []),
        products=rules.clean_products(products or []),
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
    languages: list[str] | None = None,
    products: list[str] | None = None,
) -> Staff:
    """Change what is given; UNSET leaves the nullable links as they are.

    Skills alone are a supervisor's to change for their team (`set_skills`);
    anything else, or nothing at all, is an admin's.
    """
    skills = languages is not None or products is not None
    structure = (name, role, is_active) != (None, None, None) or (team_id, department_id) != (UNSET, UNSET)
    if structure or not skills:
        rules.require_admin(actor)
    if name is not None:
        staff.name = name.strip() or staff.name
    if role is not None and role is not staff.role:
        if staff.role is Role.ADMIN:
            _keep_an_admin(session, staff)
        staff.role = role
    if team_id is not UNSET:
        _check_team(session, team_id)
        staff.team_id = team_id
    if department_id is not UNSET:
        _check_department(session, department_id)
        staff.department_id = department_id
    if is_active is not None and is_active != staff.is_active:
        if is_active:
            reactivate(session, actor, staff)
        else:
            deactivate(session, actor, staff)
    if skills:
        set_skills(session, actor, staff, languages=languages, products=products)
    session.flush()
    return staff


def set_skills(
    session: Session,
    actor: Actor,
    staff: Staff,
    *,
    languages: list[str] | None = None,
    products: list[str] | None = None,
) -> Staff:
    """Say which languages someone answers in and which products they know: what skill routing matches (P14).

    An admin, or a supervisor of the person's team. Languages are kept as
    primary tags (`pt-BR` → `pt`); products as names, matched to case tags.
    """
    rules.require_team_lead(actor, staff.team_id)
    if languages is not None:
        staff.languages = rules.clean_languages(languages)
    if products is not None:
        staff.products = rules.clean_products(products)
    session.flush()
    return staff


def set_password(session: Session, actor: Actor, staff: Staff, password: str) -> None:
    rules.require_admin(actor)
    rules.check_password(password)
    staff.password_hash = hash_password(password)


def create_team(
    session: Session,
    actor: Actor,
    *,
    slug: str,
    name: str,
    email: str | None = None,
    routing: Routing = Routing.TAKE_NEXT,
) -> Team:
    rules.require_admin(actor)
    rules.check_slug(slug)
    if session.scalar(select(Team.id).where(Team.slug == slug)) is not None:
        raise DuplicateSlug(f"A team with the slug {slug!r} already exists.")
    address = _free_team_address(session, email, team_id=None)
    team = Team(slug=slug, name=name.strip() or slug, email=address, routing=routing)
    session.add(team)
    session.flush()
    return team


def update_team(
    session: Session,
    actor: Actor,
    team: Team,
    *,
    name: str | None = None,
    email: str | None = None,
    routing: Routing | None = None,
    restricted: bool | None = None,
) -> Team:
    """Change what is given. The routing alone is a supervisor's to change for their team (`set_routing`)."""
    if name is not None or email is not None or restricted is not None or routing is None:
        rules.require_admin(actor)
    if restricted is not None:
        team.restricted = restricted
    if name is not None:
        team.name = name.strip() or team.name
    if email is not None:
        team.email = _free_team_address(session, email, team_id=team.id)
    if routing is not None:
        set_routing(session, actor, team, routing)
    session.flush()
    return team


def _free_team_address(session: Session, email: str | None, *, team_id: int | None) -> str | None:
    """A team's address, normalized; refused when another team receives mail at it (mail would go to one only)."""
    if not email:
        return None
    address = normalize_email(email)
    other = session.scalar(select(Team).where(Team.email == address, Team.id != (team_id or 0)))
    if other is not None:
        raise DuplicateTeamAddress(f"The team {other.name!r} already receives mail at {address}.")
    return address


def set_routing(session: Session, actor: Actor, team: Team, routing: Routing) -> Team:
    """How the team's new cases find an owner from now on (P9); cases already waiting stay as they are.

    An admin, or a supervisor of this team. The round-robin position is kept,
    so switching back and forth never starts the circle over at one person.
    """
    rules.require_team_lead(actor, team.id)
    team.routing = routing
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


def check_links(session: Session, team_id: int | None, department_id: int | None) -> None:
    """The team and department someone is to have exist (TeamNotFound, DepartmentNotFound)."""
    _check_team(session, team_id)
    _check_department(session, department_id)


def deactivate(session: Session, actor: Actor, staff: Staff) -> Staff:
    """They can no longer sign in, and their sessions and API tokens stop working (`auth` checks `is_active`).

    Refused for yourself and for the last active admin (409): either would
    leave nobody able to undo it. Their cases are the caller's to hand back
    (`cases.departures`), through the case verbs.
    """
    rules.require_admin(actor)
    if isinstance(actor, StaffActor) and actor.staff_id == staff.id:
        raise NotYourself("You cannot deactivate yourself; ask another admin.")
    if staff.role is Role.ADMIN:
        _keep_an_admin(session, staff)
    if staff.is_active:
        staff.is_active = False
        staff.deactivated_at = clock.now()
        session.flush()
    return staff


def reactivate(session: Session, actor: Actor, staff: Staff) -> Staff:
    """They may sign in again, with their password; tokens revoked on deactivation stay revoked."""
    rules.require_admin(actor)
    if not staff.is_active:
        staff.is_active = True
        staff.deactivated_at = None
        session.flush()
    return staff


def _keep_an_admin(session: Session, staff: Staff) -> None:
    """Refuse to leave the desk without an active admin: nobody could manage staff any more."""
    others = session.scalar(
        select(func.count())
        .select_from(Staff)
        .where(Staff.role == Role.ADMIN, Staff.is_active.is_(True), Staff.id != staff.id)
    )
    if staff.is_active and not others:
        raise LastAdmin(f"{staff.name} is the last active admin; make someone else an admin first.")
