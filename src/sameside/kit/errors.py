"""The base of every expected failure.

A domain error carries the HTTP status it maps to, so one handler at the edge
renders every one of them as problem+json; domain code still knows nothing of
HTTP itself.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """An expected failure with a precise, user-presentable message."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    slug: ClassVar[str] = "bad-request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    status = 404
    title = "Not found"
    slug = "not-found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class Unauthenticated(DomainError):
    status = 401
    title = "Authentication required"
    slug = "unauthenticated"


class Conflict(DomainError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class Invalid(DomainError):
    status = 422
    title = "Invalid request"
    slug = "invalid"


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"
    slug = "rate-limited"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after
