"""The worker's reports chore: one stale day a round, busy until none is left, today again a minute later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sameside import wiring
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.reports import queries
from sameside.reports.tasks import ROLL_UP
from sameside.worker.loop import Worker
from sameside.worker.schedule import Every
from sameside.worker.transport import ConsoleTransport
from tests.factories import Factory
from tests.reports.support import history

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def test_the_chore_rolls_up_a_day_a_round_until_none_is_stale_then_today_a_minute_later(
    db: Database, settings: Settings, make: Factory
) -> None:
    history(make, NOW, cases=20, days=2)  # three days: two before today, and today
    worker = Worker(
        db, settings, wiring.intake(db, settings), transport=ConsoleTransport(), schedule=[Every(ROLL_UP, seconds=30)]
    )
    with clock.frozen(NOW):
        assert [worker.run_once() for _ in range(4)] == [True, True, True, False]
        with db.unit_of_work(write=False) as s:
            assert queries.stale_days(s, NOW) == []
            report = queries.headline(s, days=7, today=NOW.date())
    assert report.figures.opened == 20 and report.as_of == NOW
    with clock.frozen(NOW + timedelta(seconds=61)):
        assert worker.run_once()  # today, brought up to date
        with db.unit_of_work(write=False) as s:
            assert queries.last_built(s) == NOW + timedelta(seconds=61)
