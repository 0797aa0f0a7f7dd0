"""Who wrote a message, as best its headers tell: the address to answer, even when From is broken."""

from __future__ import annotations

import re

from sameside.kit.addresses import normalize_email
from sameside.kit.errors import Invalid
from sameside.mail.parse import ParsedMail

_LOOSE_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def sender_address(raw: bytes, envelope_from: str | None, mail: ParsedMail) -> str | None:
    """Who to answer: From, else Reply-To, else an address written loosely in From, else the envelope.

    Real mail gets From wrong ("From: Big Bug bb@bug.com", two bare addresses);
    a person still wrote it and still deserves an answer.
    """
    candidates = [
        mail.sender.address if mail.sender else "",
        mail.reply_to.address if mail.reply_to else "",
        *_LOOSE_ADDRESS.findall(mail.sender.name if mail.sender else ""),
        *_LOOSE_ADDRESS.findall(_raw_from(raw)),
        envelope_from or "",
        mail.headers.get("return-path", "").strip().strip("<>"),
    ]
    for candidate in candidates:
        try:
            return normalize_email(candidate)
        except Invalid:
            continue
    return None


_RAW_FROM = re.compile(rb"^from:[ \t]*(.{1,998})$", re.IGNORECASE | re.MULTILINE)


def _raw_from(raw: bytes) -> str:
    """The From line as written, for when it is too broken to parse as an address list."""
    match = _RAW_FROM.search(raw[:65536])
    return match.group(1).decode("utf-8", "replace") if match else ""
