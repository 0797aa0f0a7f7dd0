"""A small, known history of grants and offers, for the ledger's tests (API, CSV and the desk page).

Two months from `month1` (the first of a month, UTC), in two teams:

    month1 +4d   Ana   goodwill voucher 15.00 €, customer 2 (Support)      issued from her budget
    month1 +19d  Ana   remedy refund 120.00 €, customer 1 (Support)        asked; Sam approves 90.00 € 2 h later
    month2 +1d   Ana   remedy replacement 30.00 €, customer 2 (Support)    issued from her budget
    month2 +2d   Ben   remedy credit 40.00 €, customer 2 (Billing)         issued from his budget
    month2 +9d   Ben   goodwill voucher 200.00 €, customer 2               asked; an admin declines 6 h later
    month2 +14d  Ben   goodwill voucher 25.00 USD, customer 2              asked (his budget is in EUR); waiting
    month2 +19d  Ana   goodwill voucher 10.00 €, customer 1                issued, reversed the next day

and, before the two months (so outside them), Ana's goodwill voucher of 5.00 € and an offer. Offers in
the two months: one chosen, one countered, one withdrawn for a newer one that expired, one still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from sameside.cases.access import case_for
from sameside.cases.models import Case
from sameside.grants import service as grants
from sameside.grants.rules import BudgetLimit, GrantKind, Money, Purpose
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor
from sameside.offers import service as offers
from sameside.offers.models import Offer, OfferOption
from sameside.offers.rules import OptionSpec, Via
from sameside.staff.models import Staff
from tests.factories import SYSTEM, Factory, Person

VOUCHER, REFUND, CREDIT, REPLACEMENT = GrantKind.VOUCHER, GrantKind.REFUND, GrantKind.CREDIT, GrantKind.REPLACEMENT
REMEDY, GOODWILL = Purpose.REMEDY, Purpose.GOODWILL


@dataclass
class Ledger:
    start: datetime
    """The first of the two months."""
    end: datetime
    """The first of the month after them."""
    supervisor: Person
    agent: Person
    first_customer: int
    second_customer: int


def next_month(at: datetime) -> datetime:
    return (at.replace(day=1) + timedelta(days=32)).replace(day=1)


def seed(make: Factory, month1: datetime, *, supervisor: Person | None = None) -> Ledger:
    """Write the history above; `supervisor` (of the Support team) is made when not given."""
    month2, end = next_month(month1), next_month(next_month(month1))
    support, billing = make.team("support", name="Support"), make.team("billing", name="Billing")
    admin = make.staff(Role.ADMIN, password=None)
    sam = supervisor or make.staff(Role.SUPERVISOR, team=support, password=None)
    ana, ben = make.staff(team=support, password=None), make.staff(team=billing, password=None)
    first, second = make.customer(name="First"), make.customer(name="Second")
    a1 = make.case(first, team=support, owner=ana).id
    a2 = make.case(second, team=support, owner=ana).id
    b1 = make.case(second, team=billing, owner=ben).id
    with make.db.unit_of_work() as s:
        for person, name in ((ana, "Ana Silva"), (ben, "Ben Okafor")):
            row = s.get(Staff, person.id)
            assert row is not None
            row.name = name
        row = s.get(Staff, sam.id)
        assert row is not None
        row.team_id = support.id
        grants.set_budget(s, _as(admin, Role.ADMIN), BudgetLimit(10000, "EUR"), role=Role.AGENT)

    def grant(at: datetime, who: Person, case_id: int, kind: GrantKind, purpose: Purpose, money: Money) -> int:
        with clock.frozen(at), make.db.unit_of_work() as s:
            case = _case(s, case_id)
            team = support.id if who is ana else billing.id
            return grants.make(s, _as(who, Role.AGENT, team), case, kind, purpose, money, "Seeded").id

    def review(at: datetime, who: StaffActor, grant_id: int, approve: bool, amount: int | None = None) -> None:
        with clock.frozen(at), make.db.unit_of_work() as s:
            grants.review(s, who, grant_id, approve=approve, reason="Seeded", amount_minor=amount)

    def eur(minor: int) -> Money:
        return Money(minor, "EUR")

    day = timedelta(days=1)
    grant(month1 - 16 * day, ana, a1, VOUCHER, GOODWILL, eur(500))
    grant(month1 + 4 * day, ana, a2, VOUCHER, GOODWILL, eur(1500))
    refund = grant(month1 + 19 * day, ana, a1, REFUND, REMEDY, eur(12000))
    review(month1 + 19 * day + timedelta(hours=2), _as(sam, Role.SUPERVISOR, support.id), refund, True, 9000)
    grant(month2 + 1 * day, ana, a2, REPLACEMENT, REMEDY, eur(3000))
    grant(month2 + 2 * day, ben, b1, CREDIT, REMEDY, eur(4000))
    declined = grant(month2 + 9 * day, ben, b1, VOUCHER, GOODWILL, eur(20000))
    review(month2 + 9 * day + timedelta(hours=6), _as(admin, Role.ADMIN), declined, False)
    grant(month2 + 14 * day, ben, b1, VOUCHER, GOODWILL, Money(2500, "USD"))
    reversed_ = grant(month2 + 19 * day, ana, a1, VOUCHER, GOODWILL, eur(1000))
    with clock.frozen(month2 + 20 * day), make.db.unit_of_work() as s:
        grants.reverse(s, _as(sam, Role.SUPERVISOR, support.id), reversed_, "Sent twice")

    def offer(at: datetime, who: Person, case_id: int) -> Offer:
        with clock.frozen(at), make.db.unit_of_work() as s:
            team = support.id if who is ana else billing.id
            made = offers.make(
                s,
                _as(who, Role.AGENT, team),
                _case(s, case_id),
                [OptionSpec("A repair"), OptionSpec("An exchange")],
                links=_link,
            )
            s.expunge(made)
            return made

    offer(month1 - 11 * day, ana, a1)  # outside the two months; withdrawn by the next one on the case
    chosen = offer(month1 + 20 * day, ana, a1)
    countered = offer(month2 + 3 * day, ben, b1)
    offer(month2 + 4 * day, ana, a2)  # withdrawn by the next, which expires unanswered
    offer(month2 + 5 * day, ana, a2)
    with clock.frozen(month1 + 21 * day), make.db.unit_of_work() as s:
        offers.choose(s, chosen.id, chosen.options[0].id, via=Via.PORTAL, customer=CustomerActor(first.id))
    with clock.frozen(month2 + 4 * day), make.db.unit_of_work() as s:
        offers.counter(s, countered.id, "Just fix it", via=Via.EMAIL, customer=None)
    with make.db.unit_of_work() as s:
        offers.settle_due(s, month2 + 13 * day)  # the one made on month2 +5d, open a week, expires
    offer(month2 + 27 * day, ben, b1)  # still open
    return Ledger(month1, end, sam, ana, first.id, second.id)


def _as(person: Person, role: Role, team_id: int | None = None) -> StaffActor:
    return StaffActor(person.id, role, team_id)


def _case(session: Session, case_id: int) -> Case:
    return case_for(session, SYSTEM, case_id)


def _link(offer: Offer, option: OfferOption | None) -> str:
    return f"https://desk.example/offers/{offer.id}/{option.id if option else 'other'}"


def first_of_month(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
