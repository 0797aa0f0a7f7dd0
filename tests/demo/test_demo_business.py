"""The demo's company: branded, closed on Christmas Day, with one invitation still open."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sameside.business import service as business
from sameside.db.engine import Database
from sameside.demo.business import COLOUR, COMPANY, INVITED, seed_business
from sameside.kit.actors import SystemActor
from sameside.staff import invitations
from tests.factories import Factory


def test_the_demo_company_is_branded_closed_on_christmas_and_has_someone_invited(db: Database, make: Factory) -> None:
    team = make.team("support", name="Support")
    with db.unit_of_work() as s:
        seed_business(s, SystemActor("demo"), datetime(2031, 12, 30, tzinfo=UTC), s.merge(team))
    with db.unit_of_work(write=False) as s:
        now = business.current(s)
        waiting = [(i.email, i.team_id) for i in invitations.outstanding(s)]
    assert (now.company_name, now.primary_colour) == (COMPANY, COLOUR)
    assert now.holidays == ((date(2032, 12, 25), "Christmas Day"),)  # this year's had passed
    assert waiting == [(INVITED[0], team.id)]
