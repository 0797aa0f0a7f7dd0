"""The tokens that tie a mail thread to a case, as pure functions.

Two kinds: the Message-IDs we put on everything we send (mail clients quote
them back in In-Reply-To and References), and the token in the subject,
`[#1234-k3x9mq]`, for clients that drop those headers. Both carry a part
nobody can guess; even so, pointing at a case is never enough to join it —
the sender must belong to the case (`intake`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

_KEY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud without confusion
KEY_LENGTH = 6

_TOKEN = re.compile(r"\[#(\d{1,10})(?:-([a-z0-9]{4,16}))?\]", re.IGNORECASE)
_REPLY_PREFIX = re.compile(
    r"^\s*((re|aw|sv|vs|antw|réf|rif|r|fw|fwd|wg|tr|enc|odp|pd)\s*(\[\d+\])?\s*[:：]\s*)+", re.IGNORECASE
)


def new_thread_key() -> str:
    """The secret half of a case's subject token (about 30 bits: a guess is one in a billion)."""
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(KEY_LENGTH))


def new_message_id(domain: str, *, case_id: int | None = None) -> str:
    """A fresh, unguessable Message-ID (without angle brackets)."""
    local = secrets.token_hex(12)
    return f"{local}.c{case_id}@{domain}" if case_id else f"{local}@{domain}"


def subject_token(case_id: int, key: str | None) -> str:
    return f"[#{case_id}-{key}]" if key else f"[#{case_id}]"


@dataclass(frozen=True, slots=True)
class SubjectToken:
    case_id: int
    key: str | None
    """None when the sender typed the number alone."""


def find_subject_tokens(subject: str) -> list[SubjectToken]:
    """Every case token in a subject, in order (a forwarded thread can carry several)."""
    found = []
    for match in _TOKEN.finditer(subject):
        number = int(match.group(1))
        if 0 < number < 2**31:
            found.append(SubjectToken(number, match.group(2).lower() if match.group(2) else None))
    return found


def reply_subject(subject: str, case_id: int, key: str | None) -> str:
    """`Re: <subject> [#1234-key]` — one Re:, one token, whatever the thread piled up."""
    base = _TOKEN.sub("", strip_reply_prefixes(subject)).strip()
    base = " ".join(base.split()) or "Your request"
    return f"Re: {base} {subject_token(case_id, key)}"


def strip_reply_prefixes(subject: str) -> str:
    """`Re: AW: Fwd: x` → `x` (for display and new case subjects)."""
    return _REPLY_PREFIX.sub("", subject).strip()


def normalize_message_id(value: str) -> str:
    """The form we index Message-IDs by: no angle brackets or whitespace."""
    return value.strip().strip("<>").strip()
