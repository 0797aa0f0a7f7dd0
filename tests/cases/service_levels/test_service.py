"""A case's due time through the real verbs, on a real database: kept in the same transaction as each change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sameside import wiring
from sameside.business import service as business
from sameside.cases import service
from sameside.cases.access import case_for
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus, EventType, Priority
from sameside.cases.service_levels import queries, watch
from sameside.cases.service_levels import service as service_levels
from sameside.cases.service_levels.models import ServiceTarget
from sameside.cases.service_levels.rules import Level, Targets
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs.run import Provided
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
from sameside.staff.models import Notification, Team
from sameside.worker.runner import Runner
from tests.factories import Factory

SYSTEM = SystemActor("tests")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the default calendar: Mon-Fri 09:00-17:00 UTC
WEEK = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def due(db: Database, number: int) -> tuple[datetime | None, str | None]:
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None
        return case.due_at, case.due_kind


def set_policy(db: Database, team: Team, **targets: Targets) -> None:
    with db.unit_of_work() as s:
        fresh = s.get(Team, team.id)
        assert fresh is not None
        service_levels.set_policy(
            s,
            SYSTEM,
            fresh,
            timezone="UTC",
            week=WEEK,
            holidays=["2026-03-03"],
            targets={Priority(k): v for k, v in targets.items()},
        )


def test_a_new_case_is_due_for_its_first_reply_by_its_teams_policy(db: Database, make: Factory) -> None:
    team = make.team()
    set_policy(db, team, normal=Targets(60, 120, 600))
    with clock.frozen(MONDAY):
        case = make.case(team=team)
    assert due(db, case.id) == (MONDAY + timedelta(minutes=60), "first_reply")


def test_a_team_without_a_policy_runs_by_the_defaults(db: Database, make: Factory) -> None:
    with clock.frozen(MONDAY + timedelta(hours=7)):  # 16:00: one hour today, seven tomorrow
        case = make.case(team=make.team())
    assert due(db, case.id) == (MONDAY + timedelta(days=1, hours=7), "first_reply")


def test_replies_waiting_and_the_customer_writing_move_the_due_time(db: Database, make: Factory) -> None:
    team = make.team()
    set_policy(db, team, normal=Targets(60, 30, 600), urgent=Targets(10, 10, 100))
    agent = make.staff(team=team)
    actor = StaffActor(agent.id, Role.AGENT, team.id)
    with clock.frozen(MONDAY):
        case = make.case(team=team)
    with clock.frozen(MONDAY + timedelta(minutes=20)), db.unit_of_work() as s:
        row = case_for(s, actor, case.id, for_update=True)
        service.reply(s, actor, row, "Which address?", status=CaseStatus.WAITING_ON_CUSTOMER)
    # Waiting on the customer: nothing is due.
    assert due(db, case.id) == (None, None)
    with clock.frozen(MONDAY + timedelta(hours=2)), db.unit_of_work() as s:
        row = case_for(s, SYSTEM, case.id, for_update=True)
        service.receive_message(s, CustomerActor(row.customer_id), row, "Still nothing.")
    # Resolution paused for 100 minutes, so the next reply (30 min) comes first.
    assert due(db, case.id) == (MONDAY + timedelta(hours=2, minutes=30), "next_reply")
    with clock.frozen(MONDAY + timedelta(hours=2, minutes=5)), db.unit_of_work() as s:
        service.update_details(s, actor, case_for(s, actor, case.id, for_update=True), priority=Priority.URGENT)
    assert due(db, case.id) == (MONDAY + timedelta(hours=2, minutes=10), "next_reply")
    with clock.frozen(MONDAY + timedelta(hours=3)), db.unit_of_work() as s:
        service.resolve(s, actor, case_for(s, actor, case.id, for_update=True))
    assert due(db, case.id) == (None, None)
    with db.unit_of_work(write=False) as s:
        rows = s.scalars(select(ServiceTarget).order_by(ServiceTarget.id)).all()
        outcome = {(t.kind.value, t.met, t.breached_at is not None) for t in rows}
    # The next reply went unanswered past its due time: missed, though nobody needs it now.
    assert outcome == {("first_reply", True, False), ("next_reply", False, True), ("resolution", True, False)}


def test_the_worker_warns_once_then_records_the_breach_once(db: Database, make: Factory) -> None:
    team = make.team()
    set_policy(db, team, normal=Targets(60, 60, 600))
    supervisor = make.staff(Role.SUPERVISOR, team=team)
    agent = make.staff(team=team)
    with clock.frozen(MONDAY):
        case = make.case(team=team, owner=agent)
    for minutes in (10, 35, 40):
        with db.unit_of_work() as s:
            watch.watch(s, MONDAY + timedelta(minutes=minutes))
    with db.unit_of_work(write=False) as s:
        told = s.scalars(select(Notification).order_by(Notification.id)).all()
        assert {(n.staff_id, n.kind) for n in told} == {
            (agent.id, "service_level_due"),
            (supervisor.id, "service_level_due"),
        }
        assert "first reply is due in 25 min" in told[0].text
    for minutes in (61, 90):
        with db.unit_of_work() as s:
            watch.watch(s, MONDAY + timedelta(minutes=minutes))
    with db.unit_of_work(write=False) as s:
        kinds = [n.kind for n in s.scalars(select(Notification).order_by(Notification.id))]
        breaches = s.scalars(select(TimelineEntry).where(TimelineEntry.event == EventType.SERVICE_LEVEL_BREACHED)).all()
    assert kinds.count("service_level_missed") == 2 and len(breaches) == 1
    with clock.frozen(MONDAY + timedelta(hours=2)), db.unit_of_work(write=False) as s:
        label = queries.due_label(s.get(Case, case.id))  # type: ignore[arg-type]
        assert label is not None and label.text == "overdue by 1 h" and label.level is Level.OVERDUE


def test_due_soon_lists_open_work_soonest_first_and_pages_by_seek(db: Database, make: Factory) -> None:
    team = make.team()
    numbers = []
    for hour in (3, 1, 2):
        with clock.frozen(MONDAY + timedelta(hours=hour)):
            numbers.append(make.case(team=team).id)
    waiting = make.case(team=team)
    with db.unit_of_work() as s:
        service.change_status(
            s, SYSTEM, case_for(s, SYSTEM, waiting.id, for_update=True), CaseStatus.WAITING_ON_CUSTOMER
        )
    with db.unit_of_work(write=False) as s:
        first = queries.due_soon(s, SYSTEM, team_id=team.id, limit=2)
        assert [c.id for c in first.items] == [numbers[1], numbers[2]] and first.next_cursor
        rest = queries.due_soon(s, SYSTEM, team_id=team.id, limit=2, cursor=first.next_cursor)
        assert [c.id for c in rest.items] == [numbers[0]] and rest.next_cursor is None


def test_attainment_counts_targets_met_in_time_and_missed(db: Database, make: Factory) -> None:
    team = make.team()
    set_policy(db, team, normal=Targets(60, 60, 600))
    agent = make.staff(team=team)
    actor = StaffActor(agent.id, Role.AGENT, team.id)
    with clock.frozen(MONDAY):
        quick, slow = make.case(team=team), make.case(team=team)
    with clock.frozen(MONDAY + timedelta(minutes=30)), db.unit_of_work() as s:
        service.reply(s, actor, case_for(s, actor, quick.id, for_update=True), "Here you are.")
    with clock.frozen(MONDAY + timedelta(minutes=90)), db.unit_of_work() as s:
        service.reply(s, actor, case_for(s, actor, slow.id, for_update=True), "Sorry for the wait.")
    with db.unit_of_work(write=False) as s:
        found = queries.attainment(s, since=MONDAY, until=MONDAY + timedelta(days=1), team_id=team.id)
    first = next(a for a in found if a.kind.value == "first_reply")
    assert (first.met, first.missed, first.share) == (1, 1, 0.5)


def _retime(db: Database, settings: Settings) -> int:
    runner = Runner(db, settings, Provided())
    ran = 0
    while runner.run_next((service_levels.RETIME,)):
        ran += 1
    return ran


def test_a_policy_edited_later_retimes_the_open_cases_it_governs(
    db: Database, make: Factory, settings: Settings
) -> None:
    """A supervisor shortens the first-reply target: the open cases are due sooner, not from their next change."""
    team, other = make.team(), make.team()
    set_policy(db, team, normal=Targets(240, 480, 2400))
    with clock.frozen(MONDAY):
        waiting = make.case(team=team)
        elsewhere = make.case(team=other)
        _retime(db, settings)  # the first policy's own retime: nothing open yet
    assert due(db, waiting.id) == (MONDAY + timedelta(minutes=240), "first_reply")
    before_elsewhere = due(db, elsewhere.id)
    with clock.frozen(MONDAY + timedelta(minutes=30)):
        set_policy(db, team, normal=Targets(60, 120, 600))
        assert due(db, waiting.id)[0] == MONDAY + timedelta(minutes=240)  # the edit only asks the worker
        assert _retime(db, settings) == 1
    assert due(db, waiting.id) == (MONDAY + timedelta(minutes=60), "first_reply")  # 30 used, 30 left
    assert due(db, elsewhere.id) == before_elsewhere  # another team's case is not touched


def test_the_business_hours_edited_retime_every_open_case(db: Database, make: Factory, settings: Settings) -> None:
    wiring.wire(settings)  # as every process does at start: the business tells the service levels
    admin = make.staff(Role.ADMIN)
    with clock.frozen(MONDAY + timedelta(hours=7)):  # 16:00: one hour today, the rest tomorrow
        case = make.case(team=make.team())
    first, _ = due(db, case.id)
    assert first is not None and first.date() > MONDAY.date()
    with clock.frozen(MONDAY + timedelta(hours=7, minutes=10)):
        with db.unit_of_work() as s:
            now = business.current(s)
            business.save_settings(
                s,
                StaffActor(admin.id, Role.ADMIN),
                week={d: [["00:00", "23:59"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                timezone="UTC",
                support_phone=now.support_phone,
                reply_target_hours=int(now.reply_target_hours),
                tier_cap_minutes=now.tier_cap_minutes,
                callback_minutes=now.callback_minutes,
                chat_greeting=now.chat_greeting,
            )
        _retime(db, settings)
    later, _ = due(db, case.id)
    assert later is not None and later < first - timedelta(hours=12)  # open round the clock now: due hours sooner
