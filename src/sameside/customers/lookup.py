"""Finding a customer by what someone on the phone says: an address, a number, a name; and an organization.

Every lookup is a range on an index, never a scan: addresses and numbers on
the identities' unique (kind, value) index (exact, or what was typed so far),
names on the name's index (one range per way of writing the name). Results
are capped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from sameside.customers.errors import CustomerNotFound
from sameside.customers.models import Customer, CustomerIdentity, Organization
from sameside.customers.rules import IdentityKind
from sameside.kit.actors import Actor, StaffActor, SystemActor
from sameside.kit.errors import Invalid

QUERY_MAX = 200
LIMIT_MAX = 50
_TOP = "\U0010ffff"
"""Sorts after every character: `[q, q + _TOP)` is every string that starts with q."""
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")


@dataclass(frozen=True)
class Found:
    """What the lookup understood the words to be, and the customers that match."""

    kind: Literal["email", "phone", "name"]
    customers: Sequence[Customer]


def find(session: Session, query: str, *, limit: int = 20) -> Found:
    """Customers whose address, phone number or name starts with `query` (case-folded), exact matches first.

    With an `@` it is an address; digits (with `+`, spaces, dashes) a phone
    number; anything else the start of a name, and a single word also the
    start of an address.
    """
    words = " ".join(query.replace("\x00", "").split())
    if not words:
        raise Invalid("Type an address, a phone number or a name to look for.")
    if len(words) > QUERY_MAX:
        raise Invalid(f"Keep the search under {QUERY_MAX} characters.")
    if not 1 <= limit <= LIMIT_MAX:
        raise Invalid(f"limit must be between 1 and {LIMIT_MAX}.")
    if "@" in words:
        return Found("email", _by_identity(session, IdentityKind.EMAIL, words.lower(), limit))
    digits = re.sub(r"[\s().\-/]", "", words)
    if _PHONE_LIKE.match(words) and sum(c.isdigit() for c in digits) >= 3:
        number = "+" + digits[2:] if digits.startswith("00") else digits
        return Found("phone", _by_identity(session, IdentityKind.PHONE, number, limit))
    folded = words.lower()
    # The name's index is a range per way of writing it (as typed, lower, Title, UPPER case); the LIKE
    # then keeps exactly the case-folded prefix matches among the few rows those ranges read.
    spellings = sorted({words, folded, words.title(), words.upper()})
    rows = session.scalars(
        select(Customer)
        .where(
            or_(*(and_(Customer.name >= s, Customer.name < s + _TOP) for s in spellings)),
            func.lower(Customer.name).startswith(folded, autoescape=True),
        )
        .order_by(Customer.name, Customer.id)
        .limit(limit)
        .options(selectinload(Customer.identities), selectinload(Customer.organization))
    ).all()
    if " " in words or len(rows) >= limit:
        return Found("name", rows)
    # One word may also be the start of an address ("ana.li" for ana.lima@example.com).
    by_address = _by_identity(session, IdentityKind.EMAIL, folded, limit - len(rows))
    seen = {c.id for c in rows}
    return Found("name", [*rows, *(c for c in by_address if c.id not in seen)])


def _by_identity(session: Session, kind: IdentityKind, prefix: str, limit: int) -> Sequence[Customer]:
    ids = session.scalars(
        select(CustomerIdentity.customer_id)
        .where(
            CustomerIdentity.kind == kind,
            CustomerIdentity.value >= prefix,
            CustomerIdentity.value < prefix + _TOP,
        )
        .order_by(CustomerIdentity.value)
        .limit(limit)
    ).all()
    if not ids:
        return []
    order = list(dict.fromkeys(ids))  # exact match sorts first: it is the shortest with this prefix
    found = {
        c.id: c
        for c in session.scalars(
            select(Customer)
            .where(Customer.id.in_(order))
            .options(selectinload(Customer.identities), selectinload(Customer.organization))
        )
    }
    return [found[i] for i in order if i in found]


def organization_for(session: Session, actor: Actor, organization_id: int) -> Organization:
    """An organization, for staff; anyone else (and a missing one) gets the same not-found."""
    organization = None
    if isinstance(actor, (StaffActor, SystemActor)):
        organization = session.get(Organization, organization_id)
    if organization is None:
        raise CustomerNotFound(f"There is no organisation with id {organization_id}.")
    return organization


def members_of(session: Session, organization_id: int, *, limit: int = 100) -> Sequence[Customer]:
    """The organization's customers (up to `limit`), by name, with their identities."""
    return session.scalars(
        select(Customer)
        .where(Customer.organization_id == organization_id)
        .order_by(Customer.name, Customer.id)
        .limit(limit)
        .options(selectinload(Customer.identities))
    ).all()
