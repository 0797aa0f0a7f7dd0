"""Writes on customers, as named verbs. Never commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sameside.customers import rules
from sameside.customers.errors import IdentityNotFound, IdentityTaken
from sameside.customers.models import Customer, CustomerIdentity, Organization
from sameside.customers.rules import Channel, IdentityKind, Proof, Tier
from sameside.kit import clock
from sameside.kit.actors import Actor, StaffActor
from sameside.kit.addresses import normalize_email, normalize_phone
from sameside.kit.errors import Conflict, Forbidden, Invalid
from sameside.kit.unset import UNSET, Unset
from sameside.staff.rules import require_admin


def normalize_identity(kind: IdentityKind, value: str) -> str:
    if kind is IdentityKind.EMAIL:
        return normalize_email(value)
    if kind is IdentityKind.PHONE:
        return normalize_phone(value)
    value = value.strip()
    if not value or len(value) > 320:
        raise Invalid("A chat identity must be 1 to 320 characters.")
    return value


def find_or_create(
    session: Session, *, kind: IdentityKind, value: str, name: str | None = None
) -> tuple[Customer, bool]:
    """The customer behind an identity, created on first contact. Returns (customer, created).

    Two first contacts from one new address can race on PostgreSQL; the unique
    (kind, value) constraint decides and the loser re-reads the winner's row.
    """
    normalized = normalize_identity(kind, value)
    found = _customer_by_identity(session, kind, normalized)
    if found is not None:
        return found, False
    display = (name or "").strip() or _name_from_identity(kind, normalized)
    customer = Customer(name=display[:200], identities=[CustomerIdentity(kind=kind, value=normalized)])
    if kind is IdentityKind.EMAIL:
        org = session.execute(
            select(Organization.id, Organization.tier).where(Organization.domain == normalized.rpartition("@")[2])
        ).first()
        if org is not None:
            customer.organization_id, customer.tier = org.id, org.tier
    if session.get_bind().dialect.name == "sqlite":
        # Write transactions on SQLite begin IMMEDIATE, so no other writer can
        # slip in between our look-up and this insert: no race to guard.
        session.add(customer)
        session.flush()
        return customer, True
    try:
        with session.begin_nested():
            session.add(customer)
            session.flush()
    except IntegrityError:
        found = _customer_by_identity(session, kind, normalized)
        if found is None:
            raise
        return found, False
    return customer, True


def add_identity(
    session: Session, actor: Actor, customer: Customer, kind: IdentityKind, value: str
) -> CustomerIdentity:
    """Record another identity of a known customer.

    Added by staff it is `pending` (`rules.proof_of_added_identity`): it gets
    no sign-in link and places the customer in no organization until it is
    proven. Telling the customer and mailing the confirmation link is the
    caller's (`auth.addresses.add_address`), which sits above mail.
    """
    rules.require_staff_for_identities(actor)
    normalized = normalize_identity(kind, value)
    owner = _customer_by_identity(session, kind, normalized)
    if owner is not None:
        if owner.id == customer.id:
            raise IdentityTaken(f"{normalized} is already one of this customer's identities.")
        raise IdentityTaken(f"{normalized} already belongs to another customer; merge them instead.")
    identity = CustomerIdentity(
        customer_id=customer.id,
        kind=kind,
        value=normalized,
        proof=rules.proof_of_added_identity(actor),
        added_by=actor.staff_id if isinstance(actor, StaffActor) else None,
    )
    session.add(identity)
    session.flush()
    return identity


def remove_identity(session: Session, actor: Actor, customer: Customer, identity: CustomerIdentity) -> None:
    """Forget one of a customer's identities; their last one stays, or we could not reach them at all."""
    rules.require_staff_for_identities(actor)
    if identity.customer_id != customer.id:
        raise IdentityNotFound(f"This customer has no identity with id {identity.id}.")
    others = session.scalar(
        select(func.count())
        .select_from(CustomerIdentity)
        .where(CustomerIdentity.customer_id == customer.id, CustomerIdentity.id != identity.id)
    )
    if not others:
        raise Conflict(f"{identity.value} is this customer's only identity; add another before removing it.")
    session.delete(identity)
    session.flush()


def prove_identity(
    session: Session, identity: CustomerIdentity, *, vouched_by: int | None = None, reason: str | None = None
) -> CustomerIdentity:
    """Mark an identity verified: its owner opened a link mailed to it, or a supervisor vouched (who and why kept).

    A proven email address on an organization's domain places a customer who
    is in no organization yet in that one, as their first address would have;
    one already placed stays where a supervisor or their first address put them.
    """
    if identity.proof is not Proof.VERIFIED:
        identity.proof = Proof.VERIFIED
        identity.proven_at = clock.now()
        identity.vouched_by = vouched_by
        identity.vouch_reason = reason
    if identity.kind is IdentityKind.EMAIL:
        customer = session.get(Customer, identity.customer_id)
        assert customer is not None  # an identity's customer is its FK, ON DELETE CASCADE
        if customer.organization_id is None:
            org = session.scalar(select(Organization).where(Organization.domain == identity.value.rpartition("@")[2]))
            if org is not None:
                customer.organization_id = org.id
                if customer.tier_decided_at is None:  # a supervisor's own call on the tier stands
                    customer.tier = org.tier
    session.flush()
    return identity


