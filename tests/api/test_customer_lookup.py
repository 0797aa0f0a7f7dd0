"""`GET /api/v1/customers?q=`: finding a customer by address, phone number or name, for staff."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sameside.customers import service as customer_service
from sameside.customers.models import Customer
from sameside.customers.rules import IdentityKind
from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import SYSTEM, Factory


@pytest.fixture
def people(make: Factory, db: Database) -> dict[str, Customer]:
    ana = make.customer("ana.lima@example.com", name="Ana Lima")
    with db.unit_of_work() as s:
        row = s.get(Customer, ana.id)
        assert row is not None
        customer_service.add_identity(s, SYSTEM, row, IdentityKind.PHONE, "+44 20 7946 0018")
    return {
        "ana": ana,
        "anatole": make.customer("tole@example.com", name="anatole France"),
        "bo": make.customer("bo@example.org", name="Bo Berg"),
    }


@pytest.mark.parametrize(
    ("query", "kind", "who"),
    [
        ("ana.lima@example.com", "email", ["ana"]),
        ("ANA.LIMA@EXAMPLE.COM", "email", ["ana"]),
        ("bo@", "email", ["bo"]),
        ("+44 20 7946 0018", "phone", ["ana"]),
        ("0044-20-7946", "phone", ["ana"]),
        ("ana", "name", ["ana", "anatole"]),
        ("Ana Li", "name", ["ana"]),
        ("tole", "name", ["anatole"]),  # the start of an address, as one word
        ("zed", "name", []),
    ],
)
def test_staff_find_a_customer(
    client: TestClient, make: Factory, people: dict[str, Customer], query: str, kind: str, who: list[str]
) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    response = client.get("/api/v1/customers", params={"q": query}, headers=agent.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["matched_by"] == kind
    assert sorted(item["id"] for item in body["items"]) == sorted(people[n].id for n in who)
    if who:
        assert body["items"][0]["identities"], "each match comes with its addresses and numbers"


def test_the_limit_caps_the_answer(client: TestClient, make: Factory, people: dict[str, Customer]) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    response = client.get("/api/v1/customers", params={"q": "ana", "limit": 1}, headers=agent.headers)
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}, {"q": "ana", "limit": 0}])
def test_a_query_that_is_not_one_is_a_precise_422(client: TestClient, make: Factory, params: dict[str, object]) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    response = client.get("/api/v1/customers", params=params, headers=agent.headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_customers_cannot_look_others_up(client: TestClient, make: Factory, people: dict[str, Customer]) -> None:
    headers = make.customer_session(people["bo"])
    assert client.get("/api/v1/customers", params={"q": "ana"}, headers=headers).status_code == 403
    assert client.get("/api/v1/customers", params={"q": "ana"}).status_code == 401
