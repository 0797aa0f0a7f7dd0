"""The worker's round flags what is late: a consult past due reaches its case's owner and the department, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sameside import wiring
from sameside.cases.access import case_for
from sameside.config import Settings
from sameside.consults import service as consults
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.kit.hours import parse_hours
from sameside.staff.models import Department, Notification
from sameside.worker.loop import Worker
from tests.factories import Factory

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_round_tells_of_an_overdue_consult_once(db: Database, settings: Settings, make: Factory) -> None:
    team, shipping = make.team(), make.department()
    owner = make.staff(Role.AGENT, team=team, password=None)
    clerk = make.staff(Role.AGENT, department=shipping, password=None)
    number = make.case(team=team, owner=owner).id
    with clock.frozen(MONDAY), db.unit_of_work() as s:
        department = s.get(Department, shipping.id)
        assert department is not None
        consults.ask(
            s,
            StaffActor(owner.id, Role.AGENT, team.id),
            case_for(s, SystemActor("tests"), number),
            department,
            "Has it shipped?",
            parse_hours("Mon-Sun 00:00-23:59", "UTC"),
        )
    worker = Worker(db, settings, wiring.intake(db, settings))

    with clock.frozen(MONDAY + timedelta(days=2)):
        worker.run_once()
    with clock.frozen(MONDAY + timedelta(days=2, minutes=1)):  # the chore is due again, and flags nothing new
        worker.run_once()

    with db.unit_of_work(write=False) as s:
        rows = s.execute(select(Notification.staff_id, Notification.kind).order_by(Notification.id)).all()
    consult = [tuple(r) for r in rows if r.kind.startswith("consult")]  # the service-level watch speaks too
    assert consult == [(owner.id, "consult_overdue"), (clerk.id, "consult_overdue")]
