"""Reads on customers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sameside.customers.errors import CustomerNotFound
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.rules import IdentityKind, may_see_customer
from sameside.kit.actors import Actor


def customer_for(session: Session, actor: Actor, customer_id: int) -> Customer:
    """The one gateway to load a customer for a user: missing and not-yours look the same."""
    customer = None
    if may_see_customer(actor, customer_id):
        customer = session.scalar(
            select(Customer)
            .where(Customer.id == customer_id)
            .options(selectinload(Customer.identities), selectinload(Customer.organization))
        )
    if customer is None:
        raise CustomerNotFound(f"There is no customer with id {customer_id}.")
    return customer


def customer_by_email(session: Session, email: str) -> Customer | None:
    return session.scalar(
        select(Customer)
        .join(CustomerIdentity, CustomerIdentity.customer_id == Customer.id)
        .where(CustomerIdentity.kind == IdentityKind.EMAIL, CustomerIdentity.value == email.strip().lower())
    )
