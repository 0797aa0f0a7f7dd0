"""`sameside backup` and `sameside restore`: thin commands over `sameside.backups.service`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from sameside.config import Settings

err = Console(stderr=True)


def _fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True, markup=True, highlight=False)
    raise typer.Exit(1)


def _say(line: str) -> None:
    err.print(line, soft_wrap=True, markup=False, highlight=False)


def backup(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="The archive to write, or a folder for it. Default: a dated file in the data dir's backups/."
        ),
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace PATH if it exists.")] = False,
) -> None:
    """Back up the database and its files into one archive, while the desk keeps serving."""
    from sameside.backups import service
    from sameside.backups.errors import BackupError

    try:
        summary = service.backup(Settings(), path, overwrite=overwrite, say=_say)
    except BackupError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{error.strerror}: {error.filename}" if error.filename else str(error))
    _say(summary.describe("Backed up to"))


def restore(
    path: Annotated[Path, typer.Argument(help="An archive made by `sameside backup`.")],
    force: Annotated[
        bool, typer.Option(help="Replace the configured database even if it already holds a desk.")
    ] = False,
) -> None:
    """Put a backup back into the configured database and data dir (stop the server and worker first)."""
    from sameside.backups import service
    from sameside.backups.errors import BackupError

    try:
        summary = service.restore(Settings(), path, force=force, say=_say)
    except BackupError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{error.strerror}: {error.filename}" if error.filename else str(error))
    _say(summary.describe("Restored from"))


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
