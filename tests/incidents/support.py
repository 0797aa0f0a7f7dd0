"""Helpers for incident tests: declare through the service, run the incident jobs as the worker would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.incidents import service
from sameside.incidents.models import Incident
from sameside.jobs.run import Provided
from sameside.kit.actors import Role, StaffActor
from sameside.mail.models import OutboundMail
from sameside.worker.runner import Runner
from tests.factories import Factory, Person

NAMES = (service.REACH, service.TELL, service.CLOSE)


def run_incident_jobs(db: Database, settings: Settings) -> int:
    runner = Runner(db, settings, Provided())
    ran = 0
    while runner.run_next(NAMES):
        ran += 1
    return ran


def supervisor(make: Factory) -> tuple[Person, StaffActor]:
    person = make.staff(Role.SUPERVISOR)
    return person, StaffActor(person.id, Role.SUPERVISOR)


def declare(db: Database, actor: StaffActor, **kw: Any) -> int:
    kw.setdefault("title", "Card payments fail")
    kw.setdefault("message", "Payments by card fail at checkout; your card is not charged.")
    with db.unit_of_work() as s:
        return service.declare(s, actor, **kw).incident.id


@dataclass(frozen=True)
class Sent:
    recipient: str
    raw: bytes | None
    customer_id: int | None


def notices(db: Database) -> list[Sent]:
    with db.unit_of_work(write=False) as s:
        return [
            Sent(m.recipient, m.raw, m.customer_id)
            for m in s.scalars(
                select(OutboundMail).where(OutboundMail.purpose == "incident_notice").order_by(OutboundMail.id)
            )
        ]


def status_of(db: Database, incident_id: int) -> str:
    with db.unit_of_work(write=False) as s:
        found = s.get(Incident, incident_id)
        assert found is not None
        return found.status.value
