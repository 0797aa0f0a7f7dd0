from __future__ import annotations

from datetime import datetime

from pydantic import Field

from sameside.kit.schema import Input, Output


class SignIn(Input):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class MagicLinkRequest(Input):
    email: str = Field(min_length=1, max_length=320)


class MagicLinkRedeem(Input):
    token: str = Field(min_length=1, max_length=200)


class SignedIn(Output):
    kind: str
    """`staff` or `customer`."""
    id: int
    name: str
    role: str | None = None
    csrf_token: str
    """Send back as the `X-CSRF-Token` header on every unsafe request made with the session cookie."""


class TokenCreate(Input):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(Output):
    id: int
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str
    """Shown once; store it now."""
