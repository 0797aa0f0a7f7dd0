"""A customer's tier and organization are a supervisor's decision, and who made it is on record (P9)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.customers.models import Customer
from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.api.test_errors import problem_of
from tests.factories import Factory


def _customer(db: Database, customer_id: int) -> Customer:
    with db.unit_of_work(write=False) as s:
        found = s.get(Customer, customer_id)
        assert found is not None
        s.expunge_all()
        return found


def test_an_agent_cannot_change_a_tier_or_an_organization(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    admin = make.staff(Role.ADMIN, password=None)
    customer = make.customer("casey@example.com")
    org = client.post("/api/v1/organizations", headers=admin.headers, json={"name": "Acme", "domain": "acme.example"})
    for body in ({"tier": "enterprise"}, {"organization_id": org.json()["id"]}):
        refused = client.patch(f"/api/v1/customers/{customer.id}", headers=agent.headers, json=body)
        assert "supervisor" in problem_of(refused, 403)["detail"]
    kept = _customer(db, customer.id)
    assert kept.tier.value == "standard" and kept.organization_id is None and kept.tier_decided_by is None


def test_a_supervisors_tier_decision_is_recorded(client: TestClient, make: Factory, db: Database) -> None:
    supervisor = make.staff(Role.SUPERVISOR, team=make.team(), password=None)
    customer = make.customer("casey@example.com")
    changed = client.patch(f"/api/v1/customers/{customer.id}", headers=supervisor.headers, json={"tier": "premium"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["tier"] == "premium"
    decided = _customer(db, customer.id)
    assert decided.tier_decided_by == supervisor.id and decided.tier_decided_at is not None
