"""What the business's settings must be, and the snapshot everyone reads. Pure: no database here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sameside.kit.errors import Invalid
from sameside.kit.hours import DAYS, Hours, parse_hours, parse_week, week_out, zone_of

LOGO_MAX_BYTES = 512 * 1024
"""A logo larger than this is refused: it is shown small, on every portal page and in the widget."""
LOGO_TYPES = ("image/png", "image/jpeg", "image/webp")
MIN_CONTRAST = 4.5
"""WCAG 2.2 AA for body text: white text on the primary and on the accent colour must reach it."""
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{3,38}$")
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")

Week = dict[str, list[list[str]]]
"""`{"mon": [["09:00", "17:00"]], …}`: a day left out or empty is closed."""


@dataclass(frozen=True)
class Business:
    """The settings as they apply now: stored ones, or the environment's until an admin first saves."""

    week: Week
    timezone: str
    holidays: tuple[tuple[date, str], ...]
    support_phone: str | None
    reply_target_hours: int
    tier_cap_minutes: int
    callback_minutes: int
    chat_greeting: str
    company_name: str | None = None
    primary_colour: str | None = None
    accent_colour: str | None = None
    logo_sha256: str | None = None
    logo_type: str | None = None
    service_targets: dict[str, list[int]] | None = None
    """The default service-level policy per priority (first reply, next reply, resolution, business minutes);
    None: derived from `reply_target_hours`. Checked by `cases.service_levels`, which owns the priorities."""
    stamp: str = ""
    """Empty while nothing is stored."""
    hours: Hours = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", hours_of(self.week, self.timezone, [d for d, _ in self.holidays]))

    @property
    def stored(self) -> bool:
        return bool(self.stamp)

    @property
    def display_name(self) -> str:
        """The name customers see: the company's, or a plain word, never the product's."""
        return self.company_name or "Support"

    @property
    def logo_url(self) -> str | None:
        return f"/brand/logo/{self.logo_sha256}" if self.logo_sha256 else None


def week_from_spec(spec: str, zone: str) -> Week:
    """The environment's `Mon-Fri 09:00-17:00` as a week (`kit.hours` parses and refuses it)."""
    hours = parse_hours(spec, zone)
    return {
        DAYS[day]: [[o.strftime("%H:%M"), c.strftime("%H:%M")] for o, c in sorted(ranges)]
        for day, ranges in sorted(hours.ranges.items())
    }


def check_week(week: Week) -> Week:
    """A week cleaned and checked (`kit.hours.parse_week` says why it is refused); closed days left out."""
    return {day: ranges for day, ranges in week_out(parse_week(week)).items() if ranges}


def hours_of(week: Week, zone: str, holidays: list[date]) -> Hours:
    return Hours({day: list(ranges) for day, ranges in parse_week(week).items()}, zone_of(zone), frozenset(holidays))


def check_number(value: int, what: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise Invalid(f"{what} must be between {low} and {high}.")
    return value


def check_phone(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if not _PHONE.match(value):
        raise Invalid(f"{value!r} is not a phone number (digits, spaces and + ( ) - only).")
    return value


def check_text(value: str, what: str, limit: int, *, required: bool = True) -> str:
    value = " ".join(value.split())
    if required and not value:
        raise Invalid(f"{what} cannot be empty.")
    if len(value) > limit:
        raise Invalid(f"{what} is at most {limit} characters.")
    return value


def check_address(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 254 or not _ADDRESS.match(value):
        raise Invalid(f"{value!r} is not an email address.")
    return value


# ---------------------------------------------------------------- branding


def check_colour(value: str | None, what: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if not _COLOUR.match(value):
        raise Invalid(f"{what}: {value!r} is not a colour like #1f5fbf (a # and six hex digits).")
    return value.lower()


def luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of `#rrggbb`."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def check_palette(primary: str | None, accent: str | None) -> None:
    """Buttons and links carry white text on these colours: each must reach 4.5:1 against white."""
    for colour, what in ((primary, "The primary colour"), (accent, "The accent colour")):
        if colour is None:
            continue
        ratio = contrast_with_white(colour)
        if ratio < MIN_CONTRAST:
            raise Invalid(
                f"{what} {colour} against white text has a contrast of {ratio:.2f}:1; WCAG AA asks for at "
                f"least {MIN_CONTRAST}:1 so everyone can read buttons and links. Choose a darker shade."
            )


def sniff_image(data: bytes) -> str:
    """The type of a logo from its bytes (never its name or the type it was sent with); others refused."""
    if not data:
        raise Invalid("The logo is empty.")
    if len(data) > LOGO_MAX_BYTES:
        raise Invalid(f"The logo is {len(data) // 1024} KB; the most is {LOGO_MAX_BYTES // 1024} KB.")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise Invalid("A logo must be a PNG, JPEG or WebP image (SVG and other files are refused).")


# ---------------------------------------------------------------- IMAP mailboxes

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


def check_mailbox_name(value: str) -> str:
    value = value.strip()
    if not _NAME.match(value):
        raise Invalid(f"{value!r} is not a mailbox name: letters, digits, dots, dashes and underscores, at most 60.")
    return value


def check_host(value: str) -> str:
    value = value.strip().lower()
    if not _HOST.match(value):
        raise Invalid(f"{value!r} is not a host name like imap.example.com.")
    return value


def check_after(value: str) -> str:
    """What is done to a message on the server once stored: `seen`, `delete`, or `move:FOLDER`."""
    value = value.strip()
    if value in ("seen", "delete") or (value.startswith("move:") and value[5:].strip()):
        return value
    raise Invalid(f"{value!r}: after storing, a message is marked seen, deleted, or moved (move:FOLDER).")


def mailbox_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """A mailbox's fields checked, each refusal with its reason (the password is checked where it is kept)."""
    out: dict[str, Any] = {}
    if "host" in fields:
        out["host"] = check_host(fields["host"])
    if "port" in fields:
        out["port"] = check_number(int(fields["port"]), "The port", 1, 65535)
    if "ssl" in fields:
        out["ssl"] = bool(fields["ssl"])
    if "username" in fields:
        out["username"] = check_text(fields["username"], "The user name", 254)
    if "folder" in fields:
        out["folder"] = check_text(fields["folder"] or "INBOX", "The folder", 200)
    if "after" in fields:
        out["after"] = check_after(fields["after"] or "seen")
    return out
