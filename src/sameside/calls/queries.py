"""Reads on calls: who is on the phone (by number, address or name), and the calls written down on a case."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.business import service as business
from sameside.callbacks.models import Callback, CallbackState
from sameside.calls import rules
from sameside.calls.models import Call
from sameside.customers import lookup
from sameside.customers.models import Customer
from sameside.kit.errors import Invalid

_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")


@dataclass(frozen=True)
class Callers:
    """The customers who may be on the line, and what the words were taken to be."""

    kind: Literal["email", "phone", "name"]
    customers: Sequence[Customer]
    forms: tuple[str, ...] = ()
    """For a number: the normalised ways it was looked for (international, national)."""


def country_code(session: Session) -> str | None:
    """The business's country calling code, from its own phone number (None when it has none, or a national one)."""
    return rules.country_code_of(business.current(session).support_phone)


def find_callers(session: Session, words: str, *, limit: int = 20) -> Callers:
    """Customers whose number, address or name starts with `words`; a number in either of its forms.

    "020 7946 0018" finds the customer kept as "+442079460018" and the other
    way round, when the business's number says the country (`rules.phone_forms`).
    """
    typed = " ".join(words.split())
    digits = sum(c.isdigit() for c in typed)
    if not (_PHONE_LIKE.match(typed) and digits >= 3):
        found = lookup.find(session, typed, limit=limit)
        return Callers(found.kind, found.customers)
    try:
        forms = rules.phone_forms(typed, country_code(session))
    except Invalid:
        found = lookup.find(session, typed, limit=limit)
        return Callers(found.kind, found.customers)
    seen: dict[int, Customer] = {}
    for form in forms:
        for customer in lookup.find(session, form, limit=limit).customers:
            seen.setdefault(customer.id, customer)
    return Callers("phone", list(seen.values())[:limit], tuple(forms))


def calls_on_case(session: Session, case_id: int, *, limit: int = 100) -> Sequence[Call]:
    """The calls written down on a case, newest first."""
    return session.scalars(select(Call).where(Call.case_id == case_id).order_by(Call.id.desc()).limit(limit)).all()


def open_callbacks_on_case(session: Session, case_id: int) -> Sequence[Callback]:
    """Booked calls on the case still to make (booked, or missed and not made yet), soonest first."""
    return session.scalars(
        select(Callback)
        .where(Callback.case_id == case_id, Callback.state.in_((CallbackState.BOOKED, CallbackState.MISSED)))
        .order_by(Callback.starts_at)
    ).all()
