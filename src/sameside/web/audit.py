"""The audit log's page, `/desk/admin/audit`: who changed what and when, each value before and after (admins only).

Filters are a plain GET form, so a filtered page is a link an admin can keep
or send; "Older" follows the keyset cursor. A filter that makes no sense (a
date that is not one, a cursor this server did not issue) is said above the
list, with what was asked kept in the form, never a 500. Read-only: the log
offers nothing to change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from sameside.audit import queries, rules
from sameside.audit.models import AuditEntry
from sameside.http.offload import offload
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries
from sameside.web.admin_pages import admin_page, not_admin
from sameside.web.deps import DeskAgent, PageSession

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Query(max_length=100)]
Cursor = Annotated[str, Query(max_length=500)]
PAGE = 200
"""Rows a page reads: a person's step writes a few to a few dozen (`steps`)."""
ACTION_WORDS = {"created": "created", "changed": "changed", "deleted": "deleted"}


@dataclass(frozen=True)
class Line:
    """One column of an entry, as the page shows it: its name, and its value before and after, in words."""

    column: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Shown:
    entry: AuditEntry
    who: str
    what: str
    lines: list[Line]


@dataclass(frozen=True)
class Step:
    """What one request changed: the person's step (a reply, a merge, a saved setting) and each row it wrote."""

    entries: list[Shown]
    summary: list[str]
    """One phrase per kind of change, such as "created timeline entries 81, 82 on case #7"."""

    @property
    def first(self) -> AuditEntry:
        return self.entries[0].entry

    @property
    def who(self) -> str:
        return self.entries[0].who


def steps(shown: list[Shown]) -> list[Step]:
    """The entries as steps: the rows one request wrote, together, newest step first.

    A step cut by the page's end continues on the next page, where it shows again with the rest of its rows.
    """
    grouped: list[list[Shown]] = []
    for item in shown:
        request_id = item.entry.request_id
        if grouped and request_id is not None and grouped[-1][0].entry.request_id == request_id:
            grouped[-1].append(item)
        else:
            grouped.append([item])
    return [Step(items, _summary(items)) for items in grouped]


def _summary(items: list[Shown]) -> list[str]:
    kinds: dict[tuple[str, str], list[AuditEntry]] = {}
    for item in reversed(items):  # the order they were made in
        kinds.setdefault((item.entry.action, item.entry.entity), []).append(item.entry)
    phrases = []
    for (action, entity), rows in kinds.items():
        ids = sorted((r.entity_id for r in rows), key=lambda i: (len(i), i))  # numbers in their order
        shown_ids = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        cases = {r.case_id for r in rows}
        on = f" on case #{next(iter(cases))}" if len(cases) == 1 and None not in cases else ""
        phrases.append(f"{ACTION_WORDS.get(action, action)} {rules.describe(entity)} {shown_ids}{on}")
    return phrases


@router.get("/desk/admin/audit", response_model=None)
@offload
def audit_page(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    staff: Text = "",
    entity: Text = "",
    entity_id: Text = "",
    action: Text = "",
    case: Text = "",
    since: Text = "",
    until: Text = "",
    cursor: Cursor = "",
) -> Response:
    refused = not_admin(request, agent)
    if refused is not None:
        return refused
    asked = {
        "staff": staff,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "case": case,
        "since": since,
        "until": until,
    }
    error: str | None = None
    shown: list[Shown] = []
    older: str | None = None
    try:
        filters = _filters(asked)
        found = queries.entries(session, agent.actor, filters, limit=PAGE, cursor=cursor or None)
        shown = [_shown(row, found.names) for row in found.items]
        if found.next_cursor is not None:
            kept = {k: v for k, v in asked.items() if v}
            older = "/desk/admin/audit?" + urlencode({**kept, "cursor": found.next_cursor})
    except DomainError as problem:
        error = problem.detail
    return admin_page(
        request,
        "desk_audit.html",
        agent,
        "audit",
        status_code=400 if error else 200,
        entries=shown,
        steps=steps(shown),
        asked=asked,
        error=error,
        older=older,
        paged=bool(cursor),
        people=staff_queries.list_staff(session),
        entities=[(name, rules.describe(name)) for name in queries.entities()],
        actions=rules.ACTIONS,
    )


def _filters(asked: dict[str, str]) -> queries.AuditFilter:
    entity = asked["entity"].strip() or None
    if entity is not None and entity not in queries.entities():
        raise Invalid(f"There is no kind of thing called {entity!r} in the log.")
    action = asked["action"].strip() or None
    since, until = _day(asked["since"], "From"), _day(asked["until"], "To")
    return queries.AuditFilter(
        staff_id=_number(asked["staff"], "Who"),
        entity=entity,
        entity_id=asked["entity_id"].strip() or None,
        action=action,
        case_id=_number(asked["case"].strip().lstrip("#"), "Case"),
        since=since,
        until=until + timedelta(days=1) if until else None,  # to the end of that day
    )


def _number(text: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise Invalid(f"{field}: {text!r} is not a number we know.")
    return int(text)


def _day(text: str, field: str) -> datetime | None:
    """A day (`2026-12-05`) as its first moment in UTC, the time the log is kept in."""
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise Invalid(f"{field}: {text!r} is not a date (year-month-day, such as 2026-12-05).") from exc
    return datetime.combine(day, time(0), tzinfo=UTC)


def _shown(row: AuditEntry, names: dict[int, str]) -> Shown:
    who = names.get(row.staff_id, f"staff member {row.staff_id}")
    what = f"{rules.describe(row.entity)} {row.entity_id}"
    lines = [
        Line(column, _words(change, "from"), _words(change, "to"))
        for column, change in sorted(row.changes.items())
        if isinstance(change, dict)
    ]
    return Shown(row, who, what, lines)


def _words(change: dict[str, Any], side: str) -> str | None:
    """A value as the page prints it; None when that side is not there (created, deleted, never read)."""
    if side not in change:
        return None
    value = change[side]
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
