from __future__ import annotations

from datetime import datetime

from sameside.kit.schema import Output
from sameside.mail.models import InboundState


class AttachmentOut(Output):
    id: int
    filename: str
    content_type: str
    size: int
    inline: bool
    url: str
    """A signed download link, valid for a limited time; it always downloads, never renders."""
    preview_url: str | None = None
    """For a PNG, JPEG, GIF or WebP image only: the same link shown inline, for an `<img>` (its bytes are checked
    again when it is served: anything else still downloads)."""


class InboundMailOut(Output):
    id: int
    received_at: datetime
    source: str
    state: InboundState
    kind: str | None
    reason: str | None
    """Why it is quarantined or on no case, in words an admin can act on."""
    envelope_from: str | None
    envelope_to: list[str]
    message_id: str | None
    size: int
    attempts: int
    case_id: int | None


class InboundMailDetail(InboundMailOut):
    headers: dict[str, str]
    """From, To, Cc, Subject and Date as sent (decoded), to recognise the message by."""


class InboundMailPage(Output):
    items: list[InboundMailOut]
    next_cursor: str | None


class ReprocessOut(Output):
    id: int
    state: InboundState
    case_id: int | None
    reason: str | None
