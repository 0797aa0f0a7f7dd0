"""Reading incidents: the list, one incident with its figures, its cases and customers, a case's incidents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from sameside.cases.models import Case
from sameside.cases.queries import visible_to
from sameside.cases.rules import ACTIVE
from sameside.customers.models import Customer, Organization
from sameside.incidents import rules
from sameside.incidents.models import AffectedCustomer, Incident, IncidentCase, IncidentUpdate
from sameside.incidents.rules import IncidentStatus
from sameside.kit.actors import Actor, CustomerActor, StaffActor
from sameside.kit.errors import Forbidden, NotFound

LIST_MAX = 100


@dataclass(frozen=True)
class Figures:
    affected: int = 0
    told: int = 0
    """Told the latest message (or acknowledged with it)."""
    waiting: int = 0
    """Held for their contact window, or not told yet."""
    no_address: int = 0
    linked: int = 0
    linked_open: int = 0
    new_contacts: int = 0


def _staff(actor: Actor) -> StaffActor:
    if not isinstance(actor, StaffActor):
        raise Forbidden("Incidents are read by staff.")
    return actor


def incident_for(session: Session, actor: Actor, incident_id: int, *, for_update: bool = False) -> Incident:
    _staff(actor)
    incident = session.get(Incident, incident_id, with_for_update=for_update)
    if incident is None:
        raise NotFound(f"There is no incident #{incident_id}.")
    return incident


def listed(session: Session, actor: Actor) -> Sequence[Incident]:
    """Active incidents first, then the latest resolved ones."""
    _staff(actor)
    resolved_last = case((Incident.status == IncidentStatus.RESOLVED, 1), else_=0)
    return session.scalars(select(Incident).order_by(resolved_last, Incident.id.desc()).limit(LIST_MAX)).all()


def figures(session: Session, incidents: Sequence[Incident]) -> dict[int, Figures]:
    """Each incident's figures, in two grouped reads."""
    ids = [i.id for i in incidents]
    if not ids:
        return {}
    latest = {i.id: i.updates for i in incidents}
    people: dict[int, list[int]] = {i: [0, 0] for i in ids}
    for incident_id, told, count in session.execute(
        select(AffectedCustomer.incident_id, AffectedCustomer.told, func.count())
        .where(AffectedCustomer.incident_id.in_(ids))
        .group_by(AffectedCustomer.incident_id, AffectedCustomer.told)
    ):
        people[incident_id][0] += count
        if told >= latest[incident_id]:
            people[incident_id][1] += count
    # Rare (a customer with no email address): read as rows, since JSON paths differ between the backends.
    missing: dict[int, int] = {}
    for incident_id, data in session.execute(
        select(AffectedCustomer.incident_id, AffectedCustomer.data).where(
            AffectedCustomer.incident_id.in_(ids), AffectedCustomer.told >= 0, AffectedCustomer.data.is_not(None)
        )
    ):
        if data and data.get("no_address"):
            missing[incident_id] = missing.get(incident_id, 0) + 1
    cases: dict[int, list[int]] = {i: [0, 0, 0] for i in ids}
    open_ = case((Case.status.in_(ACTIVE), 1), else_=0)
    for incident_id, total, still, new in session.execute(
        select(
            IncidentCase.incident_id,
            func.count(),
            func.sum(open_),
            func.sum(case((IncidentCase.new_contact, 1), else_=0)),
        )
        .join(Case, Case.id == IncidentCase.case_id)
        .where(IncidentCase.incident_id.in_(ids))
        .group_by(IncidentCase.incident_id)
    ):
        cases[incident_id] = [total, int(still or 0), int(new or 0)]
    return {
        i: Figures(
            affected=people[i][0],
            told=people[i][1],
            waiting=people[i][0] - people[i][1],
            no_address=missing.get(i, 0),
            linked=cases[i][0],
            linked_open=cases[i][1],
            new_contacts=cases[i][2],
        )
        for i in ids
    }


def updates_of(session: Session, incident_id: int) -> Sequence[IncidentUpdate]:
    return session.scalars(
        select(IncidentUpdate).where(IncidentUpdate.incident_id == incident_id).order_by(IncidentUpdate.number)
    ).all()


