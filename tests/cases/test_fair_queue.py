"""Take next on the real database (P9): the heads of every priority, tier and mood, scored fairly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.cases.fairness import queries as fair_queue
from sameside.cases.models import Case
from sameside.cases.rules import HandoffBrief, Priority
from sameside.customers.models import Customer
from sameside.customers.rules import Tier
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor
from sameside.staff.models import Team
from tests.factories import Factory

T0 = datetime(2031, 6, 2, 10, 0, tzinfo=UTC)
CALM = "Hello, my parcel has not arrived yet. Could you check where it is? Thank you."
UPSET = "This is the third time I am writing. Terrible service, I am furious and still have no refund. Awful!"


def _case_at(make: Factory, db: Database, minutes: int, body: str, **kw: object) -> Case:
    with clock.frozen(T0 + timedelta(minutes=minutes)):
        return make.case(body=body, **kw)  # type: ignore[arg-type]


def test_an_upset_customer_is_taken_before_a_calm_one_who_wrote_a_little_earlier(db: Database, make: Factory) -> None:
    team = make.team()
    agent = make.staff(team=team)
    calm = _case_at(make, db, 0, CALM, team=team)
    upset = _case_at(make, db, 10, UPSET, team=team)
    with db.unit_of_work(write=False) as s:
        rows = {c.id: c for c in s.query(Case).filter(Case.id.in_([calm.id, upset.id]))}
        assert rows[upset.id].upset and rows[upset.id].sentiment is not None and rows[upset.id].sentiment <= -0.5
        assert not rows[calm.id].upset
    actor = StaffActor(agent.id, Role.AGENT, team.id)
    with clock.frozen(T0 + timedelta(minutes=15)), db.unit_of_work() as s:
        first = service.take_next(s, actor, tier_cap_minutes=60)
        second = service.take_next(s, actor, tier_cap_minutes=60)
    assert first is not None and second is not None
    assert [first.id, second.id] == [upset.id, calm.id]


def test_the_candidates_are_one_per_priority_tier_and_mood_and_only_unowned_ones(db: Database, make: Factory) -> None:
    team = make.team()
    agent = make.staff(team=team)
    premium = make.customer()
    with db.unit_of_work() as s:
        row = s.get(Customer, premium.id)
        assert row is not None
        row.tier = Tier.PREMIUM
    oldest_normal = _case_at(make, db, 0, CALM, team=team)
    _case_at(make, db, 5, CALM, team=team)  # behind the oldest normal one: not a head
    urgent = _case_at(make, db, 6, CALM, team=team, priority=Priority.URGENT)
    premium_case = _case_at(make, db, 7, CALM, team=team, customer=premium)
    upset = _case_at(make, db, 8, UPSET, team=team)
    _case_at(make, db, 1, CALM, team=team, owner=agent)  # owned: not in the queue
    _case_at(make, db, 1, CALM, team=make.team())  # another team
    with db.unit_of_work(write=False) as s:
        heads = fair_queue.take_next_candidates(s, team.id)
    assert sorted(c.case_id for c in heads) == sorted([oldest_normal.id, urgent.id, premium_case.id, upset.id])
    by_id = {c.case_id: c for c in heads}
    assert by_id[upset.id].upset and by_id[premium_case.id].tier is Tier.PREMIUM
    assert by_id[urgent.id].priority is Priority.URGENT
    assert by_id[oldest_normal.id].waiting_since == T0


def test_a_case_handed_on_after_an_answer_waits_from_that_answer_not_from_days_ago(db: Database, make: Factory) -> None:
    team, billing = make.team(), make.team()
    first = make.staff(team=team)
    taker = make.staff(team=billing)
    old = _case_at(make, db, 0, CALM, team=team)
    with clock.frozen(T0 + timedelta(days=3)), db.unit_of_work() as s:
        actor = StaffActor(first.id, Role.AGENT, team.id)
        case = case_for(s, actor, old.id)
        service.reply(s, actor, case, "Passing you to billing with everything you told me.")
        brief = HandoffBrief(problem="Charged twice", tried="Checked", promised="Billing today", feeling="Calm")
        service.transfer(s, actor, case, brief=brief, team=s.get(Team, billing.id))
    waiting = _case_at(make, db, 3 * 24 * 60 - 120, CALM, team=billing)  # written two hours before the answer
    with clock.frozen(T0 + timedelta(days=3, minutes=30)), db.unit_of_work() as s:
        taken = service.take_next(s, StaffActor(taker.id, Role.AGENT, billing.id), tier_cap_minutes=60)
    assert taken is not None and taken.id == waiting.id  # the customer still waiting on a first answer goes first
