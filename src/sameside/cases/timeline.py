"""Events on a case's timeline: one way to write them, and one list of what the customer may see.

Every verb that changes a case records what happened here — the case
service, routing, consults, callbacks — so the author and the visibility of
an event are decided the same way wherever it happens. Never commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import EntryKind, EventType
from sameside.kit.actors import Actor, CustomerActor, StaffActor, SystemActor

PUBLIC_EVENTS = frozenset(
    {
        EventType.CREATED,
        EventType.STATUS_CHANGED,
        EventType.REOPENED,
        EventType.CALLBACK_BOOKED,
        EventType.CONSULT_OPENED,  # "We are checking with our shipping team; you will hear from us by 15:00."
    }
)
"""What the customer sees of a case's events; everything else is internal."""


def add_event(
    session: Session,
    case: Case | int,
    actor: Actor | None,
    event: EventType,
    data: dict[str, Any],
    *,
    at: datetime,
    body: str | None = None,
    automatic: bool = False,
) -> TimelineEntry:
    """Record `event` on the case, by `actor` (the software names itself in `data["by"]`)."""
    entry = TimelineEntry(
        kind=EntryKind.EVENT,
        event=event,
        is_public=event in PUBLIC_EVENTS,
        is_automatic=automatic,
        author_staff_id=actor.staff_id if isinstance(actor, StaffActor) else None,
        author_customer_id=actor.customer_id if isinstance(actor, CustomerActor) else None,
        body=body,
        data={**data, **({"by": actor.name} if isinstance(actor, SystemActor) else {})},
        created_at=at,
    )
    if isinstance(case, Case):
        entry.case = case
    else:
        entry.case_id = case
    session.add(entry)
    return entry
