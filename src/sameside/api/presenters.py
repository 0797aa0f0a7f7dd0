"""Turning loaded domain objects into response shapes (no queries happen here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sameside.auth.models import ApiToken
from sameside.auth.schemas import TokenOut
from sameside.cases.events import delivery_of, payload_of
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.schemas import Author, CaseDetail, CaseOut, DeliveryOut, TimelineEntryOut
from sameside.customers.models import Customer
from sameside.customers.schemas import CustomerBrief, CustomerOut, IdentityOut, OrganizationOut, Preferences
from sameside.mail.schemas import AttachmentOut
from sameside.staff.schemas import StaffBrief, TeamOut


def case_out(case: Case) -> CaseOut:
    return CaseOut(
        number=case.id,
        subject=case.subject,
        status=case.status,
        priority=case.priority,
        channel=case.channel,
        customer=CustomerBrief(id=case.customer.id, name=case.customer.name),
        owner=StaffBrief(id=case.owner.id, name=case.owner.name) if case.owner else None,
        team=TeamOut.model_validate(case.team) if case.team else None,
        tags=case.tag_names,
        shared_with_organization=case.shared_with_organization,
        reopen_count=case.reopen_count,
        created_at=case.created_at,
        updated_at=case.updated_at,
        first_human_reply_at=case.first_human_reply_at,
        resolved_at=case.resolved_at,
        closed_at=case.closed_at,
        due_at=case.due_at,
        due_kind=case.due_kind,
    )


def entry_out(entry: TimelineEntry, *, for_customer: bool = False) -> TimelineEntryOut:
    if entry.author_staff is not None:
        # Customers see who answered them by name, never staff internals.
        author = Author(kind="staff", id=None if for_customer else entry.author_staff.id, name=entry.author_staff.name)
    elif entry.author_customer is not None:
        author = Author(kind="customer", id=entry.author_customer.id, name=entry.author_customer.name)
    else:
        author = Author(kind="system", id=None, name="Sameside")
    return TimelineEntryOut(
        id=entry.id,
        kind=entry.kind,
        public=entry.is_public,
        direction=entry.direction,
        channel=entry.channel,
        author=author,
        automatic=entry.is_automatic,
        body=entry.body,
        event=entry.event,
        data=None if for_customer else entry.data,
        created_at=entry.created_at,
        # Customers see that something happened, never its internal details (who was told, the question asked).
        payload=None if for_customer else payload_of(entry),
    )


def delivery_out(entry: TimelineEntryOut) -> DeliveryOut | None:
    """Where an outbound message went, from its entry; None for anything that was not sent to the customer."""
    if entry.direction != "outbound" or entry.channel is None:
        return None
    delivery = delivery_of(entry.data)
    return DeliveryOut(
        channel=entry.channel,
        emailed=delivery.emailed,
        held_until=delivery.held_until,
        note=delivery.delivery_note,
    )


def case_detail(
    case: Case,
    entries: Sequence[TimelineEntry],
    *,
    for_customer: bool = False,
    attachments: Mapping[int, list[AttachmentOut]] | None = None,
) -> CaseDetail:
    attachments = attachments or {}
    timeline = []
    for entry in entries:
        out = entry_out(entry, for_customer=for_customer)
        out.attachments = attachments.get(entry.id, [])
        timeline.append(out)
    return CaseDetail(**case_out(case).model_dump(), timeline=timeline)


def customer_out(customer: Customer) -> CustomerOut:
    return CustomerOut(
        id=customer.id,
        name=customer.name,
        tier=customer.tier,
        organization=OrganizationOut.model_validate(customer.organization) if customer.organization else None,
        identities=[IdentityOut.model_validate(i) for i in customer.identities],
        preferences=Preferences.model_validate(customer),
        created_at=customer.created_at,
    )


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut.model_validate(token)
