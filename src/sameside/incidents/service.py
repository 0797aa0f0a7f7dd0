"""Declaring, updating and resolving an incident, as verbs. Never commits.

Each verb does what must hold when it commits (the incident, its update,
the customers on an uploaded list) and enqueues the rest — finding the
customers in scope, telling them, closing the linked cases — as jobs
(`tasks`), in batches, so a request that reaches thousands of customers
returns at once. The jobs' work is in `reach`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sameside.customers.models import CustomerIdentity, Organization
from sameside.customers.rules import IdentityKind
from sameside.incidents import active, rules
from sameside.incidents.models import AffectedCustomer, Incident, IncidentUpdate
from sameside.incidents.rules import IncidentStatus
from sameside.jobs.service import enqueue
from sameside.kit import clock
from sameside.kit.actors import Actor
from sameside.kit.addresses import normalize_email
from sameside.kit.errors import Invalid
from sameside.kit.events import publish

REACH = "incidents.reach"
TELL = "incidents.tell"
CLOSE = "incidents.close"
SKEW = timedelta(minutes=5)
"""`since` may be this far ahead of our clock (a clock that runs a little fast)."""
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class Declared:
    incident: Incident
    unknown: tuple[str, ...] = ()
    """Addresses on the list that are no customer of ours: reported, never made into customers."""
    refused: tuple[str, ...] = ()
    """Rows of the list that held no address."""


def _text(value: str | None, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(f"{field}: write it; customers read it.")
    if len(value) > limit:
        raise Invalid(f"{field}: at most {limit} characters; this has {len(value)}.")
    return value


def declare(
    session: Session,
    actor: Actor,
    *,
    title: str,
    message: str,
    since: datetime | None = None,
    urgent: bool = False,
    tell_everyone: bool = False,
    tags: Sequence[str] = (),
    organizations: Sequence[int] = (),
    pattern: str | None = None,
    customer_list: bytes | None = None,
    addresses: Sequence[str] = (),
) -> Declared:
    """Declare an incident; the customers in scope are found and told by jobs (`tasks`) after it commits.

    `customer_list` is an uploaded CSV (`rules.read_customer_list`); `addresses` the same, already split.
    """
    staff = rules.check_declare(actor)
    now = clock.now()
    title = _text(title, "title", rules.TITLE_MAX)
    message = _text(message, "message", rules.MESSAGE_MAX)
    since = since or now
    if since > now + SKEW:
        raise Invalid("since: an incident that has not begun yet cannot be declared; give when it began.")
    cleaned_tags = rules.clean_tags(tags)
    query = rules.parse_pattern(pattern)
    orgs = sorted(set(organizations))
    if len(orgs) > rules.ORGANISATIONS_MAX:
        raise Invalid(f"organizations: at most {rules.ORGANISATIONS_MAX}; this scope has {len(orgs)}.")
    if orgs:
        known = set(session.scalars(select(Organization.id).where(Organization.id.in_(orgs))))
        if missing := [o for o in orgs if o not in known]:
            raise Invalid(f"organizations: no organisation has the id {missing[0]}.")
    listed = rules.read_customer_list(customer_list) if customer_list else None
    wanted = list(listed.addresses if listed else ())
    wanted += [normalize_email(a) for a in addresses if a.strip() and normalize_email(a) not in wanted]
    found = _customers_by_address(session, wanted)
    if not (cleaned_tags or orgs or query or wanted):
        raise Invalid("scope: choose who it affects — product tags, organisations, a text pattern or a customer list.")
    if wanted and not found:
        raise Invalid("customers: none of the addresses on the list is a customer of ours; check the list.")
    incident = Incident(
        title=title,
        message=message,
        status=IncidentStatus.INVESTIGATING,
        since=since,
        urgent=urgent,
        tell_everyone=tell_everyone,
        tags=sorted(cleaned_tags),
        organizations=orgs,
        pattern=query.text if query else None,
        updates=0,
        declared_by=staff.staff_id,
        declared_at=now,
    )
    session.add(incident)
    session.flush()
    customers = sorted(set(found.values()))
    for start in range(0, len(customers), LOOKUP_CHUNK):
        session.execute(
            insert(AffectedCustomer),
            [
                {
                    "incident_id": incident.id,
                    "customer_id": c,
                    "reason": "list",
                    "listed": True,
                    "told": -1,
                    "added_at": now,
                }
                for c in customers[start : start + LOOKUP_CHUNK]
            ],
        )
    enqueue(session, REACH, incident_id=incident.id)
    _changed(session, incident)
    unknown = tuple(a for a in wanted if a not in found)
    return Declared(incident, unknown, listed.refused if listed else ())


def _customers_by_address(session: Session, addresses: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(addresses), LOOKUP_CHUNK):
        chunk = addresses[start : start + LOOKUP_CHUNK]
        for value, customer_id in session.execute(
            select(CustomerIdentity.value, CustomerIdentity.customer_id).where(
                CustomerIdentity.kind == IdentityKind.EMAIL, CustomerIdentity.value.in_(chunk)
            )
        ):
            found[value] = customer_id
    return found


def post_update(
    session: Session, actor: Actor, incident: Incident, body: str, *, status: IncidentStatus | None = None
) -> IncidentUpdate:
    """Tell everyone affected where it stands now: each of them once (a job, in batches)."""
    staff = rules.check_declare(actor, "post an incident update")
    rules.check_open(incident.status)
    if status is IncidentStatus.RESOLVED:
        raise Invalid("status: to end the incident, resolve it: its message closes the linked cases.")
    body = _text(body, "body", rules.MESSAGE_MAX)
    incident.updates += 1
    incident.status = status or incident.status
    update = IncidentUpdate(
        incident_id=incident.id,
        number=incident.updates,
        body=body,
        status=incident.status,
        posted_by=staff.staff_id,
        posted_at=clock.now(),
    )
    session.add(update)
    session.flush()
    enqueue(session, TELL, incident_id=incident.id, number=update.number)
    _changed(session, incident)
    return update


def resolve(session: Session, actor: Actor, incident: Incident, message: str) -> IncidentUpdate:
    """End the incident with the message its approver read: sent on every linked case, which it resolves
    (a job, in batches), then to everyone else affected."""
    staff = rules.check_declare(actor, "resolve an incident")
    rules.check_open(incident.status)
    message = _text(message, "message", rules.MESSAGE_MAX)
    now = clock.now()
    incident.updates += 1
    incident.status = IncidentStatus.RESOLVED
    incident.resolved_at = now
    incident.resolved_by = staff.staff_id
    update = IncidentUpdate(
        incident_id=incident.id,
        number=incident.updates,
        body=message,
        status=IncidentStatus.RESOLVED,
        posted_by=staff.staff_id,
        posted_at=now,
    )
    session.add(update)
    session.flush()
    enqueue(session, CLOSE, incident_id=incident.id, number=update.number, staff_id=staff.staff_id)
    _changed(session, incident)
    return update


def _changed(session: Session, incident: Incident) -> None:
    active.forget()
    publish(session.info, "incident.changed", incident_id=incident.id)
