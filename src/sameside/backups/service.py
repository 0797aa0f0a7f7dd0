"""`backup` and `restore`: the whole desk (database and files) into one archive and back.

A backup takes the database first, as one consistent snapshot, then the blob
store. Blobs are written (and synced) before the row that names them is
committed, and never change once written, so every file the snapshot refers
to is already on disk when the files are copied; later files come along
unreferenced, which is harmless.

A restore checks everything it can before it changes anything: the archive's
format, its kind of database against the configured one, its schema revision
against this code's, whether the configured database already holds a desk,
the client programs, and every member's checksum (unpacked into a staging
folder under the data dir; a SQLite database must pass its integrity check).
Only then are the missing blobs moved into place (first: a file no row names
is harmless, a row naming a missing file is not), the database replaced, and
migrated up if it came from an older Sameside.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from sameside import __version__
from sameside.backups import archive, postgres, sqlite
from sameside.backups.archive import Manifest
from sameside.backups.errors import BackupError
from sameside.config import Settings
from sameside.db import migrate
from sameside.db.engine import Database
from sameside.kit import clock

Say = Callable[[str], None]

HEADLINES = (
    ("cases", "case", "cases"),
    ("timeline_entries", "timeline entry", "timeline entries"),
    ("customers", "customer", "customers"),
    ("staff", "staff member", "staff members"),
    ("attachments", "attachment", "attachments"),
)
"""The tables a summary names, in the words a person uses."""

A_DESK = ("cases", "customers", "staff")
"""A database with a row in any of these holds a desk, which a restore replaces only when forced."""


@dataclass(frozen=True)
class Summary:
    path: Path
    manifest: Manifest
    archive_bytes: int
    migrated_to: str | None = None

    def describe(self, verb: str) -> str:
        """One paragraph: what the archive holds and what was done with it."""
        m = self.manifest
        rows = ", ".join(_count(m.counts.get(table, 0), one, many) for table, one, many in HEADLINES)
        files = f"{_count(m.blob_count, 'file', 'files')} ({_size(m.blob_bytes)})"
        said = (
            f"{verb} {self.path} ({_size(self.archive_bytes)}, {m.database}, schema revision {m.revision}): "
            f"{rows}; {files}."
        )
        if self.migrated_to:
            said += f" Migrated up to revision {self.migrated_to}."
        if m.damaged_blobs:
            said += (
                f" Warning: {_count(len(m.damaged_blobs), 'file', 'files')} on disk no longer matched "
                f"{'its' if len(m.damaged_blobs) == 1 else 'their'} checksum at backup time; a restore leaves "
                f"{'it' if len(m.damaged_blobs) == 1 else 'them'} out (first: {m.damaged_blobs[0]})."
            )
        if m.missing_blobs:
            said += (
                f" Warning: {_count(len(m.missing_blobs), 'file', 'files')} the database refers to "
                f"{'was' if len(m.missing_blobs) == 1 else 'were'} missing from disk at backup time "
                f"(first: {m.missing_blobs[0]})."
            )
        return said


def backup(settings: Settings, destination: Path | None, *, overwrite: bool, say: Say) -> Summary:
    """Write the configured desk to one archive at `destination` (a file, a folder, or None for the data dir's
    `backups/`); never replaces an existing file unless `overwrite`."""
    with _database_errors():
        return _backup(settings, destination, overwrite=overwrite, say=say)


def restore(settings: Settings, source: Path, *, force: bool, say: Say) -> Summary:
    """Replace the configured desk with the one in the archive at `source` (see the module's docstring)."""
    with _database_errors():
        return _restore(settings, source, force=force, say=say)


def _backup(settings: Settings, destination: Path | None, *, overwrite: bool, say: Say) -> Summary:
    url = make_url(settings.database_url)
    path = _destination(settings, destination)
    with archive.writing(path, overwrite=overwrite) as out, _staging(path.parent) as staging:
        if url.get_backend_name() == "sqlite":
            manifest = _copy_sqlite(url, staging, say)
        else:
            manifest = _copy_postgres(url, staging, say)
        out.add_file(staging / manifest.database_member, manifest.database_member)
        blobs = _blob_files(settings.blob_dir)
        manifest.missing_blobs = sorted(set(manifest.missing_blobs) - blobs.keys())
        say(f"Adding {_count(len(blobs), 'file', 'files')} from {settings.blob_dir}…")
        for done, (sha, file) in enumerate(sorted(blobs.items()), start=1):
            if out.add_file(file, f"blobs/{sha[:2]}/{sha[2:4]}/{sha}") != sha:
                manifest.damaged_blobs.append(sha)
            if done % 1000 == 0:
                say(f"  {done} of {len(blobs)} files")
        out.add_manifest(manifest)
    return Summary(path, manifest, path.stat().st_size)


def _restore(settings: Settings, source: Path, *, force: bool, say: Say) -> Summary:
    url = make_url(settings.database_url)
    kind = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql"
    manifest = archive.read_manifest(source)
    if manifest.database != kind:
        raise BackupError(
            f"{source} holds a {_kind_name(manifest.database)} database, but the configured database "
            f"(SAMESIDE_DATABASE_URL) is {_kind_name(kind)}: restore it where a {_kind_name(manifest.database)} "
            "database is configured."
        )
    head = _check_revision(source, manifest)
    restorer = postgres.tool("pg_restore", at_least=_dumped_with(manifest)) if kind == "postgresql" else None
    _check_target(url, force=force)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with _staging(settings.data_dir) as staging:
        say(f"Checking {source} ({_size(source.stat().st_size)})…")
        archive.unpack(source, manifest, staging, _percent(say))
        copy = staging / manifest.database_member
        if restorer is None:
            sqlite.check(copy)
        # Files first: an extra file in a content-addressed store is harmless, a row naming a missing one is not.
        placed, already = _place_blobs(staging / "blobs", settings.blob_dir)
        say(f"Put {_count(placed, 'file', 'files')} in {settings.blob_dir} ({already} there already).")
        say(f"Replacing the database at {url.render_as_string(hide_password=True)}…")
        if restorer is None:
            sqlite.replace(_sqlite_path(url), copy)
        else:
            _drop_tables_not_in(url, manifest)
            postgres.restore(restorer, url, copy)
        migrated_to = None
        if manifest.revision != head:
            say(f"Migrating from revision {manifest.revision} to {head}…")
            database = Database(settings.database_url, pool_size=1)
            try:
                migrate.upgrade(database)
            finally:
                database.dispose()
            migrated_to = head
    return Summary(source, manifest, source.stat().st_size, migrated_to)


# The database copy, with the facts the manifest records from the same snapshot.


def _copy_sqlite(url: URL, staging: Path, say: Say) -> Manifest:
    live = _sqlite_path(url)
    copy = staging / archive.DATABASE_MEMBERS["sqlite"]
    say(f"Copying the SQLite database at {live} (online backup)…")
    sqlite.snapshot(live, copy)
    engine = create_engine(f"sqlite:///{copy}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return _manifest("sqlite", connection, {})
    finally:
        engine.dispose()


def _copy_postgres(url: URL, staging: Path, say: Say) -> Manifest:
    engine = create_engine(url, poolclass=NullPool, isolation_level="REPEATABLE READ")
    try:
        with _connected(engine, url) as connection, connection.begin():
            dumper = postgres.tool("pg_dump", at_least=postgres.server_major(connection))
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            snapshot = str(connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one())
            manifest = _manifest("postgresql", connection, {"pg_dump": dumper.version})
            say(f"Dumping the PostgreSQL database {url.database} with pg_dump {dumper.version}…")
            # pg_dump reads the very snapshot the counts above were taken in, held open until it is done.
            postgres.dump(dumper, url, snapshot, staging / archive.DATABASE_MEMBERS["postgresql"])
            return manifest
    finally:
        engine.dispose()


def _manifest(kind: str, connection: Connection, tools: dict[str, str]) -> Manifest:
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None:
        raise BackupError("The database is not set up yet (no schema revision): there is nothing to back up.")
    tables = [
        t
        for t in inspect(connection).get_table_names()
        if not t.startswith(("sqlite_", *migrate.UNMODELLED)) and t != "alembic_version"
    ]
    counts = {t: _rows(connection, t) for t in sorted(tables)}
    referenced: set[str] = set()
    if "attachments" in tables:
        referenced |= set(connection.exec_driver_sql("SELECT DISTINCT sha256 FROM attachments").scalars())
    if "business_settings" in tables:
        sql = "SELECT logo_sha256 FROM business_settings WHERE logo_sha256 IS NOT NULL"
        referenced |= set(connection.exec_driver_sql(sql).scalars())
    return Manifest(
        created_at=clock.now().isoformat(),
        database=kind,
        app_version=__version__,
        revision=revision,
        counts=counts,
        missing_blobs=sorted(referenced),  # narrowed to those not on disk once the blob store is read
        tools=tools,
    )


def _rows(connection: Connection, name: str) -> int:
    return int(connection.execute(select(func.count()).select_from(table(name))).scalar_one())


# Checks before a restore changes anything.


def _check_revision(source: Path, manifest: Manifest) -> str:
    """This code's head revision; raises if the archive's is newer or unknown to it."""
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    assert head is not None
    known = True
    try:
        known = manifest.revision is not None and scripts.get_revision(manifest.revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"{source} is at schema revision {manifest.revision}, newer than this Sameside {__version__} knows "
            f"(up to {head}): upgrade Sameside to {manifest.app_version} or later, then restore."
        )
    return head


def _check_target(url: URL, *, force: bool) -> None:
    if url.get_backend_name() == "sqlite" and not _sqlite_path(url).exists():
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with _connected(engine, url) as connection:
            tables = set(inspect(connection).get_table_names())
            held = {t: _rows(connection, t) for t in A_DESK if t in tables}
    finally:
        engine.dispose()
    if any(held.values()) and not force:
        what = ", ".join(_count(held.get(table, 0), one, many) for table, one, many in HEADLINES if table in A_DESK)
        raise BackupError(
            f"The configured database already holds a desk ({what}): restoring replaces all of it; "
            "pass --force to do that."
        )


def _dumped_with(manifest: Manifest) -> int | None:
    version = manifest.tools.get("pg_dump", "")
    major = version.split(".", 1)[0]
    return int(major) if major.isdigit() else None


def _drop_tables_not_in(url: URL, manifest: Manifest) -> None:
    """Tables a newer schema made that the archive lacks: dropped, so that migrating up can make them afresh."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with _connected(engine, url) as connection, connection.begin():
            present = inspect(connection).get_table_names()
            for table in present:
                if (
                    table not in manifest.counts
                    and table != "alembic_version"
                    and not table.startswith(migrate.UNMODELLED)
                ):
                    connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    finally:
        engine.dispose()


# Files.


def _blob_files(root: Path) -> dict[str, Path]:
    """Every finished blob under `root` by its SHA-256 (half-written `.incoming-` files left out)."""
    if not root.is_dir():
        return {}
    found: dict[str, Path] = {}
    for path in root.glob("??/??/*"):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and archive.BLOB_MEMBER.match(f"blobs/{relative}"):
            found[path.name] = path
    return found


def _place_blobs(staged: Path, root: Path) -> tuple[int, int]:
    """Move the unpacked blobs into the store; one already there is the same bytes (its name is its hash)."""
    placed = already = 0
    for sha, file in _blob_files(staged).items():
        target = root / sha[:2] / sha[2:4] / sha
        if target.exists():
            already += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(file, target)
        placed += 1
    return placed, already


def _destination(settings: Settings, given: Path | None) -> Path:
    name = f"sameside-{clock.now().strftime('%Y%m%dT%H%M%SZ')}.tar"
    if given is None:
        folder = settings.data_dir / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name
    return given / name if given.is_dir() else given


@contextmanager
def _staging(beside: Path) -> Iterator[Path]:
    """A private folder on the same file system as `beside`, removed afterwards whatever happens."""
    try:
        folder = Path(tempfile.mkdtemp(dir=beside, prefix=".sameside-staging-"))
    except OSError as error:
        raise BackupError(f"Cannot write in {beside}: {error.strerror}.") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database error becomes one line: the driver's own first line says what it was."""
    try:
        yield
    except SQLAlchemyError as error:
        lines = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise BackupError(
            f"The database answered with an error: {lines[0] if lines else type(error).__name__}."
        ) from None


@contextmanager
def _connected(engine: Engine, url: URL) -> Iterator[Connection]:
    try:
        connection = engine.connect()
    except SQLAlchemyError as error:
        first = str(getattr(error, "orig", error)).strip().splitlines()
        raise BackupError(
            f"Cannot connect to the database at {url.render_as_string(hide_password=True)}: "
            f"{first[0] if first else type(error).__name__}."
        ) from None
    with connection:
        yield connection


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("The configured SQLite database is in memory: there is no file to back up or restore.")
    return Path(url.database)


def _percent(say: Say) -> Callable[[int, int], None]:
    shown = [-1]

    def progress(done: int, total: int) -> None:
        tenth = done * 10 // total if total else 10
        if tenth != shown[0]:
            shown[0] = tenth
            say(f"  checked {tenth * 10}%")

    return progress


def _kind_name(kind: str) -> str:
    return "SQLite" if kind == "sqlite" else "PostgreSQL"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            break
    return f"{value:.1f} {unit}"
