"""Grants and budgets (P5), and the ceilings policy sets (P7)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response, status

from sameside.cases.access import case_for
from sameside.customers.queries import customer_for
from sameside.grants import queries, service
from sameside.grants.models import Grant
from sameside.grants.rules import BudgetLimit, GrantKind, Money
from sameside.grants.schemas import BudgetIn, BudgetOut, CeilingIn, CeilingOut, GrantIn, GrantOut, ReversalIn, ReviewIn
from sameside.http.deps import Admin, ReadSession, StaffUser, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.kit.actors import Role
from sameside.kit.errors import Forbidden
from sameside.kit.ids import MAX_ID

router = APIRouter(tags=["grants"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def grant_out(grant: Grant) -> GrantOut:
    return GrantOut.model_validate(
        {
            **{name: getattr(grant, name) for name in GrantOut.model_fields if name != "amount"},
            "amount": Money(grant.amount_minor, grant.currency).words(),
        }
    )


@router.post("/cases/{number}/grants", status_code=status.HTTP_201_CREATED, response_model=GrantOut)
@offload
@idempotent
def make(number: Id, body: GrantIn, actor: StaffUser, write: Write, request: Request) -> GrantOut:
    """Grant a refund, credit, replacement or voucher: issued at once within your budget, else asked of a supervisor.

    The answer's `state` says which: `issued`, or `requested` (the case's
    team's supervisors are notified and answer inside the case).
    """
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        money = Money(body.amount_minor, body.currency)
        return grant_out(service.make(session, actor, case, body.kind, body.purpose, money, body.reason))


@router.get("/cases/{number}/grants", response_model=list[GrantOut])
@offload
def on_case(number: Id, actor: StaffUser, session: ReadSession) -> list[GrantOut]:
    """The grants made on this case, oldest first."""
    case = case_for(session, actor, number)
    return [grant_out(g) for g in queries.for_case(session, case.id)]


@router.get("/customers/{customer_id}/grants", response_model=list[GrantOut])
@offload
def of_customer(customer_id: Id, actor: StaffUser, session: ReadSession) -> list[GrantOut]:
    """Every grant the customer has had, newest first (the most recent 200): treat them consistently."""
    customer_for(session, actor, customer_id)
    return [grant_out(g) for g in queries.for_customer(session, customer_id)]


@router.get("/grants/requested", response_model=list[GrantOut])
@offload
def requested(actor: StaffUser, session: ReadSession) -> list[GrantOut]:
    """Requests above budget waiting for you: your team's as a supervisor, all as an admin."""
    if not actor.at_least(Role.SUPERVISOR):
        raise Forbidden("Only supervisors answer requests for grants.")
    return [grant_out(g) for g in queries.waiting_for(session, actor)]


NOT_NOW: dict[int | str, dict[str, Any]] = {
    409: {"description": "The grant is past that step: already decided, never issued, or reversed"}
}


@router.post("/grants/{grant_id}/review", response_model=GrantOut, responses=NOT_NOW)
@offload
def review(grant_id: Id, body: ReviewIn, actor: StaffUser, write: Write) -> GrantOut:
    """A supervisor approves (the amount asked, or another) or declines a request, with a reason."""
    with write() as session:
        grant = service.review(
            session,
            actor,
            grant_id,
            approve=body.verdict == "approve",
            reason=body.reason,
            amount_minor=body.amount_minor,
        )
        return grant_out(grant)


@router.post("/grants/{grant_id}/reversal", response_model=GrantOut, responses=NOT_NOW)
@offload
def reverse(grant_id: Id, body: ReversalIn, actor: StaffUser, write: Write) -> GrantOut:
    """Reverse an issued grant, on the record (a supervisor of the case's team, or an admin)."""
    with write() as session:
        return grant_out(service.reverse(session, actor, grant_id, body.reason))


@router.get("/budgets/me", response_model=BudgetOut, responses={204: {"description": "No budget is set for you"}})
@offload
def my_budget(actor: StaffUser, session: ReadSession) -> BudgetOut | Response:
    """Your budget this period: what it is, what you have granted from it, what is left."""
    limit = service.budget_of(session, actor)
    if limit is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    spent = service.spent(session, actor.staff_id, limit)
    left = max(0, limit.amount_minor - spent)
    return BudgetOut(
        amount_minor=limit.amount_minor,
        currency=limit.currency,
        period=limit.period,
        spent_minor=spent,
        left_minor=left,
        left=Money(left, limit.currency).words(),
    )


@router.put("/budgets", status_code=status.HTTP_204_NO_CONTENT, tags=["admin"])
@offload
def set_budget(body: BudgetIn, actor: Admin, write: Write) -> Response:
    """Set a budget for a role (everywhere, or in one team) or for one person, replacing the one there was."""
    with write() as session:
        service.set_budget(
            session,
            actor,
            BudgetLimit(body.amount_minor, body.currency, body.period),
            role=body.role,
            team_id=body.team_id,
            staff_id=body.staff_id,
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/grant-ceilings/{kind}", response_model=CeilingOut, tags=["admin"])
@offload
def set_ceiling(kind: GrantKind, body: CeilingIn, actor: Admin, write: Write) -> CeilingOut:
    """Policy: the most any one grant of this kind may be, in a currency, whoever makes or approves it."""
    with write() as session:
        row = service.set_ceiling(session, actor, kind, Money(body.max_minor, body.currency))
        return CeilingOut(kind=row.kind, currency=row.currency, max_minor=row.max_minor)
