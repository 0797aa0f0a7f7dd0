"""Reads on customers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sameside.customers.errors import CustomerNotFound, IdentityNotFound
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.rules import IdentityKind, Proof, may_see_customer
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


def identity_of(session: Session, customer: Customer, identity_id: int) -> CustomerIdentity:
    """One of this customer's identities; another customer's looks missing."""
    identity = session.get(CustomerIdentity, identity_id)
    if identity is None or identity.customer_id != customer.id:
        raise IdentityNotFound(f"This customer has no identity with id {identity_id}.")
    return identity


def email_identity(session: Session, email: str) -> CustomerIdentity | None:
    """The email identity with this address (whatever its proof), or None."""
    return session.scalar(
        select(CustomerIdentity).where(
            CustomerIdentity.kind == IdentityKind.EMAIL, CustomerIdentity.value == email.strip().lower()
        )
    )


def proven_addresses(session: Session, customer_id: int) -> list[CustomerIdentity]:
    """A customer's email addresses that are theirs for sure (claimed or verified), oldest first."""
    return list(
        session.scalars(
            select(CustomerIdentity)
            .where(
                CustomerIdentity.customer_id == customer_id,
                CustomerIdentity.kind == IdentityKind.EMAIL,
                CustomerIdentity.proof != Proof.PENDING,
            )
            .order_by(CustomerIdentity.id)
        )
    )


def identity_proofs(session: Session, customer_id: int, *, besides: int) -> list[Proof]:
    """How far each of a customer's other identities is proven."""
    return list(
        session.scalars(
            select(CustomerIdentity.proof).where(
                CustomerIdentity.customer_id == customer_id, CustomerIdentity.id != besides
            )
        )
    )
