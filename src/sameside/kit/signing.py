"""Signed, expiring links: the link itself is the permission, for a short while.

The signature is an HMAC-SHA256 over what the link grants and until when,
compared in constant time; a changed id or a later expiry breaks it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime


def sign(key: bytes, purpose: str, subject: int | str, expires: int) -> str:
    message = f"{purpose}:{subject}:{expires}".encode()
    mac = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def valid(key: bytes, purpose: str, subject: int | str, expires: int, signature: str, *, now: datetime) -> bool:
    if expires < int(now.timestamp()):
        return False
    # Compared as bytes: a signature anyone can type may hold characters no real one has.
    return hmac.compare_digest(sign(key, purpose, subject, expires).encode(), signature.encode("utf-8", "replace"))
