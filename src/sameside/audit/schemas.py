"""The audit log on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sameside.kit.schema import Output


class AuditActorOut(Output):
    staff_id: int
    name: str | None
    """Their name now (None if they are gone from the staff list)."""
    role: str
    """Their role when they acted."""


class AuditEntryOut(Output):
    id: int
    at: datetime
    actor: AuditActorOut
    action: Literal["created", "changed", "deleted"]
    entity: str
    """The kind of thing: the table its rows are in (`teams`, `staff`, `cases`, `saved_replies`…)."""
    entity_id: str
    """Its key as text: `12`, or `12/billing` for a key of several columns (a case's tag)."""
    case_number: int | None
    """The case it belongs to, when it is a case or part of one."""
    changes: dict[str, dict[str, Any]]
    """Column → `{"from": before, "to": after}`. Created rows have only `to`, deleted ones only `from`; a
    `from` is also left out when the value before was never read. Secrets read `(hidden)`; long text is cut."""
    via: str
    """`api` or `desk`."""
    client: str | None
    """The address the request came from."""
    user_agent: str | None
    request_id: str | None


class AuditPageOut(Output):
    items: list[AuditEntryOut]
    next_cursor: str | None