@dataclass(frozen=True)
class Linked:
    case: Case
    new_contact: bool
    reason: str | None = None
    """Why it is in scope (`rules.why_in_scope`)."""

    @property
    def closes(self) -> bool:
        """Whether the incident's end answers and resolves it (`rules.about_the_problem`)."""
        return rules.about_the_problem(self.reason)


def linked_cases(session: Session, actor: Actor, incident_id: int, *, limit: int = LIST_MAX) -> list[Linked]:
    """The cases linked to it that the reader may see, new contacts first, with their customers."""
    rows = session.execute(
        select(Case, IncidentCase.new_contact, IncidentCase.reason)
        .join(IncidentCase, IncidentCase.case_id == Case.id)
        .where(IncidentCase.incident_id == incident_id, visible_to(_staff(actor)))
        .options(joinedload(Case.customer))
        .order_by(IncidentCase.new_contact.desc(), Case.id.desc())
        .limit(limit)
    ).all()
    return [Linked(c, bool(new), reason) for c, new, reason in rows]


@dataclass(frozen=True)
class Affected:
    customer: Customer
    reason: str
    told: int
    held_until: str | None
    no_address: bool


def affected_customers(session: Session, actor: Actor, incident_id: int, *, limit: int = LIST_MAX) -> list[Affected]:
    _staff(actor)
    rows = session.execute(
        select(AffectedCustomer, Customer)
        .join(Customer, Customer.id == AffectedCustomer.customer_id)
        .where(AffectedCustomer.incident_id == incident_id)
        .order_by(Customer.name, Customer.id)
        .limit(limit)
    ).all()
    return [
        Affected(c, a.reason, a.told, (a.data or {}).get("held_until"), bool((a.data or {}).get("no_address")))
        for a, c in rows
    ]


def of_case(session: Session, case_id: int) -> Sequence[Incident]:
    """The incidents a case is linked to, active first (one indexed read)."""
    resolved_last = case((Incident.status == IncidentStatus.RESOLVED, 1), else_=0)
    return session.scalars(
        select(Incident)
        .join(IncidentCase, IncidentCase.incident_id == Incident.id)
        .where(IncidentCase.case_id == case_id)
        .order_by(resolved_last, Incident.id.desc())
    ).all()


@dataclass(frozen=True)
class Public:
    """An incident as customers may read it: what we told them, no scope, no names."""

    id: int
    title: str
    message: str
    status: str
    since: str
    latest: str | None


def public(incident: Incident, latest: str | None = None) -> Public:
    return Public(
        incident.id,
        incident.title,
        incident.message,
        rules.STATUS_WORDS[incident.status],
        incident.since.strftime("%d %b %Y, %H:%M UTC"),
        latest,
    )


def latest_updates(session: Session, incidents: Sequence[Incident]) -> dict[int, IncidentUpdate]:
    """Each incident's latest update (the resolution, once resolved), for those that have one: one read."""
    latest = {i.id: i.updates for i in incidents if i.updates}
    if not latest:
        return {}
    return {
        u.incident_id: u
        for u in session.scalars(
            select(IncidentUpdate).where(
                IncidentUpdate.incident_id.in_(latest), IncidentUpdate.number.in_(set(latest.values()))
            )
        )
        if u.number == latest[u.incident_id]
    }


def public_of(session: Session, incidents: Sequence[Incident]) -> list[Public]:
    """Incidents as customers read them, each with its latest update's words."""
    latest = latest_updates(session, incidents)
    return [public(i, latest[i.id].body if i.id in latest else None) for i in incidents]


def current_for(session: Session, actor: CustomerActor) -> list[Public]:
    """The incidents not resolved yet that affect this customer (told, listed, or on a case of theirs).

    Only what they were told: never the scope, the other customers or staff's names.
    """
    linked = select(IncidentCase.incident_id).where(IncidentCase.customer_id == actor.customer_id)
    affected = select(AffectedCustomer.incident_id).where(AffectedCustomer.customer_id == actor.customer_id)
    found = session.scalars(
        select(Incident)
        .where(Incident.status != IncidentStatus.RESOLVED, or_(Incident.id.in_(linked), Incident.id.in_(affected)))
        .order_by(Incident.id.desc())
        .limit(10)
    ).all()
    return public_of(session, found)


def organisation_choices(session: Session) -> list[tuple[int, str]]:
    """Every organisation by name, for choosing a scope."""
    return [(o.id, o.name) for o in session.scalars(select(Organization).order_by(Organization.name).limit(1000))]


def organisation_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())
