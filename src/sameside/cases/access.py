"""The one gateway to load a case for a user, and the record of who keeps sight of a case.

Reading and changing are asked apart: `case_for` loads a case its reader may
see (`rules.may_view`); asked `for_update`, it also requires that they may
work on it (`rules.may_work`), and says so when they may only read it.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from sameside.cases.errors import CaseNotFound
from sameside.cases.models import Case, CaseConsultedDepartment, CasePreviousOwner
from sameside.cases.rules import CaseScope, check_may_work, may_view, may_work
from sameside.customers.models import Customer
from sameside.kit import clock
from sameside.kit.actors import Actor, StaffActor


def scope_of(case: Case) -> CaseScope:
    """The case's placement for the rules on changing it (who reads a restricted case is `sight_of`'s)."""
    return CaseScope(
        team_id=case.team_id,
        owner_id=case.owner_id,
        customer_id=case.customer_id,
        organization_id=case.customer.organization_id,
        shared_with_organization=case.shared_with_organization,
    )


def sight_of(session: Session, case: Case, actor: Actor) -> CaseScope:
    """The case's scope with what `may_view` needs to decide for `actor` (its team's loaded).

    Who else keeps sight of it is read only when it matters: a restricted
    team's case, and a staff member who does not work on it.
    """
    scope = scope_of(case)
    restricted = case.team is not None and case.team.restricted
    if not restricted:
        return scope
    scope = replace(scope, restricted=True)
    if not isinstance(actor, StaffActor) or may_work(actor, scope):
        return scope
    previous = session.scalars(select(CasePreviousOwner.staff_id).where(CasePreviousOwner.case_id == case.id))
    consulted = session.scalars(
        select(CaseConsultedDepartment.department_id).where(CaseConsultedDepartment.case_id == case.id)
    )
    return replace(scope, previous_owners=frozenset(previous), consulted_departments=frozenset(consulted))


def case_for(session: Session, actor: Actor, number: int, *, for_update: bool = False) -> Case:
    """The case numbered `number` if `actor` may see it; `for_update`, if they may also change it.

    Raises the same CaseNotFound whether the case is missing or not theirs to
    read, so case numbers cannot be probed. A case they may read but not
    change (another team's) is a Forbidden that says so.
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
    if case is None or not may_view(actor, sight_of(session, case, actor)):
        raise CaseNotFound(f"There is no case #{number}.")
    if for_update:
        check_may_work(actor, scope_of(case))
        if session.get_bind().dialect.name == "postgresql":
            # Serialise concurrent writers on this case (SQLite already has one writer).
            session.execute(select(Case.id).where(Case.id == number).with_for_update())
    return case


def may_change(actor: Actor, case: Case) -> bool:
    """Whether `actor` may work on a case they have loaded (pages offer its actions only then)."""
    return may_work(actor, scope_of(case))


def case_after_handoff(session: Session, number: int) -> Case:
    """The case again, fresh from the database, for whoever just handed it on (a transfer).

    The change may have taken it out of their sight (to a restricted team); they
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


# ---------------------------------------------------------------- who keeps sight


def remember_owner(session: Session, case_id: int, staff_id: int | None) -> None:
    """`staff_id` owned the case until now: they keep reading it, wherever it goes (their links keep working)."""
    if staff_id is None:
        return
    now = clock.now()
    kept = session.get(CasePreviousOwner, (case_id, staff_id))
    if kept is None:
        session.add(CasePreviousOwner(case_id=case_id, staff_id=staff_id, until=now))
    else:
        kept.until = now


def remember_consulted(session: Session, case_id: int, department_id: int) -> None:
    """The department was asked about the case: its members read the case they answer on."""
    if session.get(CaseConsultedDepartment, (case_id, department_id)) is None:
        session.add(CaseConsultedDepartment(case_id=case_id, department_id=department_id))
