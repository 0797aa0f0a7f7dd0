"""`sameside import-mail`: .eml files, folders of them and mbox archives, into cases.

Each message goes through the same intake as mail arriving over SMTP (stored
raw, then filed, or quarantined with its reason), in batches of one
transaction each. Importing the same files again adds nothing: duplicates are
recognised by content.
"""

from __future__ import annotations

import mailbox
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sameside.mail.models import InboundState
from sameside.mailboxes.filing import Intake, Outcome

BATCH = 200


@dataclass(frozen=True, slots=True)
class Item:
    label: str
    raw: bytes | None
    problem: str | None = None


def import_paths(
    intake: Intake, paths: Sequence[Path], *, max_bytes: int, console: Console | None = None
) -> Counter[str]:
    """Import everything under `paths`; prints a progress bar and a summary, returns the counts."""
    console = console or Console(stderr=True)
    files = list(_files(paths))
    tally: Counter[str] = Counter()
    problems: list[str] = []
    with Progress(
        TextColumn("[bold]Importing mail"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("import", total=len(files))
        batch: list[tuple[bytes, dict[str, Any]]] = []
        for path in files:
            for item in _messages(path, max_bytes):
                if item.raw is None:
                    tally["skipped"] += 1
                    problems.append(f"{item.label}: {item.problem}")
                    continue
                batch.append((item.raw, {"source": "import"}))
                if len(batch) >= BATCH:
                    _count(intake.take(batch), tally)
                    batch = []
            progress.advance(task)
        if batch:
            _count(intake.take(batch), tally)
    console.print(summary_table(tally))
    for problem in problems[:20]:
        console.print(f"[yellow]skipped[/] {problem}")
    return tally


def summary_table(tally: Counter[str]) -> Table:
    table = Table(title="Imported mail", show_header=True)
    table.add_column("Outcome")
    table.add_column("Messages", justify="right")
    labels = {
        "new_case": "opened a new case",
        "joined": "joined an existing case",
        "ignored": "kept, on no case (bounces, receipts, auto-replies)",
        "quarantined": "quarantined (see the admin's mail list)",
        "duplicate": "already here",
        "skipped": "not imported (too large or unreadable file)",
    }
    for key, label in labels.items():
        table.add_row(label, f"{tally.get(key, 0):,}")
    return table


def _count(outcomes: list[Outcome], tally: Counter[str]) -> None:
    for outcome in outcomes:
        if outcome.duplicate:
            tally["duplicate"] += 1
        elif outcome.state is InboundState.FILED:
            tally["new_case" if outcome.new_case else "joined"] += 1
        elif outcome.state is InboundState.IGNORED:
            tally["ignored"] += 1
        else:
            tally["quarantined"] += 1


def _files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            yield path


def _messages(path: Path, max_bytes: int) -> Iterator[Item]:
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(5)
    except OSError as exc:
        yield Item(str(path), None, f"cannot be read ({exc.strerror})")
        return
    if head == b"From ":
        yield from _mbox(path, max_bytes)
        return
    if size > max_bytes:
        yield Item(str(path), None, f"{size:,} bytes is over the {max_bytes:,}-byte limit")
        return
    yield Item(str(path), path.read_bytes())


def _mbox(path: Path, max_bytes: int) -> Iterator[Item]:
    box = mailbox.mbox(path, create=False)
    try:
        for index, key in enumerate(box.iterkeys()):
            raw = box.get_bytes(key)
            label = f"{path}#{index + 1}"
            if len(raw) > max_bytes:
                yield Item(label, None, f"{len(raw):,} bytes is over the {max_bytes:,}-byte limit")
            else:
                yield Item(label, raw)
    finally:
        box.close()
