"""Events on a case's timeline: one way to write them, one way to read them, one list of what the customer sees.

Every verb that changes a case records what happened here — the case
service, escalation, routing, consults, callbacks — with a typed payload
(`cases.events`), so the author, the visibility and the shape of an event
are decided the same way wherever it happens. Never commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from sameside.cases import events
from sameside.cases.events import Payload
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import EntryKind, EventType
from sameside.kit.actors import Actor, CustomerActor, StaffActor, SystemActor

PUBLIC_EVENTS: frozenset[EventType] = frozenset(
    t.model_fields["kind"].default for t in events.PAYLOAD_TYPES if t.public
)
"""What the customer sees of a case's events (each payload type says: `public`); everything else is internal.

Created, status changed, reopened, a call booked, and a consult opened —
"We are checking with our shipping team; you will hear from us by 15:00."
"""


def add_event(
    session: Session,
    case: Case | int,
    actor: Actor | None,
    payload: Payload,
    *,
    at: datetime,
    body: str | None = None,
    automatic: bool = False,
    customer_id: int | None = None,
) -> TimelineEntry:
    """Record the event `payload` describes on the case, by `actor`; returns the entry (not flushed).

    The software names itself beside the payload (`by`; `by_system` when
    the payload has a `by` of its own). `customer_id` is the customer an
    entry speaks for when someone else writes it down — a request for a
    manager found in their message, recorded during intake.
    """
    data = payload.stored()
    if isinstance(actor, SystemActor):
        data["by_system" if "by" in data else "by"] = actor.name
    entry = TimelineEntry(
        kind=EntryKind.EVENT,
        event=payload.kind,
        is_public=payload.public,
        is_automatic=automatic,
        author_staff_id=actor.staff_id if isinstance(actor, StaffActor) else None,
        author_customer_id=customer_id
        if customer_id is not None
        else (actor.customer_id if isinstance(actor, CustomerActor) else None),
        body=body,
        data=data,
        created_at=at,
    )
    if isinstance(case, Case):
        entry.case = case
    else:
        entry.case_id = case
    session.add(entry)
    return entry
