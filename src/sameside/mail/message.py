"""What parsing a message yields: plain data, shared by the parser, the classifier and the intake."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Address:
    name: str  # display name, decoded, on one line; "" if none
    address: str  # addr-spec, lower-cased; "" if it could not be parsed


@dataclass(slots=True)
class Attachment:
    filename: str  # a bare, safe file name: no directories, no control characters
    content_type: str  # lower-case "type/subtype"
    data: bytes
    content_id: str | None  # without <>
    inline: bool  # Content-Disposition: inline, or referenced by cid: from the HTML


@dataclass(slots=True)
class DeliveryReport:
    action: str  # "failed" | "delayed" | "delivered" | "relayed" | "expanded" | ""
    status: str  # "5.1.1", or "" if unknown
    recipients: list[str]
    original_message_id: str | None
    diagnostic: str


@dataclass(slots=True)
class ParsedMail:
    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    sender: Address | None
    reply_to: Address | None
    to: list[Address]
    cc: list[Address]
    subject: str
    date: datetime | None
    text: str
    html: str | None
    attachments: list[Attachment]
    headers: dict[str, str]
    report_type: str | None
    report: DeliveryReport | None
    defects: list[str] = field(default_factory=list)
    authentication_results: list[str] = field(default_factory=list)
    """Raw `Authentication-Results` values, top first: claims until `authenticity` says whose to believe."""


class MalformedMail(ValueError):
    """The bytes are not usable as an email at all; str(exc) says why."""
