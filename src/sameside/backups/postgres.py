"""Copying a PostgreSQL database with `pg_dump --format=custom`, and putting it back with `pg_restore`.

The programs are PostgreSQL's own client tools, found on PATH. `pg_dump`
refuses to dump a server of a newer major version than its own, and says so
in a paragraph; we check first and say it in one line. The connection goes to
them through libpq's environment variables (`PGHOST`, `PGPASSWORD`…), never on
the command line, where every user of the machine could read the password.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.engine import URL

from sameside.backups.errors import BackupError

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Tool:
    path: str
    version: str
    major: int


def tool(name: str, *, at_least: int | None = None) -> Tool:
    """`pg_dump` or `pg_restore` from PATH, with its version; `at_least`: the oldest major version that will do."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH: install PostgreSQL's client programs "
            f"(Debian and Ubuntu: postgresql-client{f'-{at_least}' if at_least else ''}) and try again."
        )
    try:
        said = subprocess.run(  # noqa: S603  (our own fixed arguments to a program found on PATH)
            [found, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise BackupError(f"{found} --version failed: {error}.") from None
    match = _VERSION.search(said)
    if match is None:
        raise BackupError(f"{found} did not say which version it is (it said {said.strip()!r}).")
    major = int(match.group(1))
    if at_least is not None and major < at_least:
        raise BackupError(
            f"{found} is version {major}, older than the PostgreSQL server's {at_least}: "
            f"install postgresql-client-{at_least} (or newer) and put its {name} first on PATH."
        )
    return Tool(found, match.group(0).removeprefix("(PostgreSQL)").strip(), major)


def server_major(connection: Connection) -> int:
    number = connection.exec_driver_sql("SHOW server_version_num").scalar_one()
    return int(number) // 10000


def libpq_environment(url: URL) -> dict[str, str]:
    """The process environment plus libpq's variables for `url` (host, port, user, password, database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    query = {k: v if isinstance(v, str) else v[0] for k, v in url.query.items()}
    values = {
        "PGHOST": url.host or query.pop("host", None),
        "PGPORT": str(url.port) if url.port else query.pop("port", None),
        "PGUSER": url.username or query.pop("user", None),
        "PGPASSWORD": url.password if isinstance(url.password, str) else None,
        "PGDATABASE": url.database,
        "PGSSLMODE": query.get("sslmode"),
        "PGAPPNAME": "sameside-backup",
        "PGCONNECT_TIMEOUT": "10",
    }
    env.update({k: v for k, v in values.items() if v})
    return env


def _run(program: Tool, arguments: list[str], url: URL, what: str) -> None:
    try:
        finished = subprocess.run(  # noqa: S603  (arguments are ours; the connection travels in the environment)
            [program.path, *arguments], env=libpq_environment(url), capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise BackupError(f"{program.path} could not be run: {error}.") from None
    if finished.returncode != 0:
        lines = [line for line in finished.stderr.splitlines() if line.strip()]
        detail = next((line for line in lines if "error" in line.lower()), lines[0] if lines else "no message")
        raise BackupError(
            f"{what} failed ({Path(program.path).name} exited with {finished.returncode}): {detail.strip()}"
        )


def dump(program: Tool, url: URL, snapshot: str, out: Path) -> None:
    """Dump the database at `url` to `out` as it was in the exported `snapshot` (still held open by the caller)."""
    arguments = ["--format=custom", f"--snapshot={snapshot}", "--no-password", f"--file={out}"]
    _run(program, arguments, url, "pg_dump")


def restore(program: Tool, url: URL, dump_file: Path) -> None:
    """Replace what `dump_file` holds in the database at `url`, in one transaction: all of it or nothing."""
    arguments = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password"]
    _run(program, [*arguments, f"--dbname={url.database}", str(dump_file)], url, "pg_restore")
