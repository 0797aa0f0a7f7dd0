"""Escalation requests over the API: the customer or an agent asks, the owner and supervisor hear, the case stays."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory


def test_a_customer_asks_for_someone_senior_and_the_case_keeps_its_owner(client: TestClient, make: Factory) -> None:
    team = make.team("support")
    owner = make.staff(Role.AGENT, team=team, password=None)
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    customer = make.customer(name="Ana Silva")
    number = make.case(customer, team=team, owner=owner).id

    asked = client.post(
        f"/api/v1/cases/{number}/escalation",
        json={"reason": "A week without an answer."},
        headers=make.customer_session(customer),
    )
    client.cookies.clear()
    assert asked.status_code == 201, asked.text
    assert asked.json()["event"] == "escalation_requested"
    assert asked.json()["data"] is None  # who was told is internal

    case = client.get(f"/api/v1/cases/{number}", headers=owner.headers).json()
    assert case["owner"]["id"] == owner.id and case["team"]["id"] == team.id
    assert case["priority"] == "high"
    [event] = [e for e in case["timeline"] if e["event"] == "escalation_requested"]
    assert event["public"] is False
    assert event["data"]["reason"] == "A week without an answer." and event["data"]["source"] == "api"
    assert event["data"]["told"] == [owner.id, boss.id]

    for person in (owner, boss):
        listed = client.get("/api/v1/notifications", headers=person.headers).json()
        assert listed["unread"] == 1
        assert listed["items"][0]["kind"] == "escalation" and listed["items"][0]["case_number"] == number


def test_staff_must_say_what_they_need_and_strangers_see_no_case(client: TestClient, make: Factory) -> None:
    team = make.team()
    owner = make.staff(Role.AGENT, team=team, password=None)
    outsider = make.staff(Role.AGENT, team=make.team(), password=None)
    admin = make.staff(Role.ADMIN, password=None)
    number = make.case(team=team, owner=owner).id

    empty = client.post(f"/api/v1/cases/{number}/escalation", json={"reason": ""}, headers=owner.headers)
    assert empty.status_code == 422
    assert empty.headers["content-type"].startswith("application/problem+json")
    assert "supervisor" in empty.json()["detail"]

    # Another team's agent reads the case but does not act on it; a restricted team's case they do not see.
    seen = client.post(f"/api/v1/cases/{number}/escalation", json={"reason": "Help"}, headers=outsider.headers)
    assert seen.status_code == 403 and "another team's" in seen.json()["detail"]
    restrict = client.patch(f"/api/v1/teams/{team.id}", json={"restricted": True}, headers=admin.headers)
    assert restrict.status_code == 200
    hidden = client.post(f"/api/v1/cases/{number}/escalation", json={"reason": "Help"}, headers=outsider.headers)
    missing = client.post(f"/api/v1/cases/{number + 999}/escalation", json={"reason": "Help"}, headers=outsider.headers)
    assert hidden.status_code == missing.status_code == 404

    too_long = client.post(f"/api/v1/cases/{number}/escalation", json={"reason": "x" * 2001}, headers=owner.headers)
    assert too_long.status_code == 422
