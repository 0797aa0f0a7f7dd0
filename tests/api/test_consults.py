"""Transfers and consults over the API: the brief is required, the consult goes there and back."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory

BRIEF = {"problem": "Charged twice", "tried": "Checked the log", "promised": "A refund by Friday", "feeling": "Annoyed"}


def test_a_transfer_without_a_whole_brief_is_refused_and_with_one_moves_the_case(
    client: TestClient, make: Factory
) -> None:
    support, billing = make.team("support"), make.team("billing")
    owner = make.staff(Role.AGENT, team=support, password=None)
    number = make.case(team=support, owner=owner).id

    refused = client.post(
        f"/api/v1/cases/{number}/transfer",
        json={"team_id": billing.id, "brief": {**BRIEF, "promised": " "}},
        headers=owner.headers,
    )
    assert refused.status_code == 422
    assert "what was promised" in refused.json()["detail"]

    moved = client.post(
        f"/api/v1/cases/{number}/transfer", json={"team_id": billing.id, "brief": BRIEF}, headers=owner.headers
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["team"]["id"] == billing.id and moved.json()["owner"] is None


def test_a_consult_is_asked_queued_and_answered_over_the_api(client: TestClient, make: Factory) -> None:
    team, shipping = make.team("support"), make.department("shipping")
    owner = make.staff(Role.AGENT, team=team, password=None)
    clerk = make.staff(Role.AGENT, department=shipping, password=None)
    number = make.case(team=team, owner=owner).id

    asked = client.post(
        f"/api/v1/cases/{number}/consults",
        json={"department_id": shipping.id, "question": "Has it left the depot?"},
        headers=owner.headers,
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["overdue"] is False and asked.json()["answer"] is None
    assert client.get(f"/api/v1/cases/{number}", headers=owner.headers).json()["status"] == "waiting_on_internal"

    queue = client.get(f"/api/v1/departments/{shipping.id}/consults", headers=clerk.headers)
    assert [c["question"] for c in queue.json()] == ["Has it left the depot?"]
    answered = client.post(
        f"/api/v1/consults/{asked.json()['id']}/answer", json={"answer": "Yes, this morning."}, headers=clerk.headers
    )
    assert answered.status_code == 200 and answered.json()["answer"] == "Yes, this morning."
    case = client.get(f"/api/v1/cases/{number}", headers=owner.headers).json()
    assert case["status"] == "open" and case["owner"]["id"] == owner.id
    again = client.post(
        f"/api/v1/consults/{asked.json()['id']}/answer", json={"answer": "Twice?"}, headers=clerk.headers
    )
    assert again.status_code == 409
