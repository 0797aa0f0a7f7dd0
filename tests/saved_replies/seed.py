"""Saved replies for tests, written through the service as a supervisor or admin would."""

from __future__ import annotations

from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor
from sameside.saved_replies import service


def shared_reply(db: Database, admin_id: int, *, title: str = "Refund on its way") -> int:
    """A shared saved reply for every team, by the admin numbered `admin_id`; its number."""
    with db.unit_of_work() as s:
        made = service.create(
            s,
            StaffActor(admin_id, Role.ADMIN),
            title=title,
            body="Dear {{ customer.form_of_address }}, your refund for case #{{ case.number }} is on its way.",
            shared=True,
        )
        return made.id
