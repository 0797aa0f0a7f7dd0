"""Engines and sessions for SQLite (embedded) and PostgreSQL (production).

SQLite runs in WAL mode with foreign keys on. It allows one writer at a time,
so write transactions start with `BEGIN IMMEDIATE` (taking the write lock up
front instead of failing to upgrade a read lock mid-transaction) and, inside
one process, queue on a lock rather than spin in SQLite's busy handler.
Several processes still coordinate through SQLite's own lock and busy timeout.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from sameside.kit.events import PENDING_KEY, Event, bus


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # durable across crashes of the app; WAL fsyncs at checkpoint
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA cache_size=-65536")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


class Database:
    """One database: its engine, and sessions for reading and for writing."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "isolation_level": None}
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 20
        else:
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 20
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            # The driver is in autocommit mode; we emit BEGIN ourselves so that
            # write sessions can ask for IMMEDIATE.
            event.listen(self.engine, "begin", _sqlite_begin)
        write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._reader = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self._writer = sessionmaker(write_engine, expire_on_commit=False, autoflush=False)
        self._write_lock = threading.Lock() if self.is_sqlite else None

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """The one place that commits.

        Yields a session; commits when the block ends normally and rolls back
        on any exception. Events published during the block are delivered
        after the commit. Read-only blocks (`write=False`) never commit.
        """
        lock = self._write_lock if write and self._write_lock is not None else nullcontext()
        with lock:
            session = (self._writer if write else self._reader)()
            try:
                yield session
                if write:
                    session.commit()
                else:
                    session.rollback()
            except BaseException:
                session.rollback()
                raise
            finally:
                pending: list[Event] = session.info.pop(PENDING_KEY, [])
                session.close()
        if write and pending:
            bus.deliver(pending)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")
