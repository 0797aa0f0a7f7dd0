"""New contacts about an active incident: linked to it, and acknowledged with where it stands (`cases.contacts`).

Matching reads the active incidents from memory (`active`): with none
active, a new contact costs nothing; with one or two, a few set lookups and
(for a text pattern) one scan of the subject and message. Only a match
reads the incident's row, to link it.

The acknowledgement: mail intake acknowledges every new case it files, and
the incident's paragraph joins that one message (`acknowledging`). A contact
from the portal, the chat or the API has no acknowledgement of its own, so
the paragraph is posted on the case as an automatic message, delivered as
any acknowledgement is.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sameside.cases import service as cases
from sameside.cases import timeline
from sameside.cases.events import IncidentLinked
from sameside.cases.models import Case, TimelineEntry
from sameside.customers.rules import Channel
from sameside.incidents import active, rules
from sameside.incidents.models import AffectedCustomer, Incident, IncidentCase
from sameside.incidents.rules import IncidentStatus
from sameside.kit import clock
from sameside.kit.actors import SystemActor

ACTOR = SystemActor("incidents")
_WAITING = "sameside.incident_acknowledgements"


def heard(session: Session, case: Case, first: TimelineEntry) -> None:
    kept = active.active(session)
    if not kept:
        return
    contact = rules.Contact(
        customer_id=case.customer_id,
        organization_id=case.customer.organization_id,
        tags=frozenset(t.tag for t in case.tags),
        text=f"{case.subject}\n{first.body or ''}",
    )
    for candidate in kept:
        reason = rules.why_in_scope(candidate.scope, contact)
        if reason is not None:
            _link(session, case, candidate, reason)
            return


def _link(session: Session, case: Case, candidate: active.Active, reason: str) -> None:
    incident = session.get(Incident, candidate.id)
    if incident is None or incident.status is IncidentStatus.RESOLVED:
        active.forget()  # kept from before it ended (or from a database emptied since)
        return
    now = clock.now()
    session.add(
        IncidentCase(
            incident_id=incident.id, case_id=case.id, customer_id=case.customer_id, new_contact=True, reason=reason
        )
    )
    affected = session.get(AffectedCustomer, (incident.id, case.customer_id))
    if affected is None:
        # Acknowledged with where it stands now, they are told up to the latest update; later ones reach them.
        session.add(
            AffectedCustomer(
                incident_id=incident.id,
                customer_id=case.customer_id,
                reason="new contact",
                told=incident.updates,
                told_at=now,
            )
        )
    timeline.add_event(session, case, ACTOR, IncidentLinked(incident=incident.id), at=now)
    paragraph = rules.acknowledgement_paragraph(
        incident.title, incident.message, incident.status, candidate.latest, sure=rules.about_the_problem(reason)
    )
    if case.channel is Channel.EMAIL:
        session.info.setdefault(_WAITING, {})[case.id] = paragraph
    else:
        session.flush()
        cases.acknowledge(session, ACTOR, case, paragraph)


def acknowledging(session: Session, case: Case, body: str) -> str:
    """Mail intake's acknowledgement of a contact linked just now: the incident's paragraph after its opening."""
    paragraph = session.info.get(_WAITING, {}).pop(case.id, None)
    if paragraph is None:
        return body
    parts = body.split("\n\n")
    return "\n\n".join([*parts[:2], paragraph, *parts[2:]])
