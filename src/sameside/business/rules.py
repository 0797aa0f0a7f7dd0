"""What the business's settings must be, and the snapshot everyone reads. Pure: no database here."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sameside.kit.errors import Invalid
from sameside.kit.hours import DAYS, Hours, parse_hours

DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
LOGO_MAX_BYTES = 512 * 1024
"""A logo larger than this is refused: it is shown small, on every portal page and in the widget."""
LOGO_TYPES = ("image/png", "image/jpeg", "image/webp")
MIN_CONTRAST = 4.5
"""WCAG 2.2 AA for body text: white text on the primary and on the accent colour must reach it."""
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
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


def zone_of(name: str) -> ZoneInfo:
    try:
        if not name or len(name) > 64:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(f"{name!r} is not a time zone (write one like Europe/Berlin).") from exc


def _clock(value: str, what: str) -> time:
    match = _CLOCK.match(value.strip())
    if not match:
        raise Invalid(f"{what}: {value!r} is not a time like 09:00.")
    return time(int(match.group(1)), int(match.group(2)))


def check_week(week: Week) -> Week:
    """A week cleaned and checked: known days, times like 09:00, opening before closing, no overlap."""
    cleaned: Week = {}
    for name, ranges in week.items():
        key = name.strip().lower()[:3]
        if key not in DAYS:
            raise Invalid(f"{name!r} is not a weekday (mon … sun).")
        pairs: list[tuple[time, time]] = []
        for pair in ranges:
            if len(pair) != 2:
                raise Invalid(f"{DAY_NAMES[key]}: each range is an opening and a closing time.")
            opens, closes = _clock(pair[0], f"{DAY_NAMES[key]} opens"), _clock(pair[1], f"{DAY_NAMES[key]} closes")
            if opens >= closes:
                raise Invalid(f"{DAY_NAMES[key]}: opening ({pair[0]}) must come before closing ({pair[1]}).")
            pairs.append((opens, closes))
        pairs.sort()
        if any(b[0] < a[1] for a, b in itertools.pairwise(pairs)):
            raise Invalid(f"{DAY_NAMES[key]}: the opening ranges overlap.")
        if pairs:
            cleaned[key] = [[o.strftime("%H:%M"), c.strftime("%H:%M")] for o, c in pairs]
    if not cleaned:
        raise Invalid("Open at least one day a week: with no business hours, nothing could ever fall due.")
    return {day: cleaned[day] for day in DAYS if day in cleaned}


def hours_of(week: Week, zone: str, holidays: list[date]) -> Hours:
    ranges = {
        DAYS.index(day): [(_clock(o, day), _clock(c, day)) for o, c in pairs] for day, pairs in week.items() if pairs
    }
    return Hours(ranges, zone_of(zone), frozenset(holidays))


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
