"""`sameside backup` and `sameside restore`, run through the command line as an operator runs them.

A desk (a small demo plus a case with a file) is backed up and restored into
a fresh database of the same kind; the restored desk serves its cases,
customers, timeline and the file's bytes over HTTP. A backup taken by the
installed command, in a process of its own, while a thread keeps writing
restores to a database whose rows match the manifest's counts. Each refusal
is one line, exit code 1, and nothing changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from sameside.app import create_app
from sameside.backups import sqlite as sqlite_backup
from sameside.cases.models import Case, TimelineEntry
from sameside.cli.main import app
from sameside.config import Settings
from sameside.customers.models import Customer
from sameside.db import migrate
from sameside.db.engine import Database
from sameside.demo import seed
from sameside.kit.actors import Role
from sameside.mail.models import Attachment
from tests.factories import Factory
from tests.support import fresh_postgres_database, postgres_problem, unavailable

SAMESIDE = Path(sys.executable).parent / "sameside"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def run(database_url: str, data_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """`sameside ARGS` with this database and data dir, the way the installed command runs it."""
    environment = {"SAMESIDE_DATABASE_URL": database_url, "SAMESIDE_DATA_DIR": str(data_dir), "NO_COLOR": "1"}
    return CliRunner().invoke(app, list(args), env=environment | (env or {}))


def run_installed(database_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`.venv/bin/sameside ARGS` in a process of its own, as an operator's shell or a cron job runs it."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SAMESIDE_")}
    environment |= {"SAMESIDE_DATABASE_URL": database_url, "SAMESIDE_DATA_DIR": str(data_dir), "NO_COLOR": "1"}
    return subprocess.run(
        [str(SAMESIDE), *args], env=environment, capture_output=True, text=True, timeout=300, check=False
    )


def said(result: Result) -> str:
    """What the command printed (stderr, where its messages go), with wrapping undone."""
    return " ".join(result.stderr.split())


def url_of(database: Database) -> str:
    return database.url.render_as_string(hide_password=False)


@contextmanager
def fresh(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a database of `kind` that does not hold anything yet (dropped afterwards on PostgreSQL)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'sameside.db'}"
    else:
        problem = postgres_problem()
        if problem is not None:
            unavailable(f"PostgreSQL is not reachable: {problem}")
        with fresh_postgres_database("sameside_restore") as url:
            yield url


@contextmanager
def opened(url: str) -> Iterator[Database]:
    database = Database(url, pool_size=2)
    try:
        yield database
    finally:
        database.dispose()


def rewritten(archive: Path, change: dict[str, bytes]) -> Path:
    """A copy of `archive` with some members' contents replaced (the manifest kept as it was, unless named)."""
    out = archive.with_name(f"changed-{archive.name}")
    with tarfile.open(archive) as source, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as target:
        for member in source:
            stream = source.extractfile(member)
            assert stream is not None
            data = change.get(member.name, stream.read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


def manifest_of(archive: Path) -> dict[str, object]:
    with tarfile.open(archive) as tar:
        stream = tar.extractfile("manifest.json")
        assert stream is not None
        loaded: dict[str, object] = json.loads(stream.read())
        return loaded


def row_counts(database: Database, tables: list[str]) -> dict[str, int]:
    from sqlalchemy import table

    with database.engine.connect() as connection:
        return {t: connection.execute(select(func.count()).select_from(table(t))).scalar_one() for t in tables}


def test_a_desk_backed_up_and_restored_into_a_fresh_database_serves_its_cases_and_files(
    db: Database, settings: Settings, client: TestClient, make: Factory, tmp_path: Path
) -> None:
    with db.unit_of_work() as session:
        seed.seed_demo(session, cases=8, seed=3)
    agent = make.staff(Role.ADMIN)
    number = make.case(customer=make.customer("ana@example.com"), subject="The parcel with the label").id
    sent = client.post(
        f"/api/v1/cases/{number}/replies/with-files",
        headers=agent.headers,
        data={"body": "The label.", "status": "waiting_on_customer"},
        files=[("files", ("label.png", PNG, "image/png"))],
    )
    assert sent.status_code == 201, sent.text
    with db.unit_of_work(write=False) as session:
        subjects = list(session.scalars(select(Case.subject).order_by(Case.id)))
        timeline = list(session.scalars(select(TimelineEntry.body).order_by(TimelineEntry.id)))
        customers = list(session.scalars(select(Customer.name).order_by(Customer.id)))
    kind = "sqlite" if db.is_sqlite else "postgresql"

    archive = tmp_path / "desk.tar"
    made = run(url_of(db), settings.data_dir, "backup", str(archive))
    assert made.exit_code == 0, made.output
    assert f"Backed up to {archive}" in said(made)
    assert f"{len(subjects)} cases" in said(made) and "1 attachment;" in said(made) and "1 file" in said(made)

    restored_data = tmp_path / "restored-data"
    with fresh(kind, tmp_path) as target_url:
        back = run(target_url, restored_data, "restore", str(archive))
        assert back.exit_code == 0, back.output
        assert f"Restored from {archive}" in said(back)

        with opened(target_url) as target:
            assert migrate.current_revision(target) == migrate.current_revision(db)
            with target.unit_of_work(write=False) as session:
                assert list(session.scalars(select(Case.subject).order_by(Case.id))) == subjects
                assert list(session.scalars(select(TimelineEntry.body).order_by(TimelineEntry.id))) == timeline
                assert list(session.scalars(select(Customer.name).order_by(Customer.id))) == customers
                assert session.scalar(select(func.count()).select_from(Attachment)) == 1

            # The restored desk, served: the agent's token still works and the file downloads, byte for byte.
            restored_settings = Settings(database_url=target_url, base_url="http://testserver", data_dir=restored_data)
            with TestClient(create_app(restored_settings, database=target), raise_server_exceptions=False) as served:
                case = served.get(f"/api/v1/cases/{number}", headers=agent.headers)
                assert case.status_code == 200, case.text
                files = [a for entry in case.json()["timeline"] for a in entry.get("attachments") or []]
                assert [f["filename"] for f in files] == ["label.png"]
                download = served.get(files[0]["url"])
                assert download.status_code == 200 and download.content == PNG


def test_a_backup_taken_while_another_thread_writes_restores_whole(
    db: Database, settings: Settings, make: Factory, tmp_path: Path
) -> None:
    customer = make.customer("busy@example.com")
    for _ in range(3):
        make.case(customer=customer)
    stop = threading.Event()
    written: list[int] = []
    failures: list[BaseException] = []

    def keep_writing() -> None:
        try:
            while not stop.is_set():
                written.append(make.case(customer=customer, subject=f"Write {len(written)}").id)
        except BaseException as error:
            failures.append(error)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 5 and writer.is_alive():
            stop.wait(0.01)
        before = len(written)
        archive = tmp_path / "busy.tar"
        made = run_installed(url_of(db), settings.data_dir, "backup", str(archive))  # another process, as in production
        after = len(written)
        while len(written) < after + 3 and writer.is_alive():  # the writer carried on past the backup's end
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join(30)
    assert not failures, failures
    assert made.returncode == 0, made.stderr
    assert after > before, "the writer should have committed while the backup ran"
    counts = manifest_of(archive)["counts"]
    assert isinstance(counts, dict)
    assert 3 + before <= counts["cases"] <= 3 + after + 1

    with fresh("sqlite" if db.is_sqlite else "postgresql", tmp_path) as target_url:
        back = run(target_url, tmp_path / "restored-data", "restore", str(archive))
        assert back.exit_code == 0, back.output
        with opened(target_url) as target:
            # Every table holds exactly what the manifest counted in the backup's one snapshot.
            assert row_counts(target, list(counts)) == counts
            with target.unit_of_work(write=False) as session:
                cases = session.scalar(select(func.count()).select_from(Case))
                opened_entries = session.scalar(
                    select(func.count(func.distinct(TimelineEntry.case_id))).select_from(TimelineEntry)
                )
            assert cases == opened_entries == counts["cases"]  # no case without its timeline, none half-written
        if target_url.startswith("sqlite"):
            assert sqlite_backup.integrity_problem(Path(target_url.removeprefix("sqlite:///"))) is None


# Refusals: one line, exit code 1, nothing changed. Made on SQLite, where they cost least.


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """A small SQLite desk with one file, and its backup: (database URL, data dir, archive)."""
    url = f"sqlite:///{tmp_path / 'desk' / 'sameside.db'}"
    data_dir = tmp_path / "desk"
    with opened(url) as database:
        migrate.upgrade(database)
        make = Factory(database)
        make.case(customer=make.customer("refusals@example.com"), subject="Refusals")
    (data_dir / "blobs" / "ab" / "cd").mkdir(parents=True)
    blob = data_dir / "blobs" / "ab" / "cd" / "abcd"  # not a blob name: left out
    blob.write_bytes(b"stray")
    from sameside.mail.blobs import BlobStore

    BlobStore(data_dir / "blobs").put(PNG)
    archive = tmp_path / "desk.tar"
    made = run(url, data_dir, "backup", str(archive))
    assert made.exit_code == 0, made.output
    yield url, data_dir, archive


def test_a_backup_never_replaces_a_file_unless_told(desk: tuple[str, Path, Path]) -> None:
    url, data_dir, archive = desk
    before = archive.read_bytes()
    again = run(url, data_dir, "backup", str(archive))
    assert again.exit_code == 1
    assert said(again) == f"error: {archive} already exists: choose another path, or pass --overwrite to replace it."
    assert archive.read_bytes() == before
    replaced = run(url, data_dir, "backup", str(archive), "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert [p.name for p in archive.parent.iterdir() if p.name.endswith(".partial")] == []


def test_a_backup_into_a_folder_gets_a_dated_name(desk: tuple[str, Path, Path], tmp_path: Path) -> None:
    url, data_dir, _ = desk
    folder = tmp_path / "nightly"
    folder.mkdir()
    made = run(url, data_dir, "backup", str(folder))
    assert made.exit_code == 0, made.output
    (written,) = folder.iterdir()
    assert written.name.startswith("sameside-") and written.suffix == ".tar"
    assert manifest_of(written)["database"] == "sqlite"


def test_a_restore_refuses_a_database_that_holds_a_desk_unless_forced(
    desk: tuple[str, Path, Path], tmp_path: Path
) -> None:
    _, _, archive = desk
    url = f"sqlite:///{tmp_path / 'other' / 'sameside.db'}"
    with opened(url) as other:
        migrate.upgrade(other)
        make = Factory(other)
        for _ in range(2):
            make.case(customer=make.customer(), subject="Someone else's desk")
    refused = run(url, tmp_path / "other", "restore", str(archive))
    assert refused.exit_code == 1
    assert said(refused) == (
        "error: The configured database already holds a desk (2 cases, 2 customers, 0 staff members): "
        "restoring replaces all of it; pass --force to do that."
    )
    with opened(url) as other, other.unit_of_work(write=False) as session:
        assert set(session.scalars(select(Case.subject))) == {"Someone else's desk"}

    forced = run(url, tmp_path / "other", "restore", str(archive), "--force")
    assert forced.exit_code == 0, forced.output
    with opened(url) as other, other.unit_of_work(write=False) as session:
        assert list(session.scalars(select(Case.subject))) == ["Refusals"]


def test_a_tampered_archive_is_refused_before_anything_changes(desk: tuple[str, Path, Path], tmp_path: Path) -> None:
    _, _, archive = desk
    manifest = manifest_of(archive)
    members = manifest["members"]
    assert isinstance(members, dict)
    (blob,) = [name for name in members if name.startswith("blobs/")]
    tampered = rewritten(archive, {blob: PNG[:-1] + b"\x00"})
    target = tmp_path / "target"
    refused = run(f"sqlite:///{target / 'sameside.db'}", target, "restore", str(tampered))
    assert refused.exit_code == 1
    assert said(refused).endswith(
        f"error: {tampered} is damaged: {blob} does not match its checksum in the manifest; nothing was changed."
    )
    assert not (target / "sameside.db").exists()
    assert not (target / "blobs").exists()
    assert [p.name for p in target.iterdir()] == []  # the staging folder is gone too

    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_text("just some notes")
    refused = run(f"sqlite:///{target / 'sameside.db'}", target, "restore", str(not_a_backup))
    assert refused.exit_code == 1
    assert said(refused) == f"error: {not_a_backup} is not a Sameside backup (it is not a tar archive)."


def test_an_archive_of_the_other_kind_of_database_is_refused(desk: tuple[str, Path, Path], tmp_path: Path) -> None:
    _, _, archive = desk
    postgres = "postgresql+psycopg://nobody@127.0.0.1:1/nowhere"
    refused = run(postgres, tmp_path / "target", "restore", str(archive))
    assert refused.exit_code == 1
    assert said(refused) == (
        f"error: {archive} holds a SQLite database, but the configured database (SAMESIDE_DATABASE_URL) is "
        "PostgreSQL: restore it where a SQLite database is configured."
    )


def test_an_archive_from_a_newer_sameside_is_refused(desk: tuple[str, Path, Path], tmp_path: Path) -> None:
    _, _, archive = desk
    manifest = manifest_of(archive)
    manifest["revision"] = "9999"
    manifest["app_version"] = "9.0.0"
    newer = rewritten(archive, {"manifest.json": json.dumps(manifest).encode()})
    target = tmp_path / "target"
    refused = run(f"sqlite:///{target / 'sameside.db'}", target, "restore", str(newer))
    assert refused.exit_code == 1
    assert "is at schema revision 9999, newer than this Sameside" in said(refused)
    assert said(refused).endswith("upgrade Sameside to 9.0.0 or later, then restore.")
    assert not (target / "sameside.db").exists()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_archive_from_an_older_schema_is_restored_then_migrated_up(kind: str, tmp_path: Path) -> None:
    with fresh(kind, tmp_path / "old") as old_url, fresh(kind, tmp_path / "new") as new_url:
        with opened(old_url) as old, old.engine.begin() as connection:
            config = migrate.alembic_config(old)
            config.attributes["connection"] = connection
            command.upgrade(config, "0030")
        archive = tmp_path / "old.tar"
        made = run(old_url, tmp_path / "old", "backup", str(archive))
        assert made.exit_code == 0, made.output
        assert manifest_of(archive)["revision"] == "0030"

        back = run(new_url, tmp_path / "new", "restore", str(archive))
        assert back.exit_code == 0, back.output
        scripts = ScriptDirectory.from_config(config)
        head = scripts.get_current_head()
        with opened(new_url) as restored:
            assert migrate.current_revision(restored) == head
        assert f"Migrated up to revision {head}." in said(back)


def test_a_missing_pg_dump_is_named(tmp_path: Path) -> None:
    problem = postgres_problem()
    if problem is not None:
        unavailable(f"PostgreSQL is not reachable: {problem}")
    with fresh_postgres_database("sameside_backup") as url:
        made = run(url, tmp_path, "backup", str(tmp_path / "x.tar"), env={"PATH": str(tmp_path)})
    assert made.exit_code == 1
    assert said(made).startswith("error: pg_dump was not found on PATH: install PostgreSQL's client programs")
    assert not (tmp_path / "x.tar").exists()


def test_an_unset_up_database_has_nothing_to_back_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    (tmp_path / "empty.db").touch()
    made = run(url, tmp_path, "backup", str(tmp_path / "x.tar"))
    assert made.exit_code == 1
    assert said(made).endswith(
        "error: The database is not set up yet (no schema revision): there is nothing to back up."
    )
    assert not (tmp_path / "x.tar").exists()


def test_a_pg_dump_older_than_the_server_is_named(tmp_path: Path) -> None:
    problem = postgres_problem()
    if problem is not None:
        unavailable(f"PostgreSQL is not reachable: {problem}")
    tools = tmp_path / "bin"
    tools.mkdir()
    old = tools / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")  # what an old client says, and all it does
    old.chmod(0o755)
    with fresh_postgres_database("sameside_backup") as url:
        made = run(url, tmp_path, "backup", str(tmp_path / "x.tar"), env={"PATH": str(tools)})
    assert made.exit_code == 1
    assert re.fullmatch(
        rf"error: {re.escape(str(old))} is version 9, older than the PostgreSQL server's \d+: "
        r"install postgresql-client-\d+ \(or newer\) and put its pg_dump first on PATH\.",
        said(made),
    ), said(made)
    assert not (tmp_path / "x.tar").exists()


def test_a_restore_into_a_file_that_is_no_database_says_so(desk: tuple[str, Path, Path], tmp_path: Path) -> None:
    _, _, archive = desk
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"these are someone's notes, not a database " * 20)
    refused = run(f"sqlite:///{junk}", tmp_path / "target", "restore", str(archive))
    assert refused.exit_code == 1
    assert said(refused) == "error: The database answered with an error: file is not a database."
    assert junk.read_bytes() == b"these are someone's notes, not a database " * 20


def test_a_file_damaged_on_disk_is_named_and_never_put_back(desk: tuple[str, Path, Path], tmp_path: Path) -> None:
    url, data_dir, _ = desk
    from sameside.mail.blobs import BlobStore

    store = BlobStore(data_dir / "blobs")
    sha = store.put(b"a contract, signed")
    store.path(sha).write_bytes(b"a contract, signeD")  # a bit flipped on disk
    archive = tmp_path / "with-damage.tar"
    made = run(url, data_dir, "backup", str(archive))
    assert made.exit_code == 0, made.output
    assert (
        "Warning: 1 file on disk no longer matched its checksum at backup time; "
        f"a restore leaves it out (first: {sha})." in said(made)
    )

    target = tmp_path / "target"
    back = run(f"sqlite:///{target / 'sameside.db'}", target, "restore", str(archive))
    assert back.exit_code == 0, back.output
    restored = BlobStore(target / "blobs")
    assert restored.read(hashlib.sha256(PNG).hexdigest()) == PNG
    assert not restored.path(sha).exists()
