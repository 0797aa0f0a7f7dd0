"""Does the database answer, and does it take a write: small probes on connections of their own.

Health checks must not queue behind requests for a pooled connection, nor
behind SQLite's in-process write lock, so the probes have their own engine
(two connections at most: one for each kind of probe) and give up after
`timeout` seconds on their own (SQLite's busy timeout; PostgreSQL's connect,
lock and statement timeouts).
"""

from __future__ import annotations

import math

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL


class Probes:
    def __init__(self, url: URL, timeout: float) -> None:
        self.is_sqlite = url.get_backend_name() == "sqlite"
        self.timeout = timeout
        milliseconds = int(timeout * 1000)
        if self.is_sqlite:
            connect_args: dict[str, object] = {"check_same_thread": False, "isolation_level": None, "timeout": timeout}
        else:
            connect_args = {
                "connect_timeout": max(1, math.ceil(timeout)),
                "options": f"-c lock_timeout={milliseconds} -c statement_timeout={milliseconds}",
            }
        self._engine: Engine = create_engine(
            url,
            pool_size=2,
            max_overflow=0,
            pool_timeout=timeout,
            pool_pre_ping=not self.is_sqlite,
            connect_args=connect_args,
        )

    def answers(self) -> None:
        """A read that reaches the database (on SQLite, its file); raises the driver's error if it cannot."""
        with self._engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master" if self.is_sqlite else "SELECT 1")).scalar()
            conn.rollback()

    def takes_a_write(self) -> None:
        """Take the database's write lock and write something; raises the driver's error if it will not.

        SQLite: `BEGIN IMMEDIATE` (its one write lock) and a table created and
        rolled back, which needs a page of its own (so a database at its size
        limit fails). PostgreSQL: a transaction that is given an id and
        commits, which writes and flushes a commit record (a standby, or a
        database that cannot write its log, fails).
        """
        with self._engine.connect() as conn:
            if self.is_sqlite:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    conn.exec_driver_sql("CREATE TABLE sameside_write_probe (x INTEGER)")
                    conn.exec_driver_sql("INSERT INTO sameside_write_probe VALUES (1)")
                finally:
                    conn.exec_driver_sql("ROLLBACK")
            else:
                conn.execute(text("SELECT txid_current()")).scalar()
                conn.commit()

    def dispose(self) -> None:
        self._engine.dispose()
