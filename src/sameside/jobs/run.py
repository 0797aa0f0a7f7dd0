"""What a task's handler is given: one run of it, queued or scheduled.

A handler decides its own transactions. `Run.unit_of_work()` is the one to use
for work that changes the database: when it commits, a queued job is marked
done in the same transaction (unless the handler retried or failed it there),
so the work and the job's end commit together or not at all. A handler that
never settles its job in a transaction of its own (filing mail, which commits
message by message) has it marked done by the worker after it returns; one
that raises has it retried with backoff.

Things only the composition root can build — the mail transport, the intake
with its blob store — reach a handler as `run.need(NEED)`: the handler's module
names what it needs with a typed `Need`, and the worker provides it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.orm import Session

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs import queue

T = TypeVar("T")


@dataclass(frozen=True, slots=True, eq=False)
class Need(Generic[T]):
    """A typed name for something a handler needs that only the composition root builds (a transport)."""

    name: str


class Provided:
    """What a worker gives its handlers, each under its `Need`."""

    def __init__(self) -> None:
        self._things: dict[Need[Any], object] = {}

    def add(self, need: Need[T], thing: T) -> Provided:
        self._things[need] = thing
        return self

    def get(self, need: Need[T]) -> T:
        try:
            return cast(T, self._things[need])
        except KeyError:
            raise LookupError(f"nothing provides {need.name!r} to this worker's tasks") from None


@dataclass(frozen=True, slots=True)
class Claimed:
    """A queued job a worker holds the lease on."""

    id: int
    name: str
    attempts: int
    """Including this one."""


@dataclass(slots=True)
class Run:
    db: Database
    settings: Settings
    provided: Provided
    payload: Mapping[str, Any] = field(default_factory=dict)
    job: Claimed | None = None
    """The queued job being run; None for a scheduled chore."""
    settled: bool = field(default=False, init=False)
    """Whether the job's end (done, retried or failed) has committed."""
    _ended: bool = field(default=False, init=False)

    def need(self, need: Need[T]) -> T:
        return self.provided.get(need)

    @property
    def last_attempt(self) -> bool:
        """Whether a retry now would fail the job instead (its attempts have run out)."""
        return self.job is not None and self.job.attempts >= queue.MAX_ATTEMPTS

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A transaction that settles the job: done when it commits, unless `retry_later` or `fail` said otherwise."""
        self._ended = False
        with self.db.unit_of_work() as session:
            yield session
            if self.job is not None and not self._ended:
                queue.finish(session, self.job.id)
        self.settled = self.job is not None

    def retry_later(self, session: Session, error: str) -> bool:
        """Inside `unit_of_work`: try the job again after a backoff; False (and failed) once attempts run out."""
        job = self._held()
        self._ended = True
        return queue.retry_later(session, job.id, job.attempts, error)

    def fail(self, session: Session, error: str) -> None:
        """Inside `unit_of_work`: give the job up for good."""
        job = self._held()
        self._ended = True
        queue.fail(session, job.id, error)

    def _held(self) -> Claimed:
        if self.job is None:
            raise RuntimeError("a scheduled chore has no queued job to retry or fail")
        return self.job
