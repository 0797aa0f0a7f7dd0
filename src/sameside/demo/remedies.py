"""The demo's putting-it-right (P5-P7): budgets and ceilings, grants made and asked for, offers, a decision.

Played on cases the demo already opened, through the domain services, so
the desk shows a supervisor's approval waiting, a customer's earlier grants
beside their case, an offer open and one chosen, and a decline that stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus
from sameside.decisions import service as decisions
from sameside.decisions.rules import DecisionKind
from sameside.grants import service as grants
from sameside.grants.rules import BudgetLimit, GrantKind, Money, Purpose
from sameside.kit.actors import Actor, CustomerActor, Role, StaffActor
from sameside.offers import service as offers
from sameside.offers.models import Offer, OfferOption
from sameside.offers.rules import GrantTerms, OptionSpec, Via

WORKING = (CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.NEW)


def _portal_link(offer: Offer, option: OfferOption | None) -> str:
    """The demo's mail is never sent: its offers point at the portal, where the customer chooses."""
    return f"/portal/cases/{offer.case_id}#offer"


def seed_remedies(session: Session, admin: Actor, actors: dict[str, Actor], opened: Sequence[Case]) -> set[int]:
    """Budgets, ceilings and a handful of stories; returns the ids of the replies they wrote (never to be sent)."""
    grants.set_budget(session, admin, BudgetLimit(10_000, "EUR"), role=Role.AGENT)
    grants.set_budget(session, admin, BudgetLimit(50_000, "EUR"), role=Role.SUPERVISOR)
    for kind, ceiling in ((GrantKind.REFUND, 50_000), (GrantKind.VOUCHER, 10_000), (GrantKind.CREDIT, 20_000)):
        grants.set_ceiling(session, admin, kind, Money(ceiling, "EUR"))
    owners = {a.staff_id: a for a in actors.values() if isinstance(a, StaffActor)}
    owned = [
        c for c in opened if c.owner_id in owners and c.status in WORKING and owners[c.owner_id].role is Role.AGENT
    ]
    if len(owned) < 6:
        return set()
    touched = [c.id for c in owned[:6]]
    first, second, third, fourth, fifth, sixth = owned[:6]

    def by(case: Case) -> StaffActor:
        return owners[case.owner_id]  # type: ignore[index]

    # Goodwill at once, within budget; a later remedy above it waits for a supervisor inside the case.
    grants.make(
        session, by(first), first, GrantKind.VOUCHER, Purpose.GOODWILL, Money(1500, "EUR"), "Kept waiting twice"
    )
    grants.make(session, by(first), first, GrantKind.REFUND, Purpose.REMEDY, Money(18_900, "EUR"), "Arrived broken")
    # A remedy the customer chose from three options.
    offer = offers.make(
        session,
        by(second),
        second,
        [
            OptionSpec("A replacement, sent today by express"),
            OptionSpec("A refund of 45 €", GrantTerms(GrantKind.REFUND, Purpose.REMEDY, Money(4500, "EUR"))),
            OptionSpec("A voucher of 60 €", GrantTerms(GrantKind.VOUCHER, Purpose.REMEDY, Money(6000, "EUR"))),
        ],
        links=_portal_link,
        intro="We are sorry it went wrong. Which of these would suit you best?",
    )
    offers.choose(session, offer.id, offer.options[1].id, via=Via.PORTAL, customer=CustomerActor(second.customer_id))
    # An offer still open, for the customer to pick in the portal.
    offers.make(
        session,
        by(third),
        third,
        [OptionSpec("A repair, collected from your door"), OptionSpec("An exchange for the newer model")],
        links=_portal_link,
        expires_in=timedelta(days=5),
    )
    # A credit within budget, and a small voucher.
    grants.make(session, by(fourth), fourth, GrantKind.CREDIT, Purpose.REMEDY, Money(2500, "EUR"), "Charged twice")
    grants.make(
        session, by(fifth), fifth, GrantKind.VOUCHER, Purpose.GOODWILL, Money(1000, "EUR"), "A birthday order late"
    )
    # An unreasonable demand, declined politely and for good.
    decisions.record(
        session,
        by(sixth),
        sixth,
        DecisionKind.DECLINE,
        customer_text="We understand how frustrating this was. We cannot refund an order that was delivered and used, "
        "but the voucher we sent stands, and we will gladly help with anything else.",
        rationale="Delivered and used; the customer asked for a full refund on top of the voucher.",
        policy="Refunds 2.1: delivered and used items",
    )
    session.flush()
    return set(
        session.scalars(
            select(TimelineEntry.id).where(TimelineEntry.case_id.in_(touched), TimelineEntry.direction == "outbound")
        )
    )
