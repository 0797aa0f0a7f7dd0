"""Engines and sessions for SQLite (embedded) and PostgreSQL (production).

SQLite runs in WAL mode with foreign keys on. It allows one writer at a time,
so write transactions start with `BEGIN IMMEDIATE` (taking the write lock up
front instead of failing to upgrade a read lock mid-transaction) and, inside
one process, queue on a lock rather than spin in SQLite's busy handler.
Several processes still coordinate through SQLite's own lock and busy timeout.

No lock is ever waited for long on an event loop's thread, where waiting
would stop every other request (health checks included): there a write
waits at most `LOOP_PATIENCE` for either lock, then fails as "database is
locked" (a 503 at the HTTP edge), and for the next `lock_timeout` seconds
`runs_inline` is False, so request work moves to threads, which wait up to
`lock_timeout` like any PostgreSQL session.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from sameside.kit.events import PENDING_KEY, Event, bus

__all__ = ["Database", "Session"]  # routes name the unit of work's session by its type without importing SQLAlchemy


LOOP_PATIENCE = 0.1
"""Seconds an event loop's thread may wait for SQLite's write lock (or ours) before giving up."""


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # durable across crashes of the app; WAL fsyncs at checkpoint
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA cache_size=-65536")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


class Database:
    """One database: its engine, and sessions for reading and for writing."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pool_size: int = 10,
        lock_timeout: float = 5.0,
        statement_timeout: float = 30.0,
        pool_timeout: float = 10.0,
    ) -> None:
        """`lock_timeout`, `statement_timeout` and `pool_timeout` are seconds of waiting before giving up.

        One stuck lock or runaway query must not hold every request: past
        these, a request fails with a database error the HTTP layer answers
        as 503 with Retry-After (PostgreSQL's `lock_timeout` and
        `statement_timeout`; SQLite's busy timeout and our write lock's wait
        are `lock_timeout` too, `LOOP_PATIENCE` on an event loop; the pool's
        wait for a free connection on both). Migrations lift the statement
        timeout for their own connection.
        """
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.lock_timeout = lock_timeout
        self._busy_until = 0.0
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "isolation_level": None}
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 20
            kwargs["pool_timeout"] = pool_timeout
        else:
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 20
            kwargs["pool_pre_ping"] = True
            kwargs["pool_timeout"] = pool_timeout
            options = f"-c lock_timeout={int(lock_timeout * 1000)} -c statement_timeout={int(statement_timeout * 1000)}"
            kwargs["connect_args"] = {"options": options}
        self.engine: Engine = create_engine(self.url, **kwargs)
        self._reader = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self._writer = sessionmaker(
            self.engine.execution_options(sameside_write=True), expire_on_commit=False, autoflush=False
        )
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self._checkpointer: threading.Thread | None = None
        self._stop_checkpointer = threading.Event()
        if self.is_sqlite:
            event.listen(self.engine, "connect", self._sqlite_connect)
            # The driver runs in autocommit mode and we say BEGIN ourselves:
            # deferred for reads, IMMEDIATE (after taking our lock) for writes.
            event.listen(self.engine, "begin", self._sqlite_begin_read)
            event.listen(self._writer, "after_begin", self._sqlite_begin_write)

    @property
    def runs_inline(self) -> bool:
        """May request work run on the event loop now? SQLite, unless a write lately found the database busy."""
        return self.is_sqlite and time.monotonic() >= self._busy_until

    def _patience(self) -> float:
        return LOOP_PATIENCE if _on_event_loop() else self.lock_timeout

    def _noticed_busy(self) -> None:
        self._busy_until = time.monotonic() + self.lock_timeout

    def _wait_at_most(self, connection: Any, seconds: float) -> None:
        """SQLite's busy timeout for this connection's next statements (set only when it changes)."""
        milliseconds = int(seconds * 1000)
        if connection.info.get(_BUSY_KEY) != milliseconds:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={milliseconds}")
            connection.info[_BUSY_KEY] = milliseconds

    def _sqlite_connect(self, dbapi_conn: Any, record: Any) -> None:
        _sqlite_pragmas(dbapi_conn, record)
        dbapi_conn.execute(f"PRAGMA busy_timeout={int(self.lock_timeout * 1000)}")
        record.info[_BUSY_KEY] = int(self.lock_timeout * 1000)
        if self._checkpointer is not None:
            dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")

    def start_checkpointer(self, interval: float = 0.5) -> None:
        """Move WAL checkpoints off the request path (SQLite; a no-op elsewhere).

        By default the commit that crosses 1,000 WAL pages copies them back into
        the database and fsyncs it, and that request waits — a spike of tens to
        hundreds of milliseconds. A server process instead checkpoints from its
        own thread; PASSIVE checkpoints never block readers or the writer.
        Call before the first connection is made.
        """
        if not self.is_sqlite or self._checkpointer is not None or self.url.database in (None, "", ":memory:"):
            return
        database = self.url.database

        def run() -> None:
            conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
            try:
                while not self._stop_checkpointer.wait(interval):
                    try:
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    except sqlite3.Error:
                        continue  # busy or locked: the next round will do
            finally:
                conn.close()

        self._checkpointer = threading.Thread(target=run, name="sqlite-checkpointer", daemon=True)
        self._checkpointer.start()

    def _sqlite_begin_write(self, session: Session, _transaction: Any, connection: Any) -> None:
        """Queue for the write lock, then take SQLite's, before the first statement.

        The lock is taken here, in the thread that runs the work, and released
        by `unit_of_work` when the transaction is over, so nothing ever waits
        for the lock while holding it across a thread hand-off.
        """
        assert self._write_lock is not None
        if _LOCK_KEY in session.info:
            return  # a savepoint inside the transaction that already holds both locks
        patience = self._patience()
        started = time.monotonic()
        if not self._write_lock.acquire(timeout=patience):
            self._noticed_busy()
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        session.info[_LOCK_KEY] = self._write_lock
        try:
            # One budget for both waits: ours in line, then SQLite's for other processes.
            waited = time.monotonic() - started
            self._wait_at_most(connection, patience if waited < 0.01 else max(0.001, patience - waited))
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException as error:
            session.info.pop(_LOCK_KEY).release()
            if isinstance(error, OperationalError) and "locked" in str(error.orig):
                self._noticed_busy()
            raise

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """The one place that commits.

        Yields a session; commits when the block ends normally and rolls back
        on any exception. Events published during the block are delivered
        after the commit. Read-only blocks (`write=False`) never commit.
        Nothing touches the database until the first statement, so entering
        is free; on SQLite a write block holds the process's write lock from
        its first statement to its end.
        """
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
            lock = session.info.pop(_LOCK_KEY, None)
            if lock is not None:
                lock.release()
        if write and pending:
            bus.deliver(pending)

    def dispose(self) -> None:
        self._stop_checkpointer.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=5)
        self.engine.dispose()

    def _sqlite_begin_read(self, conn: Any) -> None:
        if not conn.get_execution_options().get("sameside_write"):
            self._wait_at_most(conn, self._patience())
            conn.exec_driver_sql("BEGIN")


_LOCK_KEY = "sameside.write_lock"
_BUSY_KEY = "sameside.busy_timeout_ms"
