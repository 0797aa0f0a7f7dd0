"""The periodic chores, in one list: which task, how often.

Every worker runs the whole schedule; each keeps its own timetable in
memory, so with several workers a chore runs more often than its interval
overall. That is safe — every chore here may run in several workers at once
(filing claims each message with SKIP LOCKED; a missed call is flagged by a
conditional UPDATE that only one transaction wins; overdue consults are
locked with SKIP LOCKED and marked when flagged; a second delete of expired
idempotency answers deletes nothing) — and each round of a chore with
nothing to do is one indexed query.

A chore is due when the worker starts, then every `seconds` after it last
ran; one that did something is due again on the next round, so a backlog
(a burst of stored mail) drains at full speed instead of a batch per interval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sameside.callbacks.tasks import FLAG_MISSED
from sameside.cases.service_levels.tasks import WATCH as WATCH_SERVICE_LEVELS
from sameside.consults.tasks import FLAG_OVERDUE
from sameside.idempotency.tasks import FORGET_EXPIRED
from sameside.mailboxes.tasks import FILE_PENDING
from sameside.offers.tasks import SETTLE as SETTLE_OFFERS
from sameside.reports.tasks import ROLL_UP as ROLL_UP_REPORTS
from sameside.surveys.tasks import CONSIDER as CONSIDER_SURVEYS


@dataclass(frozen=True, slots=True)
class Every:
    task: str
    seconds: float


SCHEDULE: tuple[Every, ...] = (
    # Stored mail the listener or poller did not file itself (it was busy, or died after the 250): the
    # backstop, as often as an idle worker looks for jobs.
    Every(FILE_PENDING, seconds=1),
    # A call is missed 15 minutes after its slot; a consult falls due on a minute. Half a minute late
    # at most changes nothing for the owner told of it, and spares a query a second per worker.
    Every(FLAG_MISSED, seconds=30),
    Every(FLAG_OVERDUE, seconds=30),
    # An offer's reminder and its expiry are on a minute too, told to the customer by the same reply path.
    Every(SETTLE_OFFERS, seconds=30),
    # A survey is considered an hour after a resolution (the policy's delay); each idle round is one index range.
    Every(CONSIDER_SURVEYS, seconds=30),
    # A warning before a service-level target falls due, and the breach when it does: within a minute.
    Every(WATCH_SERVICE_LEVELS, seconds=30),
    # Answers kept for Idempotency-Key retries are read as gone after 24 hours anyway; this frees their
    # space, a thousand rows a round (again at once while there are more).
    Every(FORGET_EXPIRED, seconds=30),
    # The headline figures: a stale day rolled up a round (today once a minute), each idle round one read.
    Every(ROLL_UP_REPORTS, seconds=30),
)


class Timetable:
    """When each chore of a schedule is next due, for one worker."""

    def __init__(self, schedule: Iterable[Every]) -> None:
        self.chores = tuple(schedule)
        self._next: dict[str, datetime | None] = {c.task: None for c in self.chores}  # None: at once

    def due(self, now: datetime) -> list[Every]:
        return [c for c in self.chores if (at := self._next[c.task]) is None or at <= now]

    def ran(self, chore: Every, at: datetime, *, busy: bool) -> None:
        """Record a run at `at`; `busy` (it did something) makes it due again at once."""
        self._next[chore.task] = at if busy else at + timedelta(seconds=chore.seconds)
