"""An incident for the role and page walks: declared by a supervisor, scoped to a product tag."""

from __future__ import annotations

from sameside.db.engine import Database
from sameside.incidents import service
from sameside.kit.actors import Role, StaffActor


def declared_incident(db: Database, supervisor_id: int, *, title: str = "Card payments fail") -> int:
    with db.unit_of_work() as s:
        actor = StaffActor(supervisor_id, Role.SUPERVISOR)
        return service.declare(
            s, actor, title=title, message="Payments fail at checkout.", tags=["payments"]
        ).incident.id


def incident_path(db: Database, supervisor_id: int, suffix: str = "") -> str:
    return f"/api/v1/incidents/{declared_incident(db, supervisor_id)}{suffix}"
