"""`/healthz` (is this process alive and its database reachable) and `/readyz` (can it take work now).

Both answer within `PROBE_TIMEOUT` seconds whatever the requests are doing:
they are `async` routes that hand their probe to a thread of their own (one
for each endpoint, so a slow write probe never delays the liveness ping) on
a database connection of their own (`db.probes`), and stop waiting at the
timeout. Request threads stuck behind a lock, a full pool or a loop of
SQLite work in threads cannot delay them.

- `/healthz`: 200 `{"status": "ok"}` when the database answers a read; 503
  when it cannot be reached or does not answer in time.
- `/readyz`: 200 `{"status": "ready"}` when the database answers a read,
  takes a write (its write lock and a tiny write) and the data folders have
  the free space `disk_min_free_mb` asks for; otherwise 503 with
  Retry-After and `reasons`, one line each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sameside import __version__
from sameside.db.probes import Probes
from sameside.http.disk import FreeSpace

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 2.0
RETRY_AFTER_SECONDS = 5

router = APIRouter(include_in_schema=False)


class HealthChecks:
    def __init__(self, probes: Probes, space: FreeSpace) -> None:
        self.probes = probes
        self.space = space
        self._live = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
        self._ready = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readyz")

    async def database_answers(self) -> str | None:
        """None when the database answers a read in time; else what is wrong."""
        return await _within(self._live, self.probes.answers, "answer")

    async def database_takes_a_write(self) -> str | None:
        """None when the database answers a read and takes a write in time; else what is wrong."""
        trouble = await _within(self._ready, self.probes.answers, "answer")
        if trouble is None:
            trouble = await _within(self._ready, self.probes.takes_a_write, "take a write")
        return trouble

    def close(self) -> None:
        self._live.shutdown(wait=False, cancel_futures=True)
        self._ready.shutdown(wait=False, cancel_futures=True)
        self.probes.dispose()


async def _within(pool: ThreadPoolExecutor, probe: Callable[[], None], doing: str) -> str | None:
    try:
        await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(pool, probe), PROBE_TIMEOUT)
    except TimeoutError:
        return f"the database did not {doing} within {PROBE_TIMEOUT:g} s"
    except Exception as error:  # whatever the driver says, the answer is "not healthy", with why
        log.warning("health probe failed to %s: %s", doing, error)
        first_line = str(getattr(error, "orig", None) or error).strip().splitlines()
        return f"the database did not {doing}: {first_line[0] if first_line else type(error).__name__}"
    return None


def _checks(request: Request) -> HealthChecks:
    checks: HealthChecks = request.app.state.health
    return checks


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    trouble = await _checks(request).database_answers()
    if trouble is not None:
        return JSONResponse(
            {"status": "unavailable", "database": trouble},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
        )
    return JSONResponse(
        {"status": "ok", "database": "ok", "version": __version__}, headers={"Cache-Control": "no-store"}
    )


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    checks = _checks(request)
    reasons: list[str] = []
    trouble = await checks.database_takes_a_write()
    if trouble is not None:
        reasons.append(trouble)
    reasons.extend(f"low disk space in {line}" for line in checks.space.shortages())
    body: dict[str, Any] = {"status": "ready" if not reasons else "not ready", "reasons": reasons}
    if reasons:
        return JSONResponse(
            body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
        )
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
