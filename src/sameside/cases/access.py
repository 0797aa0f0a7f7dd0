"""The one gateway to load a case for a user."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from sameside.cases.errors import CaseNotFound
from sameside.cases.models import Case
from sameside.cases.rules import CaseScope, may_view
from sameside.customers.models import Customer
from sameside.kit.actors import Actor


def scope_of(case: Case) -> CaseScope:
    return CaseScope(
        team_id=case.team_id,
        owner_id=case.owner_id,
        customer_id=case.customer_id,
        organization_id=case.customer.organization_id,
        shared_with_organization=case.shared_with_organization,
    )


def case_for(session: Session, actor: Actor, number: int, *, for_update: bool = False) -> Case:
    """The case numbered `number` if `actor` may see it.

    Raises the same CaseNotFound whether the case is missing or not theirs,
    so case numbers cannot be probed.
    """
    query = (
        select(Case)
        .where(Case.id == number)
        .options(
            joinedload(Case.customer).selectinload(Customer.identities),
            joinedload(Case.owner),
            joinedload(Case.team),
            selectinload(Case.tags),
        )
    )
    case = session.scalar(query)
    if case is None or not may_view(actor, scope_of(case)):
        raise CaseNotFound(f"There is no case #{number}.")
    if for_update and session.get_bind().dialect.name == "postgresql":
        # Serialise concurrent writers on this case (SQLite already has one writer).
        session.execute(select(Case.id).where(Case.id == number).with_for_update())
    return case


def case_after_handoff(session: Session, number: int) -> Case:
    """The case again, fresh from the database, for whoever just handed it on (a transfer).

    The change may have taken it out of their sight (to another team); they
    still see the result of what they did, once, without the access check.
    """
    session.flush()
    return (
        session.scalars(
            select(Case)
            .where(Case.id == number)
            .options(joinedload(Case.customer), joinedload(Case.owner), joinedload(Case.team), selectinload(Case.tags))
            .execution_options(populate_existing=True)
        )
        .unique()
        .one()
    )
