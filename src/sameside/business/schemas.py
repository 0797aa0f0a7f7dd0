"""The business's settings on the wire: hours and promises, branding, holidays, inbound addresses, mailboxes.

A mailbox's password goes in and never comes out: `MailboxOut` has no such field.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from sameside.kit.schema import Input, Output

Week = dict[str, list[tuple[str, str]]]


class SettingsIn(Input):
    """Hours and promises, replaced as one (as the admin centre's form does)."""

    week: Week = Field(
        description='Opening ranges per weekday, local time: `{"mon": [["09:00", "17:00"]], …}`; a day left out is '
        "closed.",
    )
    timezone: str = Field(min_length=1, max_length=64, description="An IANA time zone, e.g. `Europe/Berlin`.")
    support_phone: str | None = Field(default=None, max_length=40, description="Shown on every portal page.")
    reply_target_hours: int = Field(ge=1, le=24 * 14, description="How soon a customer hears from a person.")
    tier_cap_minutes: int = Field(ge=0, le=24 * 60, description="The most a customer's tier is worth in the queue.")
    callback_minutes: int = Field(ge=5, le=240, description="The length of a booked call.")
    chat_greeting: str = Field(min_length=1, max_length=300, description="The chat widget's first words.")


class BrandingIn(Input):
    company_name: str | None = Field(default=None, max_length=80, description="What customers see; none: Support.")
    primary_colour: str | None = Field(default=None, description="`#rrggbb`; white text must reach 4.5:1 on it.")
    accent_colour: str | None = Field(default=None, description="`#rrggbb`; white text must reach 4.5:1 on it.")


class HolidayIn(Input):
    day: date
    name: str = Field(min_length=1, max_length=80)


class HolidayOut(Output):
    day: date
    name: str


class BusinessOut(Output):
    """The settings as they apply now (`stored`: false while the environment's still apply)."""

    stored: bool
    week: Week
    timezone: str
    holidays: list[HolidayOut]
    support_phone: str | None
    reply_target_hours: int
    tier_cap_minutes: int
    callback_minutes: int
    chat_greeting: str
    company_name: str | None
    display_name: str = Field(description="The name customers see.")
    primary_colour: str | None
    accent_colour: str | None
    logo_url: str | None


class AddressIn(Input):
    address: str = Field(min_length=3, max_length=254)
    team_id: int | None = Field(default=None, ge=1)


class AddressPatch(Input):
    team_id: int | None = Field(ge=1, description="The team its new cases go to; null: the usual routing.")


class AddressOut(Output):
    id: int
    address: str
    team_id: int | None
    team_name: str | None


class MailboxIn(Input):
    name: str = Field(min_length=1, max_length=60, description="Yours to recognise it by; fixed once made.")
    host: str = Field(min_length=1, max_length=253)
    port: int = Field(default=993, ge=1, le=65535)
    ssl: bool = Field(default=True, description="IMAP over TLS (IMAPS).")
    username: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=500, description="Write-only: never sent back.")
    folder: str = Field(default="INBOX", min_length=1, max_length=200)
    after: str = Field(default="seen", max_length=200, description="`seen`, `delete` or `move:FOLDER`.")
    team_id: int | None = Field(default=None, ge=1)


class MailboxPatch(Input):
    """Only what is sent changes; the password only when one is sent."""

    host: str | None = Field(default=None, min_length=1, max_length=253)
    port: int | None = Field(default=None, ge=1, le=65535)
    ssl: bool | None = None
    username: str | None = Field(default=None, min_length=1, max_length=254)
    password: str | None = Field(default=None, min_length=1, max_length=500)
    folder: str | None = Field(default=None, min_length=1, max_length=200)
    after: str | None = Field(default=None, max_length=200)
    team_id: int | None = Field(default=None, ge=1, description="Send null to route by the usual rules.")


class MailboxOut(Output):
    id: int
    name: str
    host: str
    port: int
    ssl: bool
    username: str
    folder: str
    after: str
    team_id: int | None
    team_name: str | None


class ProbeOut(Output):
    ok: bool
    step: str = Field(description="How far it got: `dns`, `connect`, `tls`, `auth`, `folder`, or `ok`.")
    detail: str
    messages: int | None
    tested_at: datetime
