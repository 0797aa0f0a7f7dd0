"""Recent waits for a person, read cheaply enough for the email intake's hot path (the arithmetic: `wait_rules`).

One question, asked by the automatic acknowledgement (per team) and the chat
widget (per channel): over the newest cases of the last two weeks, how long
did people wait for a person? The query is bounded twice — the newest
`SAMPLE` matching cases, found among the desk's newest `SCAN` cases by a
backwards walk of the primary key — so a quiet team on a busy desk costs the
same as a busy one, and nothing grows with the table. `WaitCache` keeps an
answer per team for a minute, for callers that ask on every new case.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.cases.waits.rules import Estimate, Sample, estimate
from sameside.customers.rules import Channel

WINDOW = timedelta(days=14)
"""How far back "recent" reaches."""
SAMPLE = 100
"""At most this many cases: the newest. Plenty for a median and an 80th percentile; a cheap read."""
SCAN = 3000
"""Only the desk's newest this-many cases are looked at, so the read stays bounded however quiet a team is."""
_ENDED = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


def expected_wait(
    session: Session,
    *,
    now: datetime,
    team_id: int | None = None,
    every_team: bool = False,
    channel: Channel | None = None,
) -> Estimate:
    """The typical wait for a person lately, in one team (None: cases in no team) or `every_team`, on one channel."""
    newest = select(func.max(Case.id)).scalar_subquery()
    query = select(
        Case.created_at,
        Case.first_human_reply_at,
        Case.status,
        func.coalesce(Case.resolved_at, Case.closed_at).label("ended_at"),
    ).where(Case.id > newest - SCAN, Case.created_at >= now - WINDOW)
    if not every_team:
        query = query.where(Case.team_id == team_id if team_id is not None else Case.team_id.is_(None))
    if channel is not None:
        query = query.where(Case.channel == channel)
    rows = session.execute(query.order_by(Case.id.desc()).limit(SAMPLE)).all()
    return estimate(_sample(row.created_at, row.first_human_reply_at, row.status, row.ended_at, now) for row in rows)


def _sample(
    created: datetime, answered: datetime | None, status: CaseStatus, ended: datetime | None, now: datetime
) -> Sample:
    if answered is not None:
        return Sample(max(answered - created, timedelta(0)), answered=True)
    if status in _ENDED:
        # Over without a person's answer (solved by the customer, spam): it waited until then, no longer.
        return Sample(max((ended or now) - created, timedelta(0)), answered=False)
    return Sample(max(now - created, timedelta(0)), answered=False, still_waiting=True)


class WaitCache:
    """`expected_wait` per team, kept for a minute: the intake asks on every new case; a minute-old figure is as true.

    One per long-lived holder (the intake); a race between threads only means one extra read.
    """

    def __init__(self, keep: timedelta = timedelta(minutes=1)) -> None:
        self.keep = keep
        self._kept: dict[int | None, tuple[datetime, Estimate]] = {}

    def for_team(self, session: Session, team_id: int | None, *, now: datetime) -> Estimate:
        kept = self._kept.get(team_id)
        if kept is not None and timedelta(0) <= now - kept[0] < self.keep:
            return kept[1]
        fresh = expected_wait(session, now=now, team_id=team_id)
        self._kept[team_id] = (now, fresh)
        return fresh
