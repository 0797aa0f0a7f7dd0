"""Pure rules for idempotency keys: what a valid key is, what identifies a request, and sealing its answer.

A key is scoped to its caller and its operation (method and path): the same
key from another caller, or on another path, is another key. A retry must
carry the same payload, compared by `fingerprint`. Answers are kept for
`KEPT_FOR`.

The stored answer is sealed with a key derived from the Idempotency-Key
(which we never store): SHAKE-256 keyed with it and a random nonce is the
stream XORed over the body, and an HMAC-SHA256 over nonce and ciphertext
says whether it opened right. Each seal has its own nonce, so no stream is
used twice. A database reader without the client's key learns only sizes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import timedelta

from sameside.idempotency.errors import MalformedKey, UnreadableAnswer

KEPT_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255
_NONCE = 16
_TAG = 32


def parse_key(value: str) -> str:
    """The key in an `Idempotency-Key` header: 1 to 255 visible ASCII characters.

    The draft defines the field as a Structured Field string (`"abc"`); keys
    sent bare, as most clients do, are taken as they are.
    """
    key = value.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = _sf_string(key[1:-1])
    if not key:
        raise MalformedKey("Idempotency-Key is empty: send 1 to 255 characters, such as a UUID.")
    if len(key) > MAX_KEY_LENGTH:
        raise MalformedKey(f"Idempotency-Key is {len(key)} characters long; at most {MAX_KEY_LENGTH} are allowed.")
    if any(not " " <= ch <= "~" for ch in key):
        raise MalformedKey("Idempotency-Key may hold only visible ASCII characters and spaces.")
    return key


def _sf_string(inner: str) -> str:
    out: list[str] = []
    chars = iter(inner)
    for ch in chars:
        if ch == '"':
            raise MalformedKey('Idempotency-Key: a quoted key must escape its quotes as \\".')
        if ch != "\\":
            out.append(ch)
            continue
        escaped = next(chars, "")
        if escaped not in ('"', "\\"):
            raise MalformedKey('Idempotency-Key: only \\" and \\\\ are escapes in a quoted key.')
        out.append(escaped)
    return "".join(out)


def fingerprint(payload: bytes, query: str = "") -> str:
    """What a retry must repeat: the body (JSON compared by value, not spacing or key order) and the query."""
    try:
        canonical = json.dumps(json.loads(payload), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:  # not JSON (or not UTF-8): compared byte for byte
        canonical = payload
    return hashlib.sha256(query.encode() + b"\0" + canonical).hexdigest()


@dataclass(frozen=True, slots=True)
class Attempt:
    """One request with a key: who sent it, to what, and with which payload."""

    caller: str
    """Who is asking, such as `staff:12` or `customer:7`."""
    operation: str
    """Method and path, such as `POST /api/v1/cases`."""
    key: str
    fingerprint: str

    @property
    def digest(self) -> str:
        """What identifies the stored answer; the key cannot be recovered from it."""
        return self._hash(b"digest").hex()

    @property
    def lock_id(self) -> int:
        """A signed 64-bit number for this attempt, for PostgreSQL's advisory locks."""
        return int.from_bytes(self._hash(b"lock")[:8], "big", signed=True)

    def seal(self, body: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        secret = self._hash(b"seal")
        sealed = _xor(body, _stream(secret, nonce, len(body)))
        return nonce + hmac.new(secret, nonce + sealed, hashlib.sha256).digest() + sealed

    def unseal(self, stored: bytes) -> bytes:
        nonce, tag, sealed = stored[:_NONCE], stored[_NONCE : _NONCE + _TAG], stored[_NONCE + _TAG :]
        secret = self._hash(b"seal")
        if not hmac.compare_digest(tag, hmac.new(secret, nonce + sealed, hashlib.sha256).digest()):
            raise UnreadableAnswer("The answer stored for this Idempotency-Key cannot be read; use a new key.")
        return _xor(sealed, _stream(secret, nonce, len(sealed)))

    def _hash(self, purpose: bytes) -> bytes:
        parts = (b"sameside.idempotency." + purpose, self.caller.encode(), self.operation.encode(), self.key.encode())
        return hashlib.sha256(b"".join(len(p).to_bytes(4, "big") + p for p in parts)).digest()


def _stream(secret: bytes, nonce: bytes, size: int) -> bytes:
    return hashlib.shake_256(secret + nonce).digest(size)


def _xor(data: bytes, stream: bytes) -> bytes:
    if not data:
        return b""
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")
