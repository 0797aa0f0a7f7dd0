"""Writes for the headline figures: a day's rollup replaced by freshly read facts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from sameside.reports import queries, rules
from sameside.reports.models import ReportDay, ReportDayBuilt


def store(session: Session, day: date, facts: dict[int, rules.Facts], built_at: datetime) -> None:
    """Replace `day`'s rows with `facts` (by team) and mark it built at `built_at` (when the facts were read).

    Two workers rolling up the same day write the same rows; the later one wins, which is as good.
    """
    session.execute(delete(ReportDay).where(ReportDay.day == day))
    for team_id, f in sorted(facts.items()):
        session.add(
            ReportDay(
                day=day,
                team_id=team_id,
                first_replies={t: {str(k): v for k, v in h.items()} for t, h in f.first_replies.items()},
                consults={str(k): v for k, v in f.consults.items()},
                spend=dict(f.spend),
                **{name: getattr(f, name) for name in rules.COUNTS},
            )
        )
    mark = session.get(ReportDayBuilt, day)
    if mark is None:
        session.add(ReportDayBuilt(day=day, built_at=built_at))
    else:
        mark.built_at = built_at
    session.flush()


def roll_up(session: Session, now: datetime, *, limit: int | None = None) -> int:
    """Roll up every stale day (at most `limit`) in one transaction: for the demo, tests and the bench.

    The worker's chore does one day per transaction instead (`tasks.roll_up`), reading outside the write lock.
    """
    days = queries.stale_days(session, now)[:limit]
    for day in days:
        store(session, day, queries.day_facts(session, day, now), now)
    return len(days)
