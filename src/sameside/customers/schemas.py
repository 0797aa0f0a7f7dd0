from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, field_validator

from sameside.customers.rules import LANGUAGE_PATTERN, TIME_OF_DAY_PATTERN, Channel, IdentityKind, Proof, Tier
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Input, Output, not_null


class IdentityOut(Output):
    id: int
    kind: IdentityKind
    value: str
    proof: Proof
    """`claimed`, `verified`: the customer's own; sign-in links may go there. `pending`: staff added it, unconfirmed."""
    added_by: int | None
    """The staff member who added it, if staff did."""
    vouched_by: int | None
    """The supervisor who vouched for it, if that is how it was verified."""
    vouch_reason: str | None


class OrganizationOut(Output):
    id: int
    name: str
    domain: str | None
    tier: Tier


class Preferences(Output):
    preferred_channel: Channel | None
    language: str | None
    form_of_address: str | None
    timezone: str | None
    contact_window_start: str | None
    contact_window_end: str | None
    accessibility_notes: str | None


class CustomerOut(Output):
    id: int
    name: str
    tier: Tier
    organization: OrganizationOut | None
    identities: list[IdentityOut]
    preferences: Preferences
    created_at: datetime


class CustomerBrief(Output):
    id: int
    name: str


# What `customers.rules` checks, stated in the schema for clients (not checked twice).
LanguageTag = Annotated[str, Field(max_length=16, json_schema_extra={"pattern": LANGUAGE_PATTERN})]
TimeOfDay = Annotated[str, Field(max_length=5, json_schema_extra={"pattern": TIME_OF_DAY_PATTERN})]


class CustomerUpdate(Input):
    """Fields a customer (or staff) may change; omitted fields stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=200, json_schema_extra=not_null)
    preferred_channel: Channel | None = None
    language: LanguageTag | None = Field(default=None, description="A language tag such as `en` or `de-CH`.")
    form_of_address: str | None = Field(default=None, max_length=100)
    timezone: str | None = Field(
        default=None, max_length=64, description="A time zone by its IANA name, such as `Europe/Berlin`."
    )
    contact_window_start: TimeOfDay | None = Field(
        default=None, description="From when they like to be contacted; needs an end and a time zone."
    )
    contact_window_end: TimeOfDay | None = Field(default=None, description="Until when; not the same as the start.")
    accessibility_notes: str | None = Field(default=None, max_length=2000)

    @field_validator("name", check_fields=False)
    @classmethod
    def _named(cls, value: str | None) -> str:
        # Omitted stays as it is; null is refused: a person always has a name we address them by.
        if value is None:
            raise ValueError("a name cannot be null; leave it out to keep the one we have")
        return value


class CustomerStaffUpdate(CustomerUpdate):
    """Staff may also set the tier and organization."""

    tier: Tier | None = Field(default=None, json_schema_extra=not_null)
    organization_id: int | None = Field(default=None, ge=1, le=MAX_ID)

    @field_validator("tier")
    @classmethod
    def _tiered(cls, value: Tier | None) -> Tier:
        if value is None:
            raise ValueError("every customer has a tier: standard, premium or enterprise")
        return value


class IdentityCreate(Input):
    kind: IdentityKind
    value: str = Field(min_length=1, max_length=320)


class OrganizationCreate(Input):
    name: str = Field(min_length=1, max_length=200)
    domain: str | None = Field(default=None, max_length=253)
    tier: Tier = Tier.STANDARD


class Vouch(Input):
    reason: str = Field(min_length=1, max_length=2000)
    """How the supervisor knows the address is the customer's; kept on the record with their name."""
