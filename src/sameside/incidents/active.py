"""The active incidents, kept in memory for the hot path: every new contact is matched against them.

There are usually none, or one or two. They are read once and kept for
`KEPT_SECONDS` per database; a declaration, an update or a resolution in
this process forgets them at once (and again when it commits: `forget` is
subscribed to `incident.changed` in `wiring`), so another process sees a
change within `KEPT_SECONDS`. A match is checked against the row before
anything is linked (`intake`), so a kept incident that is gone or resolved
links nothing.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.incidents import rules
from sameside.incidents.models import AffectedCustomer, Incident, IncidentUpdate
from sameside.incidents.rules import IncidentStatus
from sameside.kit.events import Event

KEPT_SECONDS = 30.0


@dataclass(frozen=True)
class Active:
    id: int
    title: str
    message: str
    status: IncidentStatus
    since: datetime
    updates: int
    latest: str | None
    """The latest update's words, if any."""
    scope: rules.Scope


_kept: dict[str, tuple[float, tuple[Active, ...]]] = {}
_lock = threading.Lock()


def forget(_event: Event | None = None) -> None:
    with _lock:
        _kept.clear()


def active(session: Session) -> tuple[Active, ...]:
    """The incidents not resolved yet, newest first; from memory while fresh."""
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    now = time.monotonic()
    with _lock:
        kept = _kept.get(key)
    if kept is not None and now - kept[0] < KEPT_SECONDS:
        return kept[1]
    found = load(session)
    with _lock:
        _kept[key] = (now, found)
    return found


def load(session: Session) -> tuple[Active, ...]:
    incidents = session.scalars(
        select(Incident).where(Incident.status != IncidentStatus.RESOLVED).order_by(Incident.id.desc())
    ).all()
    if not incidents:
        return ()
    ids = [i.id for i in incidents]
    listed: dict[int, set[int]] = {i: set() for i in ids}
    for incident_id, customer_id in session.execute(
        select(AffectedCustomer.incident_id, AffectedCustomer.customer_id).where(
            AffectedCustomer.incident_id.in_(ids), AffectedCustomer.listed.is_(True)
        )
    ):
        listed[incident_id].add(customer_id)
    latest = {
        u.incident_id: u.body
        for u in session.scalars(select(IncidentUpdate).where(IncidentUpdate.incident_id.in_(ids)))
        if u.number == next(i.updates for i in incidents if i.id == u.incident_id)
    }
    return tuple(
        Active(
            id=i.id,
            title=i.title,
            message=i.message,
            status=i.status,
            since=i.since,
            updates=i.updates,
            latest=latest.get(i.id),
            scope=rules.Scope(
                tags=frozenset(i.tags or ()),
                organizations=frozenset(i.organizations or ()),
                pattern=rules.parse_pattern(i.pattern),
                listed=frozenset(listed[i.id]),
            ),
        )
        for i in incidents
    )
