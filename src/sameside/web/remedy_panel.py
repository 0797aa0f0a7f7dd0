"""What the case page shows of putting it right: the customer's grants, requests waiting, the offer and decision.

Kept apart from the routes (`web.remedies`) so the case page can draw it
without importing the routes that draw the case page.
"""

from __future__ import annotations

from typing import Any

from sameside.cases.models import Case
from sameside.db.engine import Session
from sameside.decisions import service as decisions
from sameside.decisions.rules import DecisionKind
from sameside.grants import queries as grant_queries
from sameside.grants import service as grants
from sameside.grants.rules import GrantKind, GrantState, Money, Purpose
from sameside.kit.actors import Role
from sameside.offers import service as offers
from sameside.web.deps import Agent

CURRENCY = "EUR"
"""The currency the desk's forms offer first (a budget's own currency when the agent has one)."""


def remedies_panel(session: Session, agent: Agent, case: Case) -> dict[str, Any]:
    """What the case page shows of grants, offers and decisions, and the agent's budget left."""
    limit = grants.budget_of(session, agent.actor)
    spent = grants.spent(session, agent.actor.staff_id, limit) if limit else 0
    history = list(grant_queries.for_customer(session, case.customer_id, limit=20))
    standing = decisions.standing_on(session, case.id)
    made = list(offers.for_case(session, case.id))
    return {
        "customer_grants": history,
        "grant_words": {g.id: Money(g.amount_minor, g.currency).words() for g in history},
        "waiting_grants": [g for g in history if g.state is GrantState.REQUESTED and g.case_id == case.id],
        "may_review": agent.actor.at_least(Role.SUPERVISOR),
        "budget_left": Money(max(0, limit.amount_minor - spent), limit.currency).words() if limit else None,
        "budget_period": limit.period.value if limit else None,
        "currency": limit.currency if limit else CURRENCY,
        "grant_kinds": list(GrantKind),
        "purposes": list(Purpose),
        "decision": standing,
        "decision_kinds": list(DecisionKind),
        "offer": made[-1] if made else None,
    }
