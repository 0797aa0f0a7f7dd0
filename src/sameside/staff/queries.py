"""Reads on staff, teams and departments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.staff.errors import DepartmentNotFound, StaffNotFound, TeamNotFound
from sameside.staff.models import Department, Staff, Team


def staff_by_email(session: Session, email: str) -> Staff | None:
    return session.scalar(select(Staff).where(Staff.email == email.strip().lower()))


def get_staff(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise StaffNotFound(f"There is no staff member with id {staff_id}.")
    return staff


def get_team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise TeamNotFound(f"There is no team with id {team_id}.")
    return team


def team_by_slug(session: Session, slug: str) -> Team:
    team = session.scalar(select(Team).where(Team.slug == slug))
    if team is None:
        raise TeamNotFound(f"There is no team {slug!r}.")
    return team


def get_department(session: Session, department_id: int) -> Department:
    department = session.get(Department, department_id)
    if department is None:
        raise DepartmentNotFound(f"There is no department with id {department_id}.")
    return department


def list_staff(session: Session) -> Sequence[Staff]:
    return session.scalars(select(Staff).order_by(Staff.name, Staff.id)).all()


def active_colleagues(session: Session, *, limit: int = 200) -> Sequence[Staff]:
    """Staff who can take a case, by name: the choices of an assign or transfer form."""
    return session.scalars(select(Staff).where(Staff.is_active.is_(True)).order_by(Staff.name).limit(limit)).all()


def list_teams(session: Session) -> Sequence[Team]:
    return session.scalars(select(Team).order_by(Team.name)).all()


def list_departments(session: Session) -> Sequence[Department]:
    return session.scalars(select(Department).order_by(Department.name)).all()
