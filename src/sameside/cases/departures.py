"""Someone leaves the desk: deactivated, with their open cases handed back to their teams' queues. Never commits.

A case is never orphaned: each open case the person owns loses its owner
through the `assign` verb, by the admin who deactivated them, so the timeline
says who did it and live pages update. It stays in its own team, where the
queue and "take next" offer it to the next free colleague (a case that never
had a team stays in "Needs a team").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.auth import staff_access
from sameside.cases import service
from sameside.cases.access import case_for
from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.kit.actors import Actor
from sameside.staff import service as staff_service
from sameside.staff.models import Staff

OPEN = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.WAITING_ON_INTERNAL)


@dataclass(frozen=True)
class Departure:
    staff: Staff
    returned: list[int]
    """The numbers of the cases handed back to their team's queue."""
    tokens_revoked: int


def deactivate(session: Session, actor: Actor, staff: Staff) -> Departure:
    """Deactivate `staff` (refused for yourself and the last admin), end their access, hand back their cases."""
    staff_service.deactivate(session, actor, staff)
    revoked = staff_access.end_access(session, staff.id)
    owned = session.scalars(
        select(Case.id).where(Case.owner_id == staff.id, Case.status.in_(OPEN)).order_by(Case.id)
    ).all()
    for number in owned:
        # Through the gateway and the verb, as anyone's change: a restricted team's case stays the admin's to touch.
        service.assign(session, actor, case_for(session, actor, number, for_update=True), None)
    return Departure(staff, list(owned), revoked)


def reactivate(session: Session, actor: Actor, staff: Staff) -> Staff:
    """They may sign in again; the cases handed back stay with their teams."""
    return staff_service.reactivate(session, actor, staff)
