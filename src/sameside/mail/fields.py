"""Addresses, Message-IDs and dates out of raw header values, as real mail writes them."""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime

from sameside.mail.charsets import ENCODED_WORD, decode_header_value, one_line
from sameside.mail.message import Address

ADDR_SPEC = re.compile(r"[^\s@<>(),;:\"\[\]\\]{1,64}@[^\s@<>(),;:\"\[\]\\]{1,255}")
_MSG_ID = re.compile(r"<([^<>]*)>")
_PLACEHOLDER = re.compile(r"qqew(\d+)wq")
# One plain address, "Name <addr>", or '"Name" <addr>': most headers, parsed without email.utils.
_SIMPLE_ADDRESS = re.compile(
    r'\s*(?:(?:"([^"\\]*)"|([^"\\,<>()@:;=]*?))\s*<([^<>\s,;:"()\\]+@[^<>\s,;:"()\\]+)>'
    r'|([^<>\s,;:"()\\]+@[^<>\s,;:"()\\]+))\s*'
)


def addresses(headers: dict[str, list[str]], name: str) -> list[Address]:
    """Addresses of a header, display names decoded only after parsing.

    Encoded words are swapped for plain placeholders while the address list is
    parsed, so a decoded comma, colon or "<x@y>" inside a name can never become
    an address (and an encoded word holding "@" or ":" cannot confuse the parser).
    """
    words: list[str] = []

    def hide(match: re.Match[str]) -> str:
        words.append(match.group(0))
        return f"qqew{len(words) - 1}wq"

    raw_values = headers.get(name, [])
    if len(raw_values) == 1 and (simple := _SIMPLE_ADDRESS.fullmatch(raw_values[0])):
        item = _address(simple.group(1) or simple.group(2) or "", simple.group(3) or simple.group(4))
        return [item] if item.name or item.address else []
    values = [ENCODED_WORD.sub(hide, value) if "=?" in value else value for value in raw_values]
    found: list[Address] = []
    for hidden, address in email.utils.getaddresses(values):
        display = _PLACEHOLDER.sub(lambda m: words[int(m.group(1))], hidden) if words else hidden
        item = _address(display, address)
        if item.name or item.address:
            found.append(item)
    return found


def first_address(headers: dict[str, list[str]], name: str) -> Address | None:
    if name not in headers:
        return None
    found = addresses({name: headers[name][:1]}, name)
    return found[0] if found else None


def _address(display: str, address: str) -> Address:
    address = address.strip().strip("<>").strip().lower()
    if not ADDR_SPEC.fullmatch(address):
        address = ""
    return Address(name=one_line(decode_header_value(display)).strip("\"' "), address=address)


def message_ids(values: list[str] | None) -> list[str]:
    ids: list[str] = []
    for value in values or ():
        found = _MSG_ID.findall(value) or value.replace(",", " ").split()
        for candidate in found:
            cleaned = "".join(candidate.split()).strip("<>")
            if cleaned and cleaned not in ids and cleaned.isprintable():
                ids.append(cleaned)
    return ids


def first_message_id(values: list[str] | None) -> str | None:
    ids = message_ids(values[:1] if values else None)
    return ids[0] if ids else None


def parse_date(values: list[str] | None, defects: list[str]) -> datetime | None:
    if not values or not values[0].strip():
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(values[0])
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.append(f"unreadable Date header {one_line(values[0])[:80]!r}")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # "-0000": the zone is unknown, UTC is the honest guess
    return parsed.astimezone(UTC)


# -- MIME body --------------------------------------------------------------------------------
