"""Articles for tests, written through the service as a staff member would."""

from __future__ import annotations

from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor
from sameside.knowledge import service
from sameside.knowledge.rules import Visibility


def article(
    db: Database,
    staff_id: int,
    *,
    title: str = "Returns within 30 days",
    body: str = "You can send anything back within **30 days** of delivery, and we refund it in full.",
    category: str = "Returns",
    public: bool = True,
    publish: bool = True,
) -> int:
    with db.unit_of_work() as s:
        made = service.create(
            s,
            StaffActor(staff_id, Role.ADMIN),
            title=title,
            body=body,
            category=category,
            visibility=Visibility.PUBLIC if public else Visibility.INTERNAL,
            publish=publish,
        )
        return made.id
