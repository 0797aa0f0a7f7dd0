"""A webhook with one delivery in its log, for page tests (the page walk, the browser)."""

from __future__ import annotations

from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor
from sameside.webhooks import service


def webhook(db: Database, admin_id: int, url: str = "https://crm.example.com/hooks/sameside") -> int:
    with db.unit_of_work() as s:
        admin = StaffActor(admin_id, Role.ADMIN)
        hook, _ = service.subscribe(s, admin, url=url, events=["case.created"], description="CRM sync")
        service.ping(s, admin, hook.id)
        return hook.id
