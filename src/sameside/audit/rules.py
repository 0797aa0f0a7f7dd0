"""What the audit log writes down, and how a value is kept: pure rules, no database.

A deny-list, not an allow-list: a table a new feature adds is recorded
without anyone remembering to say so. What is left out is bookkeeping the
software does around a person's change (the job queue, the mail outbox,
stored idempotent answers, sign-in sessions, notifications, counters), never
the change itself.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from sameside.kit.errors import Invalid

ACTIONS = ("created", "changed", "deleted")

NOT_RECORDED = frozenset(
    {
        "audit_log",
        "jobs",
        "idempotency_answers",
        "sign_in_sessions",
        "magic_links",
        "address_confirmations",
        "instance_secrets",
        "notifications",
        "mail_inbound",
        "mail_message_refs",
        "mail_outbound",
        "budget_spends",
        "case_previous_owners",
        "coach_advice_events",
        "knowledge_uses",
        "search_documents",
    }
)
"""Tables whose rows are the software's bookkeeping, written alongside a person's change."""

IGNORED_COLUMNS = frozenset(
    {
        "updated_at",
        "seen_at",
        "active_at",
        "last_used_at",
        "last_routed_staff_id",
    }
)
"""Columns that move on their own (heartbeats, touch times, round robin's place): a row whose only change is
one of these is not written down."""

_SECRET = re.compile(r"password|secret|token|digest|hash|salt|(^|_)key$", re.IGNORECASE)
MASK = "(hidden)"
TEXT_LIMIT = 300
"""Characters kept of a long text (a reply, an article): enough to tell which, not a second copy."""
JSON_LIMIT = 2000

Change = dict[str, Any]
"""One column's change: `{"from": before, "to": after}`; either is left out when there is none (created,
deleted) or it was not known (a value set without being read first)."""


def recorded(table: str) -> bool:
    return table not in NOT_RECORDED


def is_secret(column: str) -> bool:
    return bool(_SECRET.search(column))


def kept(column: str, value: Any) -> Any:
    """`value` as the log keeps it: JSON-ready, secrets masked, long text cut short."""
    if value is None:
        return None
    if is_secret(column):
        return MASK
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if len(value) <= TEXT_LIMIT else value[:TEXT_LIMIT] + f"… ({len(value):,} characters)"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"({len(bytes(value)):,} bytes)"
    try:
        text = json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)[:TEXT_LIMIT]
    return json.loads(text) if len(text) <= JSON_LIMIT else f"({len(text):,} characters of data)"


def entity_id(values: list[Any]) -> str:
    """A row's key as text: `12`, or `12/billing` for a key of several columns."""
    return "/".join(str(v.value if isinstance(v, Enum) else v) for v in values)


def check_action(action: str) -> str:
    if action not in ACTIONS:
        raise Invalid(f"action must be one of {', '.join(ACTIONS)}.")
    return action


def describe(table: str) -> str:
    """A table's name as words for the page: `channel_teams` → `channel teams`."""
    return table.replace("_", " ")
