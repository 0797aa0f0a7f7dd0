"""Pure rules about customers: who may see or change them, valid preferences, their contact window."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sameside.kit.actors import Actor, CustomerActor, Role, StaffActor, SystemActor
from sameside.kit.errors import Forbidden, Invalid


class Tier(StrEnum):
    STANDARD = "standard"
    PREMIUM = "premium"
    ENTERPRISE = "enterprise"


class IdentityKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CHAT = "chat"


class Proof(StrEnum):
    """How far we know that an identity is the customer's own (see docs/auth.md).

    `claimed`: it arrived on the customer's own message or request (mail from
    it, a chat or portal request naming it, the address a new customer was
    made with). Mail to it reaches whoever owns it, so sign-in links may go
    there; redeeming one proves it. `verified`: proven — a sign-in link or a
    confirmation link sent to it was opened, or a supervisor vouched for it.
    `pending`: staff added it to a customer we already knew; nothing proves it
    belongs to them, so it receives no sign-in link and places them in no
    organization until it is confirmed.
    """

    CLAIMED = "claimed"
    VERIFIED = "verified"
    PENDING = "pending"


def receives_sign_in_links(kind: IdentityKind, proof: Proof) -> bool:
    """Only an email address the customer claimed or that was proven may be sent a sign-in link."""
    return kind is IdentityKind.EMAIL and proof is not Proof.PENDING


def proof_of_added_identity(actor: Actor) -> Proof:
    """An identity staff add to a known customer is pending; one the software adds (imports, the demo) is claimed."""
    return Proof.CLAIMED if isinstance(actor, SystemActor) else Proof.PENDING


def confirmation_needs_sign_in(other_proofs: list[Proof]) -> bool:
    """Whether confirming a pending address needs the customer signed in through one of their other identities.

    A customer we know by a claimed or verified identity confirms a new
    address only from a session opened through that identity: the mail round
    trip alone would let whoever owns the new address (say, the colleague who
    typed it in) take the account. A customer with nothing proven has no such
    identity; the round trip to the address is then the proof.
    """
    return any(p is not Proof.PENDING for p in other_proofs)


def require_supervisor_to_vouch(actor: Actor) -> None:
    if isinstance(actor, SystemActor):
        return
    if not isinstance(actor, StaffActor) or not actor.at_least(Role.SUPERVISOR):
        raise Forbidden(
            "Only a supervisor may vouch for a customer's address; an agent asks the customer to confirm it."
        )


class Channel(StrEnum):
    """How a customer reaches us, or prefers to be reached."""

    EMAIL = "email"
    PORTAL = "portal"
    CHAT = "chat"
    PHONE = "phone"


TIME_OF_DAY_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
"""Both also stated in the API's schema (`customers.schemas`), so a generated client checks them first."""
_HHMM = re.compile(TIME_OF_DAY_PATTERN)
_LANG = re.compile(LANGUAGE_PATTERN)


def may_see_customer(actor: Actor, customer_id: int) -> bool:
    """Staff see every customer; a customer sees only themselves."""
    if isinstance(actor, (StaffActor, SystemActor)):
        return True
    return isinstance(actor, CustomerActor) and actor.customer_id == customer_id


def require_staff_for_identities(actor: Actor) -> None:
    if not isinstance(actor, (StaffActor, SystemActor)):
        raise Forbidden("Only staff may add a customer's email addresses or phone numbers.")


def require_lead_for_tier(actor: Actor) -> None:
    """A customer's tier weighs in the queue (P9) and their organization opens its shared cases to them:
    both are a supervisor's decision (or an admin's, or the software's own, as when a domain places them)."""
    if isinstance(actor, SystemActor):
        return
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff may change a customer's tier or organization.")
    if not actor.at_least(Role.SUPERVISOR):
        raise Forbidden("A customer's tier and organization are a supervisor's decision; ask yours.")


def check_time_of_day(value: str, field: str) -> str:
    if not _HHMM.fullmatch(value):
        raise Invalid(f"{field} must be a time of day as HH:MM (00:00 to 23:59), not {value!r}.")
    return value


def check_language(value: str) -> str:
    if not _LANG.fullmatch(value) or len(value) > 16:
        raise Invalid(f"{value!r} is not a language tag such as 'en' or 'de-CH'.")
    return value


_ZONES: set[str] | None = None


def check_timezone(value: str) -> str:
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones() | {"UTC"}
    if value not in _ZONES:
        raise Invalid(f"{value!r} is not a known time zone such as 'Europe/Berlin'.")
    return value


def next_contact_time(now: datetime, tz: str | None, start: str | None, end: str | None) -> datetime:
    """The first moment from `now` (aware; UTC out) inside the customer's contact window (P14).

    The window is local "HH:MM" to "HH:MM" in `tz`, and may cross midnight
    (22:00-07:00 for a night worker). `now` itself when it is inside. A
    window we cannot read — no or an unknown time zone, a missing or
    malformed time, start equal to end — restricts nothing: holding a message
    on a guess would be worse than sending it.
    """
    opens, closes, zone = _clock_time(start), _clock_time(end), zone_of(tz)
    if opens is None or closes is None or zone is None or opens == closes:
        return now
    local = now.astimezone(zone)
    at = local.time()
    inside = opens <= at < closes if opens < closes else (at >= opens or at < closes)
    if inside:
        return now
    day = local.date() if at < opens else local.date() + timedelta(days=1)
    # In a spring-forward gap `combine` yields a time the wall clock skips; UTC settles it a little later.
    return datetime.combine(day, opens, zone).astimezone(UTC)


def _clock_time(value: str | None) -> time | None:
    if value is None or not _HHMM.fullmatch(value):
        return None
    return time(int(value[:2]), int(value[3:]))


def zone_of(name: str | None) -> ZoneInfo | None:
    """The customer's time zone, or None when they gave none we know."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