def vouch_for_identity(
    session: Session, actor: Actor, customer: Customer, identity: CustomerIdentity, reason: str
) -> CustomerIdentity:
    """A supervisor verifies a pending identity on their word, recorded with who and why."""
    rules.require_supervisor_to_vouch(actor)
    if identity.customer_id != customer.id:
        raise IdentityNotFound(f"This customer has no identity with id {identity.id}.")
    why = " ".join(reason.split())
    if not why:
        raise Invalid("Say why you vouch for this address (how you know it is theirs); it is kept on the record.")
    if identity.proof is not Proof.PENDING:
        raise Conflict(f"{identity.value} needs no vouching: it is already {identity.proof.value}.")
    return prove_identity(
        session, identity, vouched_by=actor.staff_id if isinstance(actor, StaffActor) else None, reason=why[:2000]
    )


@dataclass
class PreferenceChanges:
    """What a preferences update may change; fields left UNSET stay as they are."""

    name: str | Unset = UNSET
    preferred_channel: Channel | Unset | None = UNSET
    language: str | Unset | None = UNSET
    form_of_address: str | Unset | None = UNSET
    timezone: str | Unset | None = UNSET
    contact_window_start: str | Unset | None = UNSET
    contact_window_end: str | Unset | None = UNSET
    accessibility_notes: str | Unset | None = UNSET
    tier: Tier | Unset = UNSET
    organization_id: int | Unset | None = UNSET


def update_customer(session: Session, actor: Actor, customer: Customer, changes: PreferenceChanges) -> Customer:
    """Apply preference changes. Customers change their own; only staff set tier and organization."""
    if not rules.may_see_customer(actor, customer.id):
        raise Forbidden("You may not change this customer.")
    if changes.tier is not UNSET or changes.organization_id is not UNSET:
        rules.require_lead_for_tier(actor)
    if changes.name is not UNSET:
        name = (changes.name or "").strip()
        if not name:
            raise Invalid("A name cannot be empty.")
        customer.name = name[:200]
    if changes.preferred_channel is not UNSET:
        customer.preferred_channel = changes.preferred_channel
    if changes.language is not UNSET:
        customer.language = rules.check_language(changes.language) if changes.language else None
    if changes.form_of_address is not UNSET:
        customer.form_of_address = (changes.form_of_address or "").strip()[:100] or None
    if changes.timezone is not UNSET:
        customer.timezone = rules.check_timezone(changes.timezone) if changes.timezone else None
    if changes.contact_window_start is not UNSET:
        customer.contact_window_start = (
            rules.check_time_of_day(changes.contact_window_start, "contact_window_start")
            if changes.contact_window_start
            else None
        )
    if changes.contact_window_end is not UNSET:
        customer.contact_window_end = (
            rules.check_time_of_day(changes.contact_window_end, "contact_window_end")
            if changes.contact_window_end
            else None
        )
    if (customer.contact_window_start is None) != (customer.contact_window_end is None):
        raise Invalid("A contact window needs both a start and an end.")
    if customer.contact_window_start is not None and customer.timezone is None:
        # Without it "18:00" could mean any hour of their day, and the window would be ignored.
        raise Invalid("A contact window needs a time zone, so we know when its hours are for them.")
    if customer.contact_window_start is not None and customer.contact_window_start == customer.contact_window_end:
        raise Invalid("A contact window needs an end different from its start.")
    if changes.accessibility_notes is not UNSET:
        customer.accessibility_notes = (changes.accessibility_notes or "").strip() or None
    if changes.tier is not UNSET:
        if changes.tier is None:
            raise Invalid("Choose a tier: standard, premium or enterprise.")
        if changes.tier is not customer.tier:
            customer.tier = changes.tier
            # Who decided, and when: a tier changes how long this customer waits, so it is never anonymous.
            customer.tier_decided_by = actor.staff_id if isinstance(actor, StaffActor) else None
            customer.tier_decided_at = clock.now()
    if changes.organization_id is not UNSET:
        if changes.organization_id is not None and session.get(Organization, changes.organization_id) is None:
            raise Invalid(f"There is no organization with id {changes.organization_id}.")
        customer.organization_id = changes.organization_id
    session.flush()
    return customer


def create_organization(
    session: Session, actor: Actor, *, name: str, domain: str | None = None, tier: Tier = Tier.STANDARD
) -> Organization:
    require_admin(actor)  # an organization's tier weighs in the queue (P9): an admin's call
    normalized = domain.strip().lower() if domain else None
    if normalized:
        taken = session.scalar(select(Organization).where(Organization.domain == normalized))
        if taken is not None:
            # One domain, one organization: customers join by their address's domain, so two would be a coin toss.
            raise Conflict(f"The organization {taken.name!r} already has the domain {normalized}.")
    org = Organization(name=name.strip()[:200], domain=normalized or None, tier=tier)
    session.add(org)
    session.flush()
    return org


def _customer_by_identity(session: Session, kind: IdentityKind, normalized: str) -> Customer | None:
    return session.scalar(
        select(Customer)
        .join(CustomerIdentity, CustomerIdentity.customer_id == Customer.id)
        .where(CustomerIdentity.kind == kind, CustomerIdentity.value == normalized)
    )


def _name_from_identity(kind: IdentityKind, normalized: str) -> str:
    if kind is IdentityKind.EMAIL:
        return normalized.partition("@")[0]
    return normalized
