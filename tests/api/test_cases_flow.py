"""The case desk through HTTP: a customer writes, an agent answers, the case resolves."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory


def test_a_case_from_first_contact_to_resolution(client: TestClient, make: Factory) -> None:
    team = make.team("support")
    agent = make.staff(Role.AGENT, team=team)

    created = client.post(
        "/api/v1/cases",
        headers=agent.headers,
        json={
            "customer": {"email": "Ana.Silva@Example.com", "name": "Ana Silva"},
            "subject": "Charged twice",
            "body": "My card shows two charges of 49 EUR.",
            "channel": "email",
            "team_id": team.id,
            "tags": ["Billing"],
        },
    )
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["status"] == "new"
    assert case["customer"]["name"] == "Ana Silva"
    assert case["tags"] == ["billing"]
    number = case["number"]

    # The same address later is the same customer, whatever its case.
    again = client.post(
        "/api/v1/cases",
        headers=agent.headers,
        json={
            "customer": {"email": "ana.silva@example.com"},
            "subject": "Another thing",
            "body": "Hi",
            "channel": "email",
        },
    )
    assert again.json()["customer"]["id"] == case["customer"]["id"]

    reply = client.post(
        f"/api/v1/cases/{number}/replies",
        headers=agent.headers,
        json={"body": "I see both charges; refunding one now.", "status": "waiting_on_customer"},
    )
    assert reply.status_code == 201, reply.text
    detail = client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()
    assert detail["status"] == "waiting_on_customer"
    assert detail["first_human_reply_at"] is not None
    assert detail["owner"]["id"] == agent.id  # the first human reply takes ownership (P3)
    bodies = [e["body"] for e in detail["timeline"] if e["kind"] == "message"]
    assert bodies == ["My card shows two charges of 49 EUR.", "I see both charges; refunding one now."]

    resolved = client.post(f"/api/v1/cases/{number}/resolve", headers=agent.headers)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    reopened = client.post(f"/api/v1/cases/{number}/reopen", headers=agent.headers)
    assert reopened.json()["status"] == "open"
    assert reopened.json()["reopen_count"] == 1
