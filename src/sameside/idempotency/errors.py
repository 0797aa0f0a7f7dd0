"""How a request with an `Idempotency-Key` is refused (the IETF draft's statuses)."""

from __future__ import annotations

from sameside.kit.errors import Conflict, DomainError


class MalformedKey(DomainError):
    """Empty, too long or not visible ASCII: a 422 like any other invalid input (the draft names no status)."""

    status = 422
    title = "Malformed Idempotency-Key"
    slug = "idempotency-key-malformed"


class KeyReused(DomainError):
    """The key was first sent with another payload: a client bug, never answered with the first result."""

    status = 422
    title = "Idempotency-Key reused"
    slug = "idempotency-key-reused"


class StillInFlight(Conflict):
    """The first request with this key has not finished: retry shortly to get its answer."""

    title = "Request with this Idempotency-Key in progress"
    slug = "idempotency-key-in-flight"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, retry_after=1)


class UnreadableAnswer(Conflict):
    """The stored answer does not open with this key (it was altered): say so rather than guess."""

    title = "Stored answer unreadable"
    slug = "idempotency-answer-unreadable"
