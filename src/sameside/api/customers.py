"""Customers: find, read, update preferences, their cases. Customers reach their own record as `me`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status

from sameside.api import presenters
from sameside.auth import addresses
from sameside.cases import queries as case_queries
from sameside.cases.queries import CaseFilter
from sameside.cases.schemas import CasePage
from sameside.customers import lookup, service
from sameside.customers.queries import customer_for, identity_of
from sameside.customers.schemas import (
    CustomerOut,
    CustomerStaffUpdate,
    CustomerUpdate,
    IdentityCreate,
    OrganizationCreate,
    OrganizationOut,
    Vouch,
)
from sameside.http.deps import Admin, AppSettings, CustomerUser, ReadSession, StaffUser, User, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Output

router = APIRouter(tags=["customers"])

CustomerId = Annotated[int, Path(ge=1, le=MAX_ID)]
IdentityId = Annotated[int, Path(ge=1, le=MAX_ID)]


class CustomerMatches(Output):
    """The customers found, and what the words were taken to be."""

    matched_by: Literal["email", "phone", "name"]
    items: list[CustomerOut]


@router.get("/customers", response_model=CustomerMatches)
@offload
def find_customers(
    actor: StaffUser,
    session: ReadSession,
    q: Annotated[str, Query(min_length=1, max_length=lookup.QUERY_MAX, description="An address, number or name.")],
    limit: Annotated[int, Query(ge=1, le=lookup.LIMIT_MAX)] = 20,
) -> CustomerMatches:
    """Find a customer by email address, phone number or name: what they start with, exact matches first.

    Anything with an `@` is an address; digits (with `+`, spaces, dashes) a
    phone number; anything else the start of a name, in any case. Each is an
    index lookup; at most `limit` customers come back.
    """
    found = lookup.find(session, q, limit=limit)
    return CustomerMatches(
        matched_by=found.kind,
        items=[presenters.customer_out(c) for c in found.customers],
    )


@router.get("/customers/me", response_model=CustomerOut)
@offload
def read_me(actor: CustomerUser, session: ReadSession) -> CustomerOut:
    """The signed-in customer's own record and preferences."""
    return presenters.customer_out(customer_for(session, actor, actor.customer_id))


@router.patch("/customers/me", response_model=CustomerOut)
@offload
def update_me(body: CustomerUpdate, actor: CustomerUser, write: Write) -> CustomerOut:
    """Customers set their own preferences (P14)."""
    with write() as session:
        customer = customer_for(session, actor, actor.customer_id)
        service.update_customer(
            session, actor, customer, service.PreferenceChanges(**body.model_dump(exclude_unset=True))
        )
        return presenters.customer_out(customer)


@router.get("/customers/{customer_id}", response_model=CustomerOut)
@offload
def read_customer(customer_id: CustomerId, actor: User, session: ReadSession) -> CustomerOut:
    return presenters.customer_out(customer_for(session, actor, customer_id))


@router.patch("/customers/{customer_id}", response_model=CustomerOut)
@offload
def update_customer(customer_id: CustomerId, body: CustomerStaffUpdate, actor: StaffUser, write: Write) -> CustomerOut:
    """Staff update a customer's preferences, tier or organization."""
    with write() as session:
        customer = customer_for(session, actor, customer_id)
        service.update_customer(
            session, actor, customer, service.PreferenceChanges(**body.model_dump(exclude_unset=True))
        )
        session.expire(customer, ["organization"])
        return presenters.customer_out(customer_for(session, actor, customer_id))


@router.post("/customers/{customer_id}/identities", status_code=status.HTTP_201_CREATED, response_model=CustomerOut)
@offload
@idempotent
def add_identity(
    customer_id: CustomerId, body: IdentityCreate, actor: StaffUser, write: Write, settings: AppSettings
) -> CustomerOut:
    """Record another address or number by which we know this customer.

    It is `pending` until the customer confirms it (a link is mailed to it) or
    a supervisor vouches: until then it receives no sign-in link. The
    customer's proven addresses are told of the change.
    """
    with write() as session:
        customer = customer_for(session, actor, customer_id)
        addresses.add_address(session, actor, customer, body.kind, body.value, base_url=settings.base_url)
        session.expire(customer, ["identities"])
        return presenters.customer_out(customer_for(session, actor, customer_id))


@router.delete("/customers/{customer_id}/identities/{identity_id}", response_model=CustomerOut)
@offload
def remove_identity(customer_id: CustomerId, identity_id: IdentityId, actor: StaffUser, write: Write) -> CustomerOut:
    """Forget one of a customer's identities (never the last); their proven addresses are told."""
    with write() as session:
        customer = customer_for(session, actor, customer_id)
        addresses.remove_address(session, actor, customer, identity_of(session, customer, identity_id))
        session.expire(customer, ["identities"])
        return presenters.customer_out(customer_for(session, actor, customer_id))


@router.post("/customers/{customer_id}/identities/{identity_id}/confirmation", status_code=status.HTTP_202_ACCEPTED)
@offload
def resend_confirmation(
    customer_id: CustomerId, identity_id: IdentityId, actor: StaffUser, write: Write, settings: AppSettings
) -> dict[str, str]:
    """Mail a pending address its confirmation link again; 409 when it is not pending."""
    with write() as session:
        customer = customer_for(session, actor, customer_id)
        identity = identity_of(session, customer, identity_id)
        addresses.resend_confirmation(session, actor, customer, identity, base_url=settings.base_url)
        return {"detail": f"A new confirmation link is on its way to {identity.value}."}


@router.post("/customers/{customer_id}/identities/{identity_id}/vouch", response_model=CustomerOut)
@offload
def vouch_for_identity(
    customer_id: CustomerId, identity_id: IdentityId, body: Vouch, actor: StaffUser, write: Write
) -> CustomerOut:
    """A supervisor verifies a pending identity on their word; who and why are kept on it."""
    with write() as session:
        customer = customer_for(session, actor, customer_id)
        service.vouch_for_identity(session, actor, customer, identity_of(session, customer, identity_id), body.reason)
        session.expire(customer, ["identities", "organization"])
        return presenters.customer_out(customer_for(session, actor, customer_id))


@router.get("/customers/{customer_id}/cases", response_model=CasePage)
@offload
def customer_cases(
    customer_id: CustomerId,
    actor: User,
    session: ReadSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> CasePage:
    """A customer's cases, newest first: their history, for agents and for themselves."""
    customer_for(session, actor, customer_id)  # not-found if not theirs
    filters = CaseFilter(customer_id=customer_id)
    page = case_queries.list_cases(session, actor, filters, limit=limit, cursor=cursor)
    return CasePage(items=[presenters.case_out(c) for c in page.items], next_cursor=page.next_cursor)


@router.post("/organizations", status_code=status.HTTP_201_CREATED, response_model=OrganizationOut, tags=["admin"])
@offload
@idempotent
def create_organization(body: OrganizationCreate, actor: Admin, write: Write) -> OrganizationOut:
    with write() as session:
        org = service.create_organization(session, actor, name=body.name, domain=body.domain, tier=body.tier)
        return OrganizationOut.model_validate(org)
