"""Writing the audit log: every row a staff member's request creates, changes or deletes, in its own transaction.

One listener on every ORM session's flush (`install`, from `wiring`). When no
staff member is acting (`audit.context`: customers, mail, the worker, the
command line) it returns at once. Otherwise it reads what the flush wrote from
SQLAlchemy's own bookkeeping — the flush's list of rows and each attribute's
history, already in memory, so no SELECT — and adds one multi-row INSERT to
the same transaction: a rollback takes the log's rows with it, and a commit
cannot keep a change without its entry.

Writes that bypass the ORM (a Core `update(Case)…` claiming a case) are not
seen by the listener; such code calls `record` itself.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import ColumnProperty, InstanceState, Mapper, Session, UOWTransaction

from sameside.audit import context, rules
from sameside.audit.context import Acting
from sameside.audit.models import AuditEntry
from sameside.kit import clock

_TABLE = AuditEntry.metadata.tables[AuditEntry.__tablename__]


def install() -> None:
    """Listen to every session's flushes; once per process, however often it is called."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    case_id: int | None = None,
) -> None:
    """Write one entry for a change made without the ORM (Core INSERT/UPDATE/DELETE), when staff is acting.

    `before` and `after` map column names to values; only the columns whose
    values differ (or that appear on one side only) are kept.
    """
    who = context.acting()
    if who is None or not rules.recorded(entity):
        return
    rules.check_action(action)
    was, now = before or {}, after or {}
    changes: dict[str, rules.Change] = {}
    for column in {**was, **now}:
        if column in rules.IGNORED_COLUMNS or (column in was and column in now and was[column] == now[column]):
            continue
        change: rules.Change = {}
        if column in was:
            change["from"] = rules.kept(column, was[column])
        if column in now:
            change["to"] = rules.kept(column, now[column])
        changes[column] = change
    if not changes and action == "changed":
        return
    key = rules.entity_id(list(entity_id) if isinstance(entity_id, tuple | list) else [entity_id])
    session.execute(insert(_TABLE), [_row(who, clock.now(), action, entity, key, case_id, changes)])


def _after_flush(session: Session, flush: UOWTransaction) -> None:
    who = context.acting()
    if who is None:
        return
    now = clock.now()
    rows = []
    # The flush's own list of rows: what was added or changed, and every DELETE, cascaded orphans included.
    for state, (is_delete, list_only) in list(flush.states.items()):
        if list_only:
            continue
        mapper = state.mapper
        table = mapper.local_table.name
        if not rules.recorded(table):
            continue
        columns = _columns(mapper)
        if is_delete:
            action, changes = "deleted", _values(state, columns, "from")
        elif state.key is None:  # the identity is given after this event: a row this flush inserted
            action, changes = "created", _values(state, columns, "to")
        else:
            action, changes = "changed", _changed(state, columns)
            if not changes:
                continue
        key = rules.entity_id([state.dict.get(k) for k in _primary_key(mapper)])
        case_id = _case_of(state, table)
        rows.append(_row(who, now, action, table, key, case_id, changes))
    if rows:
        session.connection().execute(insert(_TABLE), rows)


def _row(
    who: Acting, at: Any, action: str, entity: str, key: str, case_id: int | None, changes: dict[str, Any]
) -> dict[str, Any]:
    return {
        "at": at,
        "staff_id": who.staff_id,
        "role": who.role,
        "action": action,
        "entity": entity,
        "entity_id": key[:100],
        "case_id": case_id,
        "changes": changes,
        "via": who.via,
        "client": who.client,
        "agent": who.agent,
        "request_id": who.request_id,
    }


@functools.cache
def _columns(mapper: Mapper[Any]) -> tuple[tuple[str, str], ...]:
    """(attribute, column name) of each column a table's rows are recorded by."""
    found = []
    for prop in mapper.column_attrs:
        if isinstance(prop, ColumnProperty) and len(prop.columns) == 1:
            name = prop.columns[0].name
            if name not in rules.IGNORED_COLUMNS:
                found.append((prop.key, name))
    return tuple(found)


@functools.cache
def _primary_key(mapper: Mapper[Any]) -> tuple[str, ...]:
    return tuple(mapper.get_property_by_column(column).key for column in mapper.primary_key)


def _values(state: InstanceState[Any], columns: tuple[tuple[str, str], ...], side: str) -> dict[str, Any]:
    """A created row's values (`to`), or a deleted one's (`from`): those in memory; none is loaded for this."""
    loaded = state.dict
    return {name: {side: rules.kept(name, loaded[key])} for key, name in columns if loaded.get(key) is not None}


def _changed(state: InstanceState[Any], columns: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The columns whose value this flush changed, before and after (before left out when it was never read)."""
    touched = state.committed_state
    changes: dict[str, Any] = {}
    for key, name in columns:
        if key not in touched:
            continue
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        after = history.added[0] if history.added else None
        change: dict[str, Any] = {"to": rules.kept(name, after)}
        if history.deleted:
            if history.deleted[0] == after:
                continue
            change = {"from": rules.kept(name, history.deleted[0]), **change}
        changes[name] = change
    return changes


def _case_of(state: InstanceState[Any], table: str) -> int | None:
    """The case a row belongs to: itself, for a case; its `case_id`, for a part of one."""
    key = "id" if table == "cases" else "case_id"
    value = state.dict.get(key)
    if value is None and key in state.committed_state:
        value = state.committed_state[key]
    return value if isinstance(value, int) and not isinstance(value, bool) else None
