"""Where a route's database work runs: inline on SQLite, in a worker thread on PostgreSQL.

SQLite lives in our process and answers in microseconds; under one GIL, a
crowd of threads taking turns at it costs more than it saves (we measured
half the throughput, and a GIL ping-pong of futex calls). So on SQLite a
route's work runs right on the event loop. PostgreSQL answers over a socket,
and the loop must not wait on that, so there the same work runs in a worker
thread. Routes and dependencies are written as plain functions and marked
`@offload`; this module makes the choice per request from the app's database.

On the loop, SQLite waits at most a moment for a lock (`db.engine.LOOP_PATIENCE`):
when another process holds the write lock longer, that write is refused (503)
and, until the database has been free for a while (`Database.runs_inline`),
requests that may write (not GET or HEAD) run in threads, where they wait for
the lock up to the lock timeout. Reads stay on the loop, which a lock held
elsewhere never stops.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

import anyio.to_thread
from fastapi import Request

from sameside.db.engine import Database

P = ParamSpec("P")
R = TypeVar("R")

_REQUEST = "_offload_request"
_READS = frozenset({"GET", "HEAD"})


def offload(fn: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Wrap a sync route or dependency so it runs where the database wants it.

    The wrapper keeps the function's signature (with its annotations resolved,
    so FastAPI sees the same parameters); if the function takes no Request, a
    hidden one is added to find the app's database.
    """
    hints = typing.get_type_hints(fn, include_extras=True)
    signature = inspect.signature(fn)
    parameters = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()]
    request_name = next((p.name for p in parameters if p.annotation is Request), None)
    if request_name is None:
        request_name = _REQUEST
        hidden = inspect.Parameter(_REQUEST, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
        parameters.append(hidden)
        # Keyword-only parameters must come after positional ones.
        parameters.sort(key=lambda p: p.kind)

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        request: Request = kwargs[request_name] if request_name != _REQUEST else kwargs.pop(_REQUEST)
        db: Database = request.app.state.db
        if db.runs_inline or (db.is_sqlite and request.method in _READS):
            return fn(*args, **kwargs)
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=hints.get("return", signature.return_annotation)
    )
    return wrapper
