"""Request and response shapes for notifications and escalation requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from sameside.kit.schema import Input, Output


class EscalationIn(Input):
    reason: str = Field(default="", max_length=2000)
    """Why someone senior should look. Customers may leave it empty; staff say what they need help with."""


class NotificationOut(Output):
    id: int
    kind: str
    """One of `GET /api/v1/notifications/preferences`' kinds: `assigned`, `transferred`, `consult_answered`,
    `service_level_due` (a breach coming), `escalation`, `callback_missed`…"""
    text: str
    url: str
    """The desk page it is about (a path on this site)."""
    case_number: int | None
    data: dict[str, Any] | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Output):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int
    """How many of your notifications are unread, in all (not just on this page)."""


class ReadAllOut(Output):
    marked: int
    """How many were unread and are now read."""


class NotificationPreferencesIn(Input):
    email_kinds: list[str] = Field(max_length=32)
    """The kinds of notification you also want by email; empty: the desk only."""


class NotificationPreferencesOut(Output):
    email_kinds: list[str]
    """The kinds of notification you also get by email."""
    kinds: dict[str, str]
    """Every kind there is, with its name in the desk."""
