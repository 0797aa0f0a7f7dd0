"""Copying a SQLite database with SQLite's online backup API, while it is being read and written.

`sqlite3.Connection.backup` with every page in one step runs inside a single
read transaction on the source: in WAL mode writers carry on meanwhile, and
the copy is the database exactly as it was when that transaction began — a
commit either made it in whole or not at all. (Copied in several steps, a
write in between would restart the copy; one step never restarts.)
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sameside.backups.errors import BackupError

BUSY_MILLISECONDS = 30_000
"""How long to wait for a lock: the start of the read transaction, or the restore's write."""


def _connect_existing(path: Path) -> sqlite3.Connection:
    """A connection to a database file that must already exist (plain `connect` would make an empty one)."""
    if not path.is_file():
        raise BackupError(f"There is no SQLite database at {path}: check SAMESIDE_DATABASE_URL.")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise BackupError(f"Cannot open the SQLite database at {path}: {error}.") from None
    connection.execute(f"PRAGMA busy_timeout={BUSY_MILLISECONDS}")
    return connection


def snapshot(source: Path, copy: Path) -> None:
    """Copy the live database at `source` to the new file `copy`, consistent as of one moment, as one file."""
    with closing(_connect_existing(source)) as live, closing(sqlite3.connect(copy, isolation_level=None)) as out:
        try:
            live.backup(out)
        except sqlite3.Error as error:
            raise BackupError(f"Copying the SQLite database at {source} failed: {error}.") from None
        out.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file, no -wal beside it
    problem = integrity_problem(copy)
    if problem is not None:
        raise BackupError(f"The copy of {source} fails SQLite's integrity check ({problem}); the backup was not made.")


def integrity_problem(path: Path) -> str | None:
    """None if the database at `path` passes SQLite's integrity and foreign key checks, else the first fault."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        try:
            first = connection.execute("PRAGMA integrity_check").fetchone()
            if first is None or first[0] != "ok":
                return str(first[0]) if first else "no answer"
            broken = connection.execute("PRAGMA foreign_key_check").fetchone()
        except sqlite3.DatabaseError as error:
            return str(error)
    if broken is not None:
        return f"a row of {broken[0]} refers to a missing row of {broken[2]}"
    return None


def check(copy: Path) -> None:
    """Raise unless the database file `copy` (unpacked from a backup) passes SQLite's integrity checks."""
    problem = integrity_problem(copy)
    if problem is not None:
        raise BackupError(
            f"The database in the backup fails SQLite's integrity check ({problem}); nothing was changed."
        )


def replace(target: Path, copy: Path) -> None:
    """Make the database at `target` (created if need be) hold exactly what `copy` (already `check`ed) holds.

    Goes through the backup API into the target's own connection, so SQLite
    takes the target's write lock and keeps its WAL and shared memory right;
    a process with the database open sees the new content at its next
    transaction (stop the server first all the same: its caches and sessions
    belong to the old desk).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(copy, isolation_level=None)) as source,
        closing(sqlite3.connect(target, isolation_level=None)) as destination,
    ):
        destination.execute(f"PRAGMA busy_timeout={BUSY_MILLISECONDS}")
        try:
            source.backup(destination)
        except sqlite3.Error as error:
            raise BackupError(f"Writing the SQLite database at {target} failed: {error}.") from None
        destination.execute("PRAGMA journal_mode=WAL")
