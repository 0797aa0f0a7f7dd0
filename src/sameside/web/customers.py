"""One customer, one picture: the customer list, a customer's page, an organisation's page, and the case page's panel.

Every case of a customer is listed whatever team holds it, as far as the
viewer may read it (`cases.queries` applies the visibility policy in SQL), so
an agent sees the whole story before answering. Finding a customer is an
index lookup by address, phone number or the start of a name
(`customers.lookup`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from sameside.cases import queries
from sameside.cases.access import may_change
from sameside.cases.models import Case
from sameside.cases.service_levels.queries import due_labels
from sameside.customers import lookup
from sameside.customers.queries import customer_for
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.actors import StaffActor
from sameside.kit.errors import DomainError
from sameside.kit.ids import MAX_ID
from sameside.web.deps import DeskAgent, PageSession
from sameside.web.errors import desk_missing
from sameside.web.pages import page

router = APIRouter(prefix="/desk", include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Cursor = Annotated[str | None, Query(max_length=500)]
PANEL_CASES = 20
"""How many of the customer's other cases the case page lists; the customer's page has them all."""


def panel(session: Session, actor: StaffActor, case: Case, *, unproven: bool = False) -> dict[str, Any]:
    """What the case page's customer panel shows beyond the case: every other case of theirs the viewer
    may read (all teams), their organisation, and whether the viewer may change this case or only read it.

    A chat visitor who has not proven who they are gets none of the customer's history.
    """
    read_only = not may_change(actor, case)
    if unproven:
        return {"customer_cases": [], "more_cases": False, "organisation": None, "read_only": read_only}
    found = queries.list_cases(
        session, actor, queries.CaseFilter(customer_id=case.customer_id), sort="-created", limit=PANEL_CASES + 1
    )
    others = [c for c in found.items if c.id != case.id]
    customer = customer_for(session, actor, case.customer_id)
    return {
        "customer_cases": others[:PANEL_CASES],
        "more_cases": len(others) > PANEL_CASES or found.next_cursor is not None,
        "organisation": customer.organization,
        "read_only": read_only,
    }


@router.get("/customers", response_model=None)
@offload
def customer_list(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    q: Annotated[str, Query(max_length=lookup.QUERY_MAX)] = "",
) -> Response:
    """Find a customer by address, phone number or name."""
    if not q.strip():
        return page(request, "desk_customers.html", agent=agent, q="", found=None)
    try:
        found = lookup.find(session, q)
    except DomainError as error:
        return page(
            request, "desk_customers.html", status_code=error.status, agent=agent, q=q, found=None, error=error.detail
        )
    return page(request, "desk_customers.html", agent=agent, q=q, found=found)


@router.get("/customers/{customer_id}", response_model=None)
@offload
def customer_page(
    request: Request, customer_id: Id, agent: DeskAgent, session: PageSession, cursor: Cursor = None
) -> Response:
    """Who the customer is, how to reach them, and every case of theirs the viewer may read."""
    try:
        customer = customer_for(session, agent.actor, customer_id)
        found = queries.list_cases(
            session, agent.actor, queries.CaseFilter(customer_id=customer_id), sort="-created", limit=50, cursor=cursor
        )
    except DomainError as error:
        return desk_missing(request, error.detail, status_code=error.status)
    return page(
        request,
        "desk_customer.html",
        agent=agent,
        customer=customer,
        cases=found.items,
        dues=due_labels(found.items),
        next_cursor=found.next_cursor,
    )


@router.get("/organisations/{organisation_id}", response_model=None)
@offload
def organisation_page(
    request: Request, organisation_id: Id, agent: DeskAgent, session: PageSession, cursor: Cursor = None
) -> Response:
    """An organisation: its people (with their addresses and numbers) and every case of theirs the viewer may read."""
    try:
        organisation = lookup.organization_for(session, agent.actor, organisation_id)
        found = queries.list_cases(
            session,
            agent.actor,
            queries.CaseFilter(organization_id=organisation_id),
            sort="-created",
            limit=50,
            cursor=cursor,
        )
    except DomainError as error:
        return desk_missing(request, error.detail, status_code=error.status)
    return page(
        request,
        "desk_organisation.html",
        agent=agent,
        organisation=organisation,
        members=lookup.members_of(session, organisation_id),
        cases=found.items,
        dues=due_labels(found.items),
        next_cursor=found.next_cursor,
    )
