"""Incidents (P11): declared, updated and resolved by supervisors and admins; read by all staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status

from sameside.db.engine import Session
from sameside.http.deps import ReadSession, StaffUser, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.incidents import queries, service
from sameside.incidents.models import Incident
from sameside.incidents.schemas import (
    AffectedOut,
    DeclaredOut,
    FiguresOut,
    IncidentIn,
    IncidentOut,
    LinkedCaseOut,
    ResolveIn,
    UpdateIn,
    UpdateOut,
)
from sameside.kit.actors import Actor
from sameside.kit.ids import MAX_ID

router = APIRouter(prefix="/incidents", tags=["incidents"])

IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="The incident's id")]


def incident_out(session: Session, incident: Incident) -> IncidentOut:
    shown = queries.figures(session, [incident])[incident.id]
    return IncidentOut(
        id=incident.id,
        title=incident.title,
        message=incident.message,
        status=incident.status,
        since=incident.since,
        urgent=incident.urgent,
        tell_everyone=incident.tell_everyone,
        tags=list(incident.tags or []),
        organizations=list(incident.organizations or []),
        pattern=incident.pattern,
        declared_at=incident.declared_at,
        resolved_at=incident.resolved_at,
        figures=FiguresOut(**shown.__dict__),
        updates=[
            UpdateOut(number=u.number, body=u.body, status=u.status, posted_at=u.posted_at)
            for u in queries.updates_of(session, incident.id)
        ],
    )


@router.get("", response_model=list[IncidentOut])
@offload
def incidents(actor: StaffUser, session: ReadSession) -> list[IncidentOut]:
    """Active incidents first, then the latest resolved."""
    return [incident_out(session, i) for i in queries.listed(session, actor)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DeclaredOut)
@offload
@idempotent
def declare(body: IncidentIn, actor: StaffUser, write: Write, request: Request) -> DeclaredOut:
    """Declare an incident (supervisors and admins). Its scope is any of tags, organisations, a pattern and a
    customer list; the customers in scope are found and told by the worker, in batches, after this returns.
    Addresses on the list that are no customer are reported in `unknown_addresses`, never added."""
    with write() as session:
        declared = service.declare(
            session,
            actor,
            title=body.title,
            message=body.message,
            since=body.since,
            urgent=body.urgent,
            tell_everyone=body.tell_everyone,
            tags=body.tags,
            organizations=body.organizations,
            pattern=body.pattern,
            customer_list=body.customers_csv.encode() if body.customers_csv else None,
        )
        out = incident_out(session, declared.incident)
        return DeclaredOut(
            **out.model_dump(), unknown_addresses=list(declared.unknown), refused_rows=list(declared.refused)
        )


@router.get("/{incident_id}", response_model=IncidentOut)
@offload
def incident(incident_id: IncidentId, actor: StaffUser, session: ReadSession) -> IncidentOut:
    return incident_out(session, queries.incident_for(session, actor, incident_id))


@router.post("/{incident_id}/updates", status_code=status.HTTP_201_CREATED, response_model=IncidentOut)
@offload
@idempotent
def post_update(
    incident_id: IncidentId, body: UpdateIn, actor: StaffUser, write: Write, request: Request
) -> IncidentOut:
    """Post an update: everyone affected is told it once (409 once resolved)."""
    with write() as session:
        found = queries.incident_for(session, actor, incident_id, for_update=True)
        service.post_update(session, actor, found, body.body, status=body.status)
        return incident_out(session, found)


@router.post("/{incident_id}/resolve", response_model=IncidentOut)
@offload
@idempotent
def resolve(incident_id: IncidentId, body: ResolveIn, actor: StaffUser, write: Write, request: Request) -> IncidentOut:
    """Resolve it with the approved message: sent on every linked case, which it resolves, then to the others."""
    with write() as session:
        found = queries.incident_for(session, actor, incident_id, for_update=True)
        service.resolve(session, actor, found, body.message)
        return incident_out(session, found)


def _affected(session: Session, actor: Actor, incident_id: int) -> list[AffectedOut]:
    return [
        AffectedOut(
            customer_id=a.customer.id, name=a.customer.name, reason=a.reason, told=a.told, held_until=a.held_until
        )
        for a in queries.affected_customers(session, actor, incident_id)
    ]


@router.get("/{incident_id}/customers", response_model=list[AffectedOut])
@offload
def affected(incident_id: IncidentId, actor: StaffUser, session: ReadSession) -> list[AffectedOut]:
    """The customers it affects (the first 100 by name), and what each was told."""
    queries.incident_for(session, actor, incident_id)
    return _affected(session, actor, incident_id)


@router.get("/{incident_id}/cases", response_model=list[LinkedCaseOut])
@offload
def linked(incident_id: IncidentId, actor: StaffUser, session: ReadSession) -> list[LinkedCaseOut]:
    """The cases linked to it that the caller may read, new contacts first (the first 100)."""
    queries.incident_for(session, actor, incident_id)
    return [
        LinkedCaseOut(
            number=row.case.id,
            subject=row.case.subject,
            status=row.case.status,
            customer_id=row.case.customer_id,
            new_contact=row.new_contact,
        )
        for row in queries.linked_cases(session, actor, incident_id)
    ]
