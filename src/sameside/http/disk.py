"""Free disk space where data is kept, and refusing writes when it runs low.

Below `disk_min_free_mb` in the data folder (attachments) or the SQLite
database's folder, a request that would change something is refused with
503 and Retry-After before it starts, so a filling disk stops taking new
work cleanly instead of failing halfway through a transaction, and
`/readyz` says which folder is short. Reads go on. The space is looked up
at most once a second.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from sameside.http.problems import problem

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOKUP_EVERY_SECONDS = 1.0
RETRY_AFTER_SECONDS = 60


class FreeSpace:
    def __init__(self, folders: list[Path], min_free_mb: int) -> None:
        self.folders = list(dict.fromkeys(folders))
        self.min_free_bytes = min_free_mb * 1024 * 1024
        self._checked_at = -LOOKUP_EVERY_SECONDS
        self._short: list[str] = []

    def shortages(self) -> list[str]:
        """One line per folder with less free space than the minimum (empty when all is well)."""
        now = time.monotonic()
        if now - self._checked_at >= LOOKUP_EVERY_SECONDS:
            self._short = [line for folder in self.folders if (line := self._shortage(folder)) is not None]
            self._checked_at = now
        return self._short

    def _shortage(self, folder: Path) -> str | None:
        if self.min_free_bytes == 0:
            return None
        existing = folder.absolute()
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        free = shutil.disk_usage(existing).free
        if free >= self.min_free_bytes:
            return None
        return (
            f"{folder}: {free // (1024 * 1024)} MB free, below the minimum of {self.min_free_bytes // (1024 * 1024)} MB"
        )


class RefuseWritesWhenDiskLow:
    """Answer 503 to requests that would change something while `FreeSpace` reports a shortage."""

    def __init__(self, app: ASGIApp, space: FreeSpace) -> None:
        self.app = app
        self.space = space

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") not in SAFE_METHODS and self.space.shortages():
            response = problem(
                503,
                "Service unavailable",
                "The server's disk is nearly full; nothing was changed. Please try again later.",
                retry_after=RETRY_AFTER_SECONDS,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
