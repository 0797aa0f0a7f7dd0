"""Normalising the identities people give us: email addresses and phone numbers."""

from __future__ import annotations

import re

from sameside.kit.errors import Invalid

# Deliberately simple: one @, no whitespace or control characters, a dotted
# domain. Deliverability is the mail server's business; what we must ensure is
# that an address can never smuggle a header (CR/LF) or a second recipient.
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"  # letters or digits at both ends, any script; 63 at most
_EMAIL = re.compile(r"[^\s@<>(),;:\"\[\]\\]{1,64}@" + rf"(?:{_LABEL}\.)+{_LABEL}")
_PHONE_STRIP = re.compile(r"[\s().\-/]")


def normalize_email(value: str) -> str:
    """Lower-case, trimmed address; `Invalid` if it is not a plausible single address."""
    address = value.strip()
    if len(address) > 320 or not all(c.isprintable() for c in address) or not _EMAIL.fullmatch(address):
        raise Invalid(f"{value!r} is not a valid email address.")
    return address.lower()


def normalize_phone(value: str) -> str:
    """Digits with an optional leading +, separators removed (E.164-like, not validated per country)."""
    number = _PHONE_STRIP.sub("", value.strip())
    if number.startswith("00"):
        number = "+" + number[2:]
    digits = number[1:] if number.startswith("+") else number
    if not (digits.isascii() and digits.isdigit()) or not 5 <= len(digits) <= 15:
        raise Invalid(f"{value!r} is not a valid phone number.")
    return number
