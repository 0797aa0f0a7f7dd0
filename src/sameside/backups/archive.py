"""The backup file: a plain tar of the database, the blobs and a manifest that vouches for each of them.

```
database.sqlite3 | database.pgdump   the database (SQLite file, or pg_dump's custom format)
blobs/ab/cd/abcd…                    every file of the blob store, at the path it has under blobs/
manifest.json                        written last: what the archive is, and the SHA-256 of every other member
```

The archive is written to a temporary file beside its destination, synced,
then linked into place, so a crash leaves either the whole archive or none,
and an existing file is only ever replaced when the caller says so. Reading
checks everything before anything is handed back: the manifest's format,
every member's size and checksum, and that no member is missing, extra, or
named outside the archive's own layout.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from sameside.backups.errors import BackupError
from sameside.kit import clock

FORMAT = "sameside-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
BLOB_MEMBER = re.compile(r"^blobs/([0-9a-f]{2})/([0-9a-f]{2})/(\1\2[0-9a-f]{60})$")
_CHUNK = 1024 * 1024


@dataclass
class Manifest:
    """What an archive holds, as `manifest.json` says it."""

    created_at: str
    """ISO 8601, UTC."""
    database: str
    """`sqlite` or `postgresql`."""
    app_version: str
    revision: str | None
    """The Alembic revision the database was at."""
    counts: dict[str, int]
    """Rows per table, in the same snapshot as the database copy."""
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Every other member's `size` and `sha256`."""
    missing_blobs: list[str] = field(default_factory=list)
    """Files the database refers to that were not on disk when the backup was made."""
    damaged_blobs: list[str] = field(default_factory=list)
    """Files whose bytes no longer matched their name (their hash) on disk: archived as found, never put back."""
    tools: dict[str, str] = field(default_factory=dict)
    """Versions of the programs that made the copy (`pg_dump`)."""
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.database]

    @property
    def blob_count(self) -> int:
        return sum(1 for name in self.members if name.startswith("blobs/"))

    @property
    def blob_bytes(self) -> int:
        return sum(int(m["size"]) for name, m in self.members.items() if name.startswith("blobs/"))


class _Hashing:
    """A file read through: counts and hashes what tarfile reads from it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


class Writer:
    """Adds members to an open archive and remembers their checksums for the manifest."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self._tar = tar
        self.members: dict[str, dict[str, Any]] = {}

    def add_file(self, source: Path, name: str) -> str:
        """Add `source` as `name`; returns the SHA-256 of the bytes that went in."""
        stat = source.stat()
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o644
        with source.open("rb") as raw:
            reader = _Hashing(raw)
            self._tar.addfile(info, reader)  # tarfile only calls read()
        if reader.size != stat.st_size:
            raise BackupError(f"{source} changed size while it was being copied; run the backup again.")
        self.members[name] = {"size": reader.size, "sha256": reader.sha.hexdigest()}
        return reader.sha.hexdigest()

    def add_manifest(self, manifest: Manifest) -> None:
        manifest.members = dict(self.members)
        data = json.dumps(asdict(manifest), indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(clock.now().timestamp())
        info.mode = 0o644
        with tempfile.SpooledTemporaryFile() as buffer:
            buffer.write(data)
            buffer.seek(0)
            self._tar.addfile(info, buffer)


@contextmanager
def writing(destination: Path, *, overwrite: bool) -> Iterator[Writer]:
    """An archive at `destination`, in place only if the block ends normally.

    Refuses at once if `destination` exists and `overwrite` is false; the check
    is made again at the end (by `link`, which never replaces), so a file that
    appeared meanwhile is not lost either.
    """
    if destination.exists() and not overwrite:
        raise BackupError(f"{destination} already exists: choose another path, or pass --overwrite to replace it.")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent} is not a folder: create it first, or choose another path.")
    fd, tmp_name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
                yield Writer(tar)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)  # it holds every customer's data
        if overwrite:
            os.replace(tmp, destination)
        else:
            try:
                os.link(tmp, destination)
            except FileExistsError:
                raise BackupError(
                    f"{destination} appeared while the backup was being made: choose another path, "
                    "or pass --overwrite to replace it."
                ) from None
            tmp.unlink()
    finally:
        tmp.unlink(missing_ok=True)


