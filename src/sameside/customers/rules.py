"""Pure rules about customers: who may see or change them, valid preferences."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from sameside.kit.actors import Actor, CustomerActor, StaffActor, SystemActor
from sameside.kit.errors import Forbidden, Invalid

_HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def may_see_customer(actor: Actor, customer_id: int) -> bool:
    """Staff see every customer; a customer sees only themselves."""
    if isinstance(actor, (StaffActor, SystemActor)):
        return True
    return isinstance(actor, CustomerActor) and actor.customer_id == customer_id


def require_staff_for_tier(actor: Actor) -> None:
    if not isinstance(actor, (StaffActor, SystemActor)):
        raise Forbidden("Only staff may change a customer's tier or organization.")


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
