"""The demo's repeat contact (P12): a customer back about a problem solved this week, routed to who solved it.

Made of the demo's own history: the most recently resolved case of the
demo agent's (or else anyone's) within the week. Its customer writes again
now about the same thing, while that agent has the desk open, so the new
case goes straight back to them, linked to the earlier one — whose
resolution then no longer counts as right the first time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.cases import service as cases
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.repeats import rules as repeat_rules
from sameside.cases.rules import CaseStatus, EntryKind
from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.kit import clock
from sameside.kit.actors import CustomerActor
from sameside.staff.models import Staff


def seed_repeats(session: Session, opened: Sequence[Case], agent: Staff, now: datetime) -> int | None:
    """Open the repeat contact now; returns its number (None when the week resolved nothing)."""
    recent = [
        c
        for c in opened
        if c.status is CaseStatus.RESOLVED
        and c.owner_id is not None
        and c.resolved_at is not None
        and now - c.resolved_at < repeat_rules.WINDOW
    ]
    if not recent:
        return None
    earlier = max(recent, key=lambda c: (c.owner_id == agent.id, c.resolved_at))
    first_words = session.scalar(
        select(TimelineEntry.body)
        .where(
            TimelineEntry.case_id == earlier.id,
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.direction == "inbound",
        )
        .order_by(TimelineEntry.id)
        .limit(1)
    )
    owner = session.get(Staff, earlier.owner_id)
    customer = session.get(Customer, earlier.customer_id)
    if owner is None or customer is None or not first_words:
        return None
    owner.seen_at = owner.active_at = now  # they have the desk open as the customer writes again
    with clock.frozen(now):
        again = cases.open_case(
            session,
            CustomerActor(customer.id, customer.organization_id),
            customer=customer,
            subject=f"Again: {earlier.subject}"[:300],
            body=f"I am writing again, it is not sorted. As I said before: {first_words}",
            channel=Channel.PORTAL,
        )
    session.flush()
    return again.id
