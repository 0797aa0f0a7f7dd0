"""Proving a customer's addresses: what staff add is confirmed by the customer, and every change is told to them.

Staff may add an address to a customer, but the customer decides whether it
is theirs (docs/auth.md). The new address is `pending` and receives a
confirmation link; the customer's proven addresses receive a notice. Opening
the link verifies the address — from a session the customer opened through
one of their proven identities when they have one, so whoever typed the
address in cannot confirm it by owning its inbox. Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sameside.auth.errors import BadConfirmationLink, SignInToConfirm
from sameside.auth.models import AddressConfirmation
from sameside.customers import service as customers
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.queries import identity_proofs, proven_addresses
from sameside.customers.rules import IdentityKind, Proof, confirmation_needs_sign_in, require_staff_for_identities
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, StaffActor
from sameside.kit.errors import Conflict
from sameside.kit.secrets import digest, new_token
from sameside.mail import outbox

CONFIRM_PATH = "/auth/confirm-address"
"""Where a confirmation link lands (a page with one button: mail scanners open links too)."""


CONFIRMATION_DAYS = 3
"""How long a confirmation link works: long enough to sign in first, and to find the mail after a weekend."""


def add_address(
    session: Session, actor: Actor, customer: Customer, kind: IdentityKind, value: str, *, base_url: str
) -> CustomerIdentity:
    """Add an identity to a customer; a pending email address is sent its confirmation link.

    The customer's proven addresses (the new one aside) are told what was
    added and by whom they can ask, so an address slipped in is noticed.
    """
    identity = customers.add_identity(session, actor, customer, kind, value)
    if identity.kind is IdentityKind.EMAIL and identity.proof is Proof.PENDING:
        send_confirmation(session, customer, identity, base_url=base_url)
    _tell_proven_addresses(
        session,
        customer,
        skip=identity.id,
        subject="An address was added to your account",
        change=f"{_what(identity)} {identity.value} was added to your account by our staff.",
        advice=(
            "It cannot be used to sign in until you confirm it yourself, from the email we sent to it, "
            "while signed in with this address."
            if identity.proof is Proof.PENDING and identity.kind is IdentityKind.EMAIL
            else "If you do not know this address, reply to this email and a person will look into it."
        ),
    )
    return identity


def remove_address(session: Session, actor: Actor, customer: Customer, identity: CustomerIdentity) -> None:
    """Remove an identity; every proven address the customer had, the removed one included, is told."""
    _tell_proven_addresses(
        session,
        customer,
        skip=None,
        subject="An address was removed from your account",
        change=f"{_what(identity)} {identity.value} was removed from your account by our staff.",
        advice="If you did not ask for this, reply to this email and a person will look into it.",
    )
    customers.remove_identity(session, actor, customer, identity)


def send_confirmation(session: Session, customer: Customer, identity: CustomerIdentity, *, base_url: str) -> None:
    """Mail a pending address its single-use confirmation link (again, when staff ask: earlier ones still work)."""
    if identity.kind is not IdentityKind.EMAIL or identity.proof is not Proof.PENDING:
        raise Conflict(f"{identity.value} needs no confirmation: only a pending email address is confirmed.")
    token = new_token()
    session.add(
        AddressConfirmation(
            identity_id=identity.id,
            token_digest=digest(token),
            expires_at=clock.now() + timedelta(days=CONFIRMATION_DAYS),
        )
    )
    session.flush()
    needs_sign_in = confirmation_needs_sign_in(identity_proofs(session, customer.id, besides=identity.id))
    how = (
        "Sign in first with the link we send to the address you already use with us, "
        "then open this link in the same browser"
        if needs_sign_in
        else "Open this link"
    )
    cfg = outbox.config()
    outbox.queue(
        session,
        purpose="address_confirmation",
        envelope=outbox.Envelope(
            to_address=identity.value, to_name=customer.name, from_name=cfg.from_name, from_address=cfg.from_address
        ),
        subject="Is this your address?",
        text=(
            f"Hello {customer.form_of_address or customer.name},\n\n"
            f"our staff added {identity.value} to your account with us. If it is yours, confirm it. "
            f"{how}:\n\n{base_url.rstrip('/')}{CONFIRM_PATH}?token={token}\n\n"
            f"It works once, within the next {CONFIRMATION_DAYS} days. If this is not you, ignore this email: "
            "the address stays unconfirmed and receives no sign-in link."
        ),
        customer_id=customer.id,
        automatic="auto-generated",
        sensitive=True,
        language=customer.language,
    )


def resend_confirmation(
    session: Session, actor: Actor, customer: Customer, identity: CustomerIdentity, *, base_url: str
) -> None:
    """Staff send a pending address its confirmation link again (the first expired, or was lost)."""
    require_staff_for_identities(actor)
    send_confirmation(session, customer, identity, base_url=base_url)


def confirmation_to_open(session: Session, token: str) -> tuple[AddressConfirmation, CustomerIdentity]:
    """The current confirmation behind a token, or BadConfirmationLink (missing, used and expired alike)."""
    row = session.scalar(select(AddressConfirmation).where(AddressConfirmation.token_digest == digest(token)))
    identity = session.get(CustomerIdentity, row.identity_id) if row is not None else None
    if row is None or identity is None or row.used_at is not None or row.expires_at <= clock.now():
        raise BadConfirmationLink("This confirmation link is not valid any more; ask us to send a new one.")
    return row, identity


@dataclass(frozen=True)
class Confirmed:
    customer: Customer
    address: str


def confirm_address(session: Session, token: str, viewer: Actor | None) -> Confirmed:
    """Verify the address a confirmation link was mailed to, once; returns whose it is.

    `viewer` is who has this browser signed in (None: nobody). When the
    customer has another proven identity, only that customer, signed in,
    may confirm (`customers.rules.confirmation_needs_sign_in`); otherwise the
    link's arrival at the address is the proof. The link is spent only on
    success, so a refused attempt can be repeated once signed in.
    """
    row, identity = confirmation_to_open(session, token)
    if confirmation_needs_sign_in(identity_proofs(session, identity.customer_id, besides=identity.id)):
        if isinstance(viewer, StaffActor):
            raise SignInToConfirm(
                "Staff cannot confirm a customer's address: the customer confirms it, signed in as themselves.",
                address=identity.value,
            )
        if not isinstance(viewer, CustomerActor) or viewer.customer_id != identity.customer_id:
            raise SignInToConfirm(
                "To confirm this address, first sign in with the link we send to the address you already use "
                "with us, then open this confirmation link again in the same browser.",
                address=identity.value,
            )
    spent = session.execute(
        update(AddressConfirmation)
        .where(AddressConfirmation.id == row.id, AddressConfirmation.used_at.is_(None))
        .values(used_at=clock.now())
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise BadConfirmationLink("This confirmation link is not valid any more; ask us to send a new one.")
    if identity.proof is Proof.PENDING:
        customers.prove_identity(session, identity)
    customer = session.get(Customer, identity.customer_id)
    assert customer is not None  # FK with ON DELETE CASCADE
    return Confirmed(customer, identity.value)


def _tell_proven_addresses(
    session: Session, customer: Customer, *, skip: int | None, subject: str, change: str, advice: str
) -> None:
    cfg = outbox.config()
    for address in proven_addresses(session, customer.id):
        if address.id == skip:
            continue
        outbox.queue(
            session,
            purpose="address_notice",
            envelope=outbox.Envelope(
                to_address=address.value, to_name=customer.name, from_name=cfg.from_name, from_address=cfg.from_address
            ),
            subject=subject,
            text=f"Hello {customer.form_of_address or customer.name},\n\n{change}\n\n{advice}",
            customer_id=customer.id,
            automatic="auto-generated",
            language=customer.language,
        )


def _what(identity: CustomerIdentity) -> str:
    return {IdentityKind.EMAIL: "The email address", IdentityKind.PHONE: "The phone number"}.get(
        identity.kind, "The chat identity"
    )
