"""Unguessable tokens and their storable digests.

A token is shown to its owner once; we keep only its SHA-256 digest, so a
database leak does not leak working credentials. SHA-256 (not a slow hash) is
right here because the tokens carry 256 bits of entropy: there is nothing to
brute-force.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(prefix: str = "") -> str:
    """A fresh URL-safe token with 256 bits of entropy, optionally prefixed (`ss_`)."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The hex SHA-256 digest we store in place of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time string comparison."""
    return hmac.compare_digest(a.encode(), b.encode())
