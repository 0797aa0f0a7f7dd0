"""What a case sends by email: replies from its owner, and the acknowledgement of a new case.

A reply comes "From: Dana at Acme Support" — a person, by name (P3) — from
the team's address, threaded onto the customer's own mail and carrying the
case's token in the subject. Preferences (P14) shape it: the customer's
language tags the message and their form of address opens the automatic
acknowledgement.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.cases.models import Case, TimelineEntry
from sameside.customers.models import Customer, CustomerIdentity, IdentityKind
from sameside.kit.errors import Invalid
from sameside.mail import outbox
from sameside.mail.compose import sendable
from sameside.mail.threads import reply_subject
from sameside.staff.models import Staff, Team


def send_reply(session: Session, case: Case, entry: TimelineEntry, *, address: str | None = None) -> int:
    """Queue the email for an outbound message on `case`, in the caller's transaction; returns its id.

    `address` is the customer's when the caller knows it (the intake answering them), else looked up.
    """
    customer = session.get(Customer, case.customer_id)
    assert customer is not None
    address = address or email_address_of(session, customer.id)
    if address is None:
        raise Invalid("This customer has no email address; answer them on another channel.")
    if not sendable(address):
        raise Invalid(f"We cannot send mail to {address!r} yet (an internationalised address); answer another way.")
    author = session.get(Staff, entry.author_staff_id) if entry.author_staff_id else None
    return outbox.queue(
        session,
        purpose="reply" if not entry.is_automatic else "acknowledgement",
        envelope=_envelope(session, case, customer, address, author),
        subject=reply_subject(case.subject, case.id, case.thread_key),
        text=entry.body or "",
        case_id=case.id,
        entry_id=entry.id,
        customer_id=customer.id,
        automatic="auto-replied" if entry.is_automatic else None,
        language=customer.language,
    )


def acknowledgement_text(case: Case, customer: Customer) -> str:
    """The automatic answer to new mail: honest about what happens next, and how to reach a person (P1)."""
    greeting = f"Dear {customer.form_of_address}," if customer.form_of_address else f"Hello {customer.name},"
    return (
        f"{greeting}\n\n"
        f"we have your message, and it is now case #{case.id}. A person on our team — not a bot — "
        "will read it and write back to you.\n\n"
        "If you have more to add, reply to this email: it joins the same case, so you never have to "
        "tell your story twice.\n\n"
        "This message was sent automatically; replies to it reach a person."
    )


def email_address_of(session: Session, customer_id: int) -> str | None:
    """The address to write to: a deliverable one first, the oldest first."""
    rows = session.execute(
        select(CustomerIdentity.value, CustomerIdentity.undeliverable_since)
        .where(CustomerIdentity.customer_id == customer_id, CustomerIdentity.kind == IdentityKind.EMAIL)
        .order_by(CustomerIdentity.id)
    ).all()
    deliverable: list[str] = [r.value for r in rows if r.undeliverable_since is None]
    anything: list[str] = [r.value for r in rows]
    choices = deliverable or anything
    return choices[0] if choices else None


def _envelope(session: Session, case: Case, customer: Customer, address: str, author: Staff | None) -> outbox.Envelope:
    cfg = outbox.config()
    team = session.get(Team, case.team_id) if case.team_id else None
    brand = cfg.from_name
    from_name = f"{author.name.split()[0]} at {brand}" if author and author.name.strip() else brand
    return outbox.Envelope(
        to_address=address,
        to_name=customer.name,
        from_name=from_name,
        from_address=(team.email if team and team.email else cfg.from_address),
    )
