"""The demo's merged, linked and split cases (`cases.links`), played through the services.

On cases the demo already opened: customers with two open cases, the
second a duplicate waiting for an agent to press Merge (the demo's
histories are played one case at a time, so a merge made here would
interleave two pasts), and two customers' cases, linked as related.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from sameside.cases.links import service as links
from sameside.cases.models import Case
from sameside.cases.rules import ACTIVE
from sameside.kit.actors import Actor


def seed_case_links(session: Session, admin: Actor, opened: Sequence[Case]) -> list[int]:
    """Duplicates waiting for an agent to press Merge, and a linked pair; returns the duplicates' numbers.

    Made of the demo's own cases (a customer with two open cases about one
    thing is common enough), so the demo's numbers stay what its plan says.
    """
    active = [c for c in opened if c.status in ACTIVE and c.team_id is not None]
    by_customer: dict[int, list[Case]] = {}
    for case in active:
        by_customer.setdefault(case.customer_id, []).append(case)
    pairs = [cases[:2] for cases in by_customer.values() if len(cases) >= 2]
    singles = [cases[0] for cases in by_customer.values() if len(cases) == 1]
    if len(singles) >= 2:
        links.link(session, admin, singles[0], singles[1])
    return [pair[1].id for pair in pairs[:2]]
