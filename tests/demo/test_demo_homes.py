"""Every case of the demo has a home: a visitor opening the demo desk finds no case that belongs to no team."""

from __future__ import annotations

from sqlalchemy import select

from sameside.cases.models import Case
from sameside.cases.rules import ACTIVE
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.demo.seed import seed_demo

CASES = 60
"""Small, so the test is cheap; the demo's own extras (arrivals, chats, the outage's contacts) come on top."""


def test_the_demo_leaves_no_active_case_without_a_team(db: Database) -> None:
    with db.unit_of_work() as s:
        seed_demo(s, cases=CASES, seed=7)
    with db.unit_of_work(write=False) as s:
        homeless = s.execute(
            select(Case.id, Case.channel, Case.subject).where(Case.team_id.is_(None), Case.status.in_(ACTIVE))
        ).all()
        channels = set(s.scalars(select(Case.channel).where(Case.status.in_(ACTIVE))))

    assert homeless == [], f"cases in no team's queue: {homeless}"
    assert {Channel.PORTAL, Channel.CHAT} <= channels  # the channels that used to land nowhere are in it
