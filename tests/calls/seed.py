"""A business with an international number (so national numbers are read too) and a booked call, for tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sameside.business import service as business
from sameside.callbacks import service as callbacks
from sameside.callbacks.models import Callback
from sameside.cases.access import case_for
from sameside.customers import service as customers
from sameside.customers.models import Customer
from sameside.customers.rules import IdentityKind
from sameside.db.engine import Database
from sameside.kit.actors import SystemActor
from sameside.kit.hours import parse_hours

ALWAYS_OPEN = callbacks.Policy(hours=parse_hours("Mon-Sun 00:00-23:59", "UTC"))
SYSTEM = SystemActor("test")


@contextmanager
def business_phone(number: str | None) -> Iterator[None]:
    """The business's own number while nothing is stored (the environment's), put back afterwards."""
    before = business.environment().support_phone
    business.with_environment(support_phone=number)
    try:
        yield
    finally:
        business.with_environment(support_phone=before)


def add_phone(db: Database, customer_id: int, number: str) -> None:
    with db.unit_of_work() as s:
        customer = s.get(Customer, customer_id)
        assert customer is not None
        customers.add_identity(s, SYSTEM, customer, IdentityKind.PHONE, number)


def book(db: Database, number: int, policy: callbacks.Policy = ALWAYS_OPEN, *, phone: str = "+442079460018") -> int:
    """A call booked at the first free time on case `number`; its id."""
    with db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        slot = callbacks.free_slots(s, policy)[0]
        return callbacks.book(s, SYSTEM, case, policy, starts_at=slot, phone=phone).id


def callback(db: Database, callback_id: int) -> Callback:
    with db.unit_of_work(write=False) as s:
        found = s.get(Callback, callback_id)
        assert found is not None
        s.expunge(found)  # read as it is now, after the session ends
        return found


def first_free(db: Database, policy: callbacks.Policy = ALWAYS_OPEN, *, after: int = 0) -> datetime:
    with db.unit_of_work(write=False) as s:
        return callbacks.free_slots(s, policy)[after]
