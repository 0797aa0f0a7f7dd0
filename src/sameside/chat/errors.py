from __future__ import annotations

from sameside.kit.errors import Conflict, DomainError


class BadConfirmation(DomainError):
    status = 410
    title = "Confirmation link not valid"
    slug = "bad-chat-confirmation"


class AddressNotTheirsYet(Conflict):
    """The visitor owns the address, but nothing yet proves the address is its customer's."""
