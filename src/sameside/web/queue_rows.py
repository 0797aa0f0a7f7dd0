"""A desk list's rows as the desk draws them: priority, channel, subject and latest words, customer, owner, wait."""

from __future__ import annotations

from dataclasses import dataclass, replace

from fastapi import Request

from sameside.cases import glance
from sameside.cases.models import Case
from sameside.cases.service_levels.queries import due_label
from sameside.cases.service_levels.rules import DueLabel
from sameside.db.engine import Session
from sameside.kit import clock
from sameside.web import desk_nav
from sameside.web.deps import Agent
from sameside.web.timeline_text import initials, waited


@dataclass(frozen=True)
class Row:
    case: Case
    line: str
    """The first line of the latest message (or note)."""
    owner_initials: str
    waiting: str
    """How long the customer has waited on us, in words ("3 h"), when they are waiting."""
    due: DueLabel | None
    """The next service-level time in words ("due in 40 min", "overdue by 2 h"), if one runs."""


def list_rows(
    request: Request,
    session: Session,
    agent: Agent,
    view: str,
    narrow: glance.Narrow | None = None,
    *,
    sort: str | None = None,
    limit: int = 50,
) -> list[Row]:
    """The rows of one of the agent's views, narrowed and sorted (the view's own order by default)."""
    actor = agent.actor
    cutoff = desk_nav.due_cutoff() if view == "due" else None
    found = glance.rows(
        session,
        actor,
        desk_nav.view_filter(actor, view),
        replace(narrow or glance.Narrow(), homeless=view == "needs-team"),
        sort=sort or {"due": "due", "needs-team": "waiting"}.get(view, "updated"),
        due_before=cutoff,
        limit=limit,
    )
    lines = glance.latest_lines(session, [c.id for c in found])
    now = clock.now()
    return [
        Row(
            case=c,
            line=lines.get(c.id, ""),
            owner_initials=initials(c.owner.name) if c.owner else "",
            waiting=waited(c.last_customer_message_at, now) if c.status.value in ("new", "open") else "",
            due=due_label(c, now),
        )
        for c in found
    ]
