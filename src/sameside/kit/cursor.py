"""Opaque keyset-pagination cursors.

A cursor is the sort key of the last row a client saw, so the next page is a
range scan on an index — no OFFSET, no COUNT. Cursors are base64url JSON; they
are not secret (they carry values the client was already shown) but they are
validated, so a tampered cursor is a 400, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sameside.kit.errors import DomainError
from sameside.kit.ids import MAX_ID


class BadCursor(DomainError):
    title = "Invalid cursor"
    slug = "invalid-cursor"


def encode(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode(cursor: str, shape: tuple[type, ...]) -> list[Any]:
    """Decode `cursor` and check that it holds values of `shape`, in order."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError) as exc:
        raise BadCursor("The cursor is not one this server issued.") from exc
    if not isinstance(values, list) or len(values) != len(shape):
        raise BadCursor("The cursor is not one this server issued.")
    for value, kind in zip(values, shape, strict=True):
        if not isinstance(value, kind) or isinstance(value, bool):
            raise BadCursor("The cursor is not one this server issued.")
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            raise BadCursor("The cursor is not one this server issued.")
        if isinstance(value, str) and len(value) > 64:
            raise BadCursor("The cursor is not one this server issued.")
    return values
