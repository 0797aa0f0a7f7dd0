"""The demo's reports page has something to say: its history is rolled up when it is seeded."""

from __future__ import annotations

from sameside.db.engine import Database
from sameside.demo.seed import seed_demo
from sameside.kit import clock
from sameside.kit.hours import parse_hours
from sameside.reports import queries


def test_the_demo_history_is_rolled_up_so_the_headline_figures_are_not_empty(db: Database) -> None:
    with db.unit_of_work() as s:
        seed_demo(s, hours=parse_hours("Mon-Sun 00:00-23:59", "UTC"))
    with db.unit_of_work(write=False) as s:
        assert queries.stale_days(s, clock.now()) == []  # nothing left for the worker's first round
        report = queries.headline(s, days=90, today=clock.now().date())
    f = report.figures
    assert f.first_replies > 0 and f.reply_p50_minutes is not None
    assert f.opened > 0 and f.resolved > 0 and f.answers > 0
    assert report.as_of is not None
