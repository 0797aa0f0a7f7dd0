"""Tasks by name: one `enqueue` for everyone, a handler per name, and nothing else accepted or run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from sameside import wiring
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs import queue
from sameside.jobs.models import Job
from sameside.jobs.registry import Registry, UnknownTask, registry, task
from sameside.jobs.run import Need, Provided, Run
from sameside.jobs.service import enqueue
from sameside.kit import clock
from sameside.mail.outbox import DELIVER
from sameside.staff.models import Team
from sameside.worker.runner import Runner
from sameside.worker.schedule import SCHEDULE

GREETING: Need[str] = Need("greeting")
seen: list[dict[str, Any]] = []


@task("tests.make_team")
def make_team(run: Run) -> bool:
    """Writes through the run's transaction, which also ends the job: both commit, or neither."""
    seen.append(dict(run.payload))
    with run.unit_of_work() as session:
        session.add(Team(slug=run.payload["slug"], name=run.need(GREETING)))
        if run.payload.get("explode"):
            raise RuntimeError("the disk is full")
    return True


@task("tests.settle_nothing")
def settle_nothing(run: Run) -> bool:
    seen.append(dict(run.payload))
    return False


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    seen.clear()
    yield
    seen.clear()


def _runner(db: Database, settings: Settings) -> Runner:
    return Runner(db, settings, Provided().add(GREETING, "Hello team"))


def _job(db: Database, job_id: int) -> Job:
    with db.unit_of_work(write=False) as s:
        job = s.get(Job, job_id)
        assert job is not None
        s.expunge(job)
        return job


def test_every_task_the_product_enqueues_or_schedules_has_a_handler() -> None:
    assert wiring.TASKS, "wiring imports the tasks modules"
    registry.require([DELIVER, *(chore.task for chore in SCHEDULE)])
    assert {
        "mail.deliver",
        "mailboxes.file_pending",
        "callbacks.flag_missed",
        "consults.flag_overdue",
    } <= set(registry.names())


def test_a_name_nobody_handles_is_refused_when_enqueued_and_nothing_is_written(db: Database) -> None:
    with pytest.raises(UnknownTask, match=r"mail\.delivr"), db.unit_of_work() as s:
        enqueue(s, "mail.delivr", outbound_id=1)
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(Job)).all() == []


def test_a_second_handler_for_one_name_is_refused() -> None:
    tasks = Registry()
    tasks.register("x.y", make_team)
    tasks.register("x.y", make_team)  # the same handler again changes nothing
    with pytest.raises(ValueError, match="registered twice"):
        tasks.register("x.y", settle_nothing)
    with pytest.raises(UnknownTask):
        tasks.handler("x.z")


def test_an_enqueued_job_exists_only_if_its_transaction_commits(db: Database) -> None:
    with pytest.raises(RuntimeError), db.unit_of_work() as s:
        enqueue(s, "tests.make_team", slug="gone")
        raise RuntimeError("the change that caused it failed")
    with db.unit_of_work() as s:
        queued = enqueue(s, "tests.make_team", slug="kept")
    job = _job(db, queued.id)
    assert (job.kind, job.payload, job.state, job.attempts) == ("tests.make_team", {"slug": "kept"}, "pending", 0)


def test_a_job_runs_its_handler_by_name_with_its_payload_and_what_the_worker_provides(
    db: Database, settings: Settings
) -> None:
    with db.unit_of_work() as s:
        queued = enqueue(s, "tests.make_team", slug="night-shift")

    assert _runner(db, settings).run_next()

    assert seen == [{"slug": "night-shift"}]
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(Team.name).where(Team.slug == "night-shift")).all() == ["Hello team"]
    assert _job(db, queued.id).state == "done"
    assert not _runner(db, settings).run_next(), "nothing left"


def test_a_job_not_yet_due_waits(db: Database, settings: Settings) -> None:
    now = clock.now()
    with db.unit_of_work() as s:
        enqueue(s, "tests.settle_nothing", run_after=now + timedelta(minutes=5))

    assert not _runner(db, settings).run_next()
    with clock.frozen(now + timedelta(minutes=5)):
        assert _runner(db, settings).run_next()
    assert seen == [{}]


def test_a_handler_that_settles_nothing_has_its_job_marked_done(db: Database, settings: Settings) -> None:
    with db.unit_of_work() as s:
        queued = enqueue(s, "tests.settle_nothing", n=1)

    assert _runner(db, settings).run_next()

    assert _job(db, queued.id).state == "done"


def test_a_handler_that_fails_loses_its_work_and_is_retried_later(db: Database, settings: Settings) -> None:
    with db.unit_of_work() as s:
        queued = enqueue(s, "tests.make_team", slug="doomed", explode=True)

    assert _runner(db, settings).run_next()

    job = _job(db, queued.id)
    assert (job.state, job.attempts) == ("pending", 1)
    assert job.last_error == "RuntimeError: the disk is full"
    assert job.run_after > clock.now() + timedelta(seconds=20), "backed off"
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(Team).where(Team.slug == "doomed")).all() == [], "rolled back with the failure"
    assert not _runner(db, settings).run_next(), "not before its backoff"


def test_a_job_that_keeps_failing_is_given_up(db: Database, settings: Settings) -> None:
    with db.unit_of_work() as s:
        queued = enqueue(s, "tests.make_team", slug="doomed", explode=True)
    later = clock.now()
    for _ in range(queue.MAX_ATTEMPTS):
        later += timedelta(hours=7)  # past the longest backoff
        with clock.frozen(later):
            assert _runner(db, settings).run_next()

    job = _job(db, queued.id)
    assert (job.state, job.attempts) == ("failed", queue.MAX_ATTEMPTS)
    with clock.frozen(later + timedelta(days=1)):
        assert not _runner(db, settings).run_next()


def test_a_runner_takes_only_the_names_it_is_asked_for(db: Database, settings: Settings) -> None:
    with db.unit_of_work() as s:
        enqueue(s, "tests.settle_nothing")

    assert not _runner(db, settings).run_next(["tests.make_team"])
    assert _runner(db, settings).run_next(["tests.settle_nothing"])
    with pytest.raises(UnknownTask):
        _runner(db, settings).run_next(["tests.nobody"])


def test_a_need_nobody_provided_is_named_in_the_error(db: Database, settings: Settings) -> None:
    with db.unit_of_work() as s:
        queued = enqueue(s, "tests.make_team", slug="lonely")

    assert Runner(db, settings, Provided()).run_next()

    assert "greeting" in (_job(db, queued.id).last_error or "")
