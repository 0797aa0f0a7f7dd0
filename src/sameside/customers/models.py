from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sameside.customers.rules import Channel, IdentityKind, Proof, Tier
from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    """Customers whose email is at this domain join the organization when first seen."""
    tier: Mapped[Tier] = mapped_column(str_enum(Tier), default=Tier.STANDARD)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    tier: Mapped[Tier] = mapped_column(str_enum(Tier), default=Tier.STANDARD)
    tier_decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    """The supervisor who last changed the tier (none: never changed, or by the software)."""
    tier_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    # Preferences (P14): honoured by routing and by every outgoing message.
    preferred_channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    language: Mapped[str | None] = mapped_column(String(16))
    """BCP 47 tag such as `en`, `de-CH`."""
    form_of_address: Mapped[str | None] = mapped_column(String(100))
    """How they like to be addressed: "Dr. Okafor", "Sam"."""
    timezone: Mapped[str | None] = mapped_column(String(64))
    contact_window_start: Mapped[str | None] = mapped_column(String(5))
    """Local time "HH:MM" from which non-urgent messages may reach them."""
    contact_window_end: Mapped[str | None] = mapped_column(String(5))
    accessibility_notes: Mapped[str | None] = mapped_column(Text)

    organization: Mapped[Organization | None] = relationship(lazy="raise")
    identities: Mapped[list[CustomerIdentity]] = relationship(
        lazy="raise", back_populates="customer", order_by="CustomerIdentity.id"
    )


# Finding a customer by the start of their name (`customers.lookup`).
Index("ix_customers_name_id", Customer.name, Customer.id)


class CustomerIdentity(Base):
    """One way to recognise a customer: an address, a number, a chat session."""

    __tablename__ = "customer_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[IdentityKind] = mapped_column(str_enum(IdentityKind))
    value: Mapped[str] = mapped_column(String(320))
    """Normalised: lower-case email, digits-only phone."""
    undeliverable_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Mail to this address came back for good (a hard bounce); cleared when they write again."""
    undeliverable_reason: Mapped[str | None] = mapped_column(String(500))
    proof: Mapped[Proof] = mapped_column(str_enum(Proof), default=Proof.CLAIMED, server_default=Proof.CLAIMED.value)
    """How far we know it is theirs (`rules.Proof`): only claimed and verified addresses receive sign-in links."""
    added_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    """The staff member who added it (none: it came from the customer, or from the software)."""
    proven_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When it became verified."""
    vouched_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    """The supervisor who vouched for it, when that is how it was verified."""
    vouch_reason: Mapped[str | None] = mapped_column(Text)
    """Why they vouched, in their words: the record an auditor reads."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    customer: Mapped[Customer] = relationship(lazy="raise", back_populates="identities")

    __table_args__ = (UniqueConstraint("kind", "value"),)
