"""The periodic chores: declared once, run by each worker when due, again at once while they find work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from sameside import wiring
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs.registry import UnknownTask, registry, task
from sameside.jobs.run import Run
from sameside.kit import clock
from sameside.worker.loop import Worker
from sameside.worker.schedule import SCHEDULE, Every, Timetable
from sameside.worker.transport import ConsoleTransport

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
runs: list[datetime] = []
work_left = 0


@task("tests.tidy")
def tidy(run: Run) -> bool:
    """A chore that finds `work_left` batches to do, one per run."""
    global work_left
    runs.append(clock.now())
    if work_left:
        work_left -= 1
        return True
    return False


@task("tests.broken")
def broken(run: Run) -> bool:
    raise RuntimeError("a bug in a chore")


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    global work_left
    runs.clear()
    work_left = 0
    yield
    runs.clear()


def test_every_scheduled_chore_is_a_registered_task_and_runs_at_least_twice_a_minute() -> None:
    registry.require(chore.task for chore in SCHEDULE)
    assert {c.task for c in SCHEDULE} == {
        "mailboxes.file_pending",
        "callbacks.flag_missed",
        "consults.flag_overdue",
        "idempotency.forget_expired",
        "service_levels.watch",
        "offers.settle",
        "surveys.consider",
        "reports.roll_up",
    }
    assert all(0 < c.seconds <= 30 for c in SCHEDULE)


def test_a_chore_is_due_at_start_then_every_interval() -> None:
    chore = Every("tests.tidy", seconds=30)
    timetable = Timetable([chore])

    assert timetable.due(START) == [chore]
    timetable.ran(chore, START, busy=False)
    assert timetable.due(START) == []
    assert timetable.due(START + timedelta(seconds=29)) == []
    assert timetable.due(START + timedelta(seconds=30)) == [chore]


def test_a_chore_that_did_something_is_due_again_at_once() -> None:
    chore = Every("tests.tidy", seconds=30)
    timetable = Timetable([chore])

    timetable.ran(chore, START, busy=True)

    assert timetable.due(START) == [chore]


def _worker(db: Database, settings: Settings, seconds: float = 30) -> Worker:
    return Worker(
        db,
        settings,
        wiring.intake(db, settings),
        transport=ConsoleTransport(),
        schedule=[Every("tests.tidy", seconds=seconds)],
    )


def test_the_worker_runs_a_chore_only_when_it_is_due(db: Database, settings: Settings) -> None:
    worker = _worker(db, settings)

    for at in (0, 1, 29, 30, 31, 59, 60):
        with clock.frozen(START + timedelta(seconds=at)):
            worker.run_once()

    assert runs == [START, START + timedelta(seconds=30), START + timedelta(seconds=60)]


def test_a_chore_with_work_left_runs_every_round_until_it_is_done_and_keeps_the_worker_busy(
    db: Database, settings: Settings
) -> None:
    global work_left
    work_left = 2
    worker = _worker(db, settings)

    with clock.frozen(START):
        assert worker.run_once()
        assert worker.run_once()
        assert not worker.run_once(), "nothing left: the worker may rest"
        assert not worker.run_once(), "and the chore waits for its interval"

    assert len(runs) == 3


def test_a_chore_that_fails_is_logged_and_the_round_carries_on(
    db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    worker = Worker(
        db,
        settings,
        wiring.intake(db, settings),
        transport=ConsoleTransport(),
        schedule=[Every("tests.broken", seconds=30), Every("tests.tidy", seconds=30)],
    )

    with clock.frozen(START):
        worker.run_once()

    assert runs == [START]
    assert "chore tests.broken failed" in caplog.text


def test_a_schedule_naming_an_unknown_task_stops_the_worker_from_starting(db: Database, settings: Settings) -> None:
    with pytest.raises(UnknownTask, match=r"tests\.nobody"):
        Worker(
            db,
            settings,
            wiring.intake(db, settings),
            transport=ConsoleTransport(),
            schedule=[Every("tests.nobody", seconds=1)],
        )