def _open(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(f"{path} does not exist." if not path.exists() else f"{path} is not a file.")
    try:
        return tarfile.open(path, mode="r:")
    except tarfile.TarError:
        raise BackupError(f"{path} is not a Sameside backup (it is not a tar archive).") from None


def read_manifest(path: Path) -> Manifest:
    """The archive's manifest, checked for shape and format version; the members are not read yet."""
    with _open(path) as tar:
        try:
            member = tar.getmember(MANIFEST)
        except KeyError:
            raise BackupError(f"{path} is not a Sameside backup (it has no {MANIFEST}).") from None
        except tarfile.TarError as error:
            raise BackupError(f"{path} is damaged: {error}.") from None
        stream = tar.extractfile(member)
        if stream is None:
            raise BackupError(f"{path} is damaged: its {MANIFEST} is not a file.")
        try:
            raw = json.loads(stream.read())
        except ValueError:
            raise BackupError(f"{path} is damaged: its {MANIFEST} is not JSON.") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Sameside backup (its {MANIFEST} is of another format).")
    version = raw.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"{path} was made by a newer Sameside (backup format {version}; this one reads up to "
            f"{FORMAT_VERSION}): upgrade Sameside, then restore."
        )
    try:
        manifest = Manifest(**{k: raw[k] for k in Manifest.__dataclass_fields__ if k in raw})
    except TypeError as error:
        raise BackupError(f"{path} is damaged: its {MANIFEST} lacks a field ({error}).") from None
    if manifest.database not in DATABASE_MEMBERS:
        raise BackupError(f"{path} is damaged: its {MANIFEST} names an unknown database kind {manifest.database!r}.")
    if manifest.database_member not in manifest.members:
        raise BackupError(f"{path} is damaged: its {MANIFEST} lists no database.")
    return manifest


def unpack(path: Path, manifest: Manifest, into: Path, progress: Callable[[int, int], None]) -> None:
    """Copy every member into `into` (same relative paths), checking each against the manifest.

    Raises `BackupError` at the first member that is unexpected, missing,
    or does not match its size and checksum; what was copied so far is
    only ever in `into`, which the caller throws away. A blob the manifest
    lists as damaged at backup time is checked like the rest, then left out.
    """
    expected = manifest.members
    seen: set[str] = set()
    total = sum(int(m["size"]) for m in expected.values())
    done = 0
    with _open(path) as tar:
        for member in tar:
            name = member.name
            if name == MANIFEST:
                continue
            if name not in expected or not member.isfile() or not _well_named(name):
                raise BackupError(f"{path} is damaged: it holds {name!r}, which its manifest does not list.")
            if name in seen:
                raise BackupError(f"{path} is damaged: it holds {name!r} twice.")
            seen.add(name)
            stream = tar.extractfile(member)
            assert stream is not None
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            sha = hashlib.sha256()
            size = 0
            with target.open("wb") as out:
                while chunk := stream.read(_CHUNK):
                    sha.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            want = expected[name]
            if size != int(want["size"]) or sha.hexdigest() != want["sha256"]:
                raise BackupError(
                    f"{path} is damaged: {name} does not match its checksum in the manifest; nothing was changed."
                )
            blob = BLOB_MEMBER.match(name)
            if blob is not None and blob.group(3) != sha.hexdigest():
                if blob.group(3) not in manifest.damaged_blobs:
                    raise BackupError(f"{path} is damaged: {name} does not hold the file its name promises.")
                target.unlink()  # damaged on disk before the backup: never put back where its name says
            done += size
            progress(done, total)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{path} is incomplete: {missing[0]} is listed in its manifest but not in the archive.")


def _well_named(name: str) -> bool:
    return name in DATABASE_MEMBERS.values() or BLOB_MEMBER.match(name) is not None
