from __future__ import annotations

from sameside.kit.errors import DomainError


class BadConfirmation(DomainError):
    status = 410
    title = "Confirmation link not valid"
    slug = "bad-chat-confirmation"
