"""The audit log is never changed: the database refuses UPDATE and DELETE on it (triggers, migration 0025).

`erasing` is the one way past them, for a test emptying its database between
tests and for deliberate maintenance (say, a retention policy run by hand).
The application never calls it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text


@contextmanager
def erasing(connection: Connection) -> Iterator[None]:
    """Inside this block, on this connection's transaction, rows of `audit_log` may be deleted.

    PostgreSQL: `SET LOCAL sameside.audit_erasure = 'on'`, which the trigger
    reads, so it ends with the transaction. SQLite has no such setting: the
    triggers are dropped and made again from their own SQL in one transaction,
    so no other connection ever sees the table unguarded.
    """
    if connection.dialect.name != "sqlite":
        connection.execute(text("SET LOCAL sameside.audit_erasure = 'on'"))
        yield
        return
    if connection.execute(text("SELECT 1 FROM audit_log LIMIT 1")).first() is None:
        yield  # nothing to erase: the triggers stay as they are (dropping them costs every connection a re-read)
        return
    triggers = connection.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
    ).all()
    for name, _ in triggers:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _, sql in triggers:
        connection.execute(text(sql))
