"""Staff, teams and departments. Anyone on staff may read them (to pick an owner); admins change them.

Supervisors may also set their own team's routing and their team members'
languages and products (`PATCH` with those fields alone): the services decide
who may change what, so these two routes admit any staff member.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from sameside.cases import departures
from sameside.http.deps import Admin, ReadSession, StaffUser, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID
from sameside.kit.unset import UNSET
from sameside.staff import queries, service
from sameside.staff.schemas import (
    DepartmentCreate,
    DepartmentOut,
    DepartmentUpdate,
    StaffCreate,
    StaffOut,
    StaffUpdate,
    TeamCreate,
    TeamOut,
    TeamUpdate,
)

router = APIRouter(tags=["admin"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/staff", response_model=list[StaffOut])
@offload
def list_staff(_: StaffUser, session: ReadSession) -> list[StaffOut]:
    return [StaffOut.model_validate(s) for s in queries.list_staff(session)]


@router.get("/staff/me", response_model=StaffOut)
@offload
def read_me(actor: StaffUser, session: ReadSession) -> StaffOut:
    return StaffOut.model_validate(queries.get_staff(session, actor.staff_id))


@router.post("/staff", status_code=status.HTTP_201_CREATED, response_model=StaffOut)
@offload
@idempotent
def add_staff(body: StaffCreate, actor: Admin, write: Write) -> StaffOut:
    with write() as session:
        staff = service.add_staff(
            session,
            actor,
            email=body.email,
            name=body.name,
            role=body.role,
            team_id=body.team_id,
            department_id=body.department_id,
            password=body.password,
            languages=body.languages,
            products=body.products,
        )
        return StaffOut.model_validate(staff)


@router.get("/staff/{staff_id}", response_model=StaffOut)
@offload
def read_staff(staff_id: Id, _: StaffUser, session: ReadSession) -> StaffOut:
    return StaffOut.model_validate(queries.get_staff(session, staff_id))


@router.patch(
    "/staff/{staff_id}",
    response_model=StaffOut,
    responses={409: {"description": "Deactivating or demoting yourself, or the last active admin"}},
)
@offload
def update_staff(staff_id: Id, body: StaffUpdate, actor: StaffUser, write: Write) -> StaffOut:
    with write() as session:
        staff = queries.get_staff(session, staff_id)
        given = body.model_fields_set
        service.update_staff(
            session,
            actor,
            staff,
            name=body.name,
            role=body.role,
            team_id=body.team_id if "team_id" in given else UNSET,
            department_id=body.department_id if "department_id" in given else UNSET,
            languages=body.languages,
            products=body.products,
        )
        if body.password is not None:
            service.set_password(session, actor, staff, body.password)
        # Deactivating hands their cases back and ends their access, as `POST /staff/{id}/deactivate` does.
        if body.is_active is False:
            departures.deactivate(session, actor, staff)
        elif body.is_active:
            departures.reactivate(session, actor, staff)
        return StaffOut.model_validate(staff)


@router.get("/teams", response_model=list[TeamOut])
@offload
def list_teams(_: StaffUser, session: ReadSession) -> list[TeamOut]:
    return [TeamOut.model_validate(t) for t in queries.list_teams(session)]


@router.post("/teams", status_code=status.HTTP_201_CREATED, response_model=TeamOut)
@offload
@idempotent
def create_team(body: TeamCreate, actor: Admin, write: Write) -> TeamOut:
    with write() as session:
        return TeamOut.model_validate(
            service.create_team(session, actor, slug=body.slug, name=body.name, email=body.email, routing=body.routing)
        )


@router.patch("/teams/{team_id}", response_model=TeamOut)
@offload
def update_team(team_id: Id, body: TeamUpdate, actor: StaffUser, write: Write) -> TeamOut:
    with write() as session:
        team = queries.get_team(session, team_id)
        return TeamOut.model_validate(
            service.update_team(
                session,
                actor,
                team,
                name=body.name,
                email=body.email,
                routing=body.routing,
                restricted=body.restricted,
            )
        )


@router.get("/departments", response_model=list[DepartmentOut])
@offload
def list_departments(_: StaffUser, session: ReadSession) -> list[DepartmentOut]:
    return [DepartmentOut.model_validate(d) for d in queries.list_departments(session)]


@router.post("/departments", status_code=status.HTTP_201_CREATED, response_model=DepartmentOut)
@offload
@idempotent
def create_department(body: DepartmentCreate, actor: Admin, write: Write) -> DepartmentOut:
    with write() as session:
        department = service.create_department(
            session, actor, slug=body.slug, name=body.name, service_level_hours=body.service_level_hours
        )
        return DepartmentOut.model_validate(department)


@router.patch("/departments/{department_id}", response_model=DepartmentOut)
@offload
def update_department(department_id: Id, body: DepartmentUpdate, actor: Admin, write: Write) -> DepartmentOut:
    with write() as session:
        department = queries.get_department(session, department_id)
        service.update_department(
            session, actor, department, name=body.name, service_level_hours=body.service_level_hours
        )
        return DepartmentOut.model_validate(department)
