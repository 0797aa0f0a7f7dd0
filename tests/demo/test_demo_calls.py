"""The demo's phone calls: a call written down on a phone case, and a booked call the demo agent has taken."""

from __future__ import annotations

from sqlalchemy import select

from sameside.callbacks.models import Callback, CallbackState
from sameside.calls.models import Call
from sameside.cases.models import Case
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.demo.cast import DEMO_AGENT_EMAIL
from sameside.demo.seed import seed_demo
from sameside.kit.hours import parse_hours
from sameside.staff.models import Staff


def test_the_demo_has_a_call_on_a_phone_case_and_a_callback_someone_took(db: Database) -> None:
    with db.unit_of_work() as s:
        seed_demo(s, hours=parse_hours("Mon-Sun 00:00-23:59", "UTC"))
    with db.unit_of_work(write=False) as s:
        agent = s.scalars(select(Staff.id).where(Staff.email == DEMO_AGENT_EMAIL)).one()
        [call] = s.scalars(select(Call)).all()
        assert s.scalars(select(Case.channel).where(Case.id == call.case_id)).one() is Channel.PHONE
        assert (call.logged_by, call.duration_seconds) == (agent, 380)
        taken = s.scalars(select(Callback).where(Callback.assignee_id == agent)).all()
        assert [c.state for c in taken] == [CallbackState.BOOKED]
