"""What the case page shows of a case's links: merged into or from, related, split; where a duplicate may go."""

from __future__ import annotations

from typing import Any

from sameside.cases.access import may_change
from sameside.cases.links import queries
from sameside.cases.models import Case
from sameside.db.engine import Session
from sameside.web.deps import Agent


def links_panel(session: Session, agent: Agent, case: Case) -> dict[str, Any]:
    """The context the case page's link partials read (`_case_links_*.html`)."""
    links = queries.links_of(session, agent.actor, case.id)
    return {
        "case_links": links,
        "merge_choices": [] if links.merged_into else list(queries.merge_candidates(session, agent.actor, case)),
        "may_change_case": may_change(agent.actor, case),
    }
