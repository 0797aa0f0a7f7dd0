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
    """`escalation`, `consult_answered`, `consult_overdue`, `callback_missed`…"""
    text: str
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
