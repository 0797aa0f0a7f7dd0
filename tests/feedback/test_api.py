"""The feedback story through the API: a complaint about billing marked, handled by billing, answered to the agent."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory
from tests.feedback.seed import first_message
from tests.surveys.seed import answerable_survey


def test_a_complaint_reaches_the_department_and_its_answer_reaches_the_agent(client: TestClient, make: Factory) -> None:
    support, billing = make.team(), make.department()
    agent = make.staff(Role.AGENT, team=support)
    clerk = make.staff(Role.AGENT, department=billing)
    boss = make.staff(Role.SUPERVISOR, team=support)
    customer = make.customer("ana@example.com", name="Ana Lopez")
    number = make.case(customer, team=support, owner=agent, body="Billing took the money twice. Again!").id
    message = first_message(make.db, number)

    refused = client.post(
        f"/api/v1/cases/{number}/feedback",
        json={"entry_id": message, "kind": "complaint", "team_id": support.id, "department_id": billing.id},
        headers=agent.headers,
    )
    assert refused.status_code == 422  # one team or one department, not both
    marked = client.post(
        f"/api/v1/cases/{number}/feedback",
        json={"entry_id": message, "kind": "complaint", "department_id": billing.id, "note": "Second time"},
        headers=agent.headers,
    )
    assert marked.status_code == 201, marked.text
    made = marked.json()
    assert (made["state"], made["concerns"], made["words"]) == (
        "new",
        billing.name,
        "Billing took the money twice. Again!",
    )

    [seen] = client.get("/api/v1/feedback", headers=clerk.headers).json()
    assert seen["id"] == made["id"] and seen["case_subject"] and seen["note"] == "Second time"
    assert client.get("/api/v1/feedback", headers=agent.headers).json() == []  # not the support team's to handle
    assert client.get(f"/api/v1/cases/{number}", headers=clerk.headers).status_code == 200  # the case, for context
    everyone = client.get("/api/v1/feedback", params={"department_id": billing.id}, headers=boss.headers).json()
    assert [f["id"] for f in everyone] == [made["id"]]

    acknowledged = client.post(f"/api/v1/feedback/{made['id']}/acknowledge", headers=clerk.headers)
    assert acknowledged.json()["state"] == "acknowledged" and acknowledged.json()["acknowledged_by"] == clerk.id
    assert (
        client.post(f"/api/v1/feedback/{made['id']}/answer", json={"answer": "No."}, headers=agent.headers).status_code
        == 403
    )
    answered = client.post(
        f"/api/v1/feedback/{made['id']}/answer",
        json={"answer": "Refunded the second charge; the card run is fixed."},
        headers=clerk.headers,
    )
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    again = client.post(f"/api/v1/feedback/{made['id']}/answer", json={"answer": "Again"}, headers=clerk.headers)
    assert again.status_code == 409

    told = client.get("/api/v1/notifications", headers=agent.headers).json()["items"]
    [answer_notice] = [n for n in told if n["kind"] == "feedback_answered"]
    assert "Refunded the second charge" in answer_notice["text"] and answer_notice["case_number"] == number
    [mine] = client.get("/api/v1/feedback", params={"mine": "true"}, headers=agent.headers).json()
    assert mine["answer"] == "Refunded the second charge; the card run is fixed."

    figures = client.get(f"/api/v1/departments/{billing.id}/figures", headers=clerk.headers).json()
    assert figures["feedback_by_kind"] == {"compliment": 0, "complaint": 1, "suggestion": 0}
    assert figures["on_time_rate"] is None and figures["consults_answered"] == 0 and figures["days"] == 30
    assert client.get(f"/api/v1/departments/{billing.id}/figures", headers=agent.headers).status_code == 403


def test_a_survey_comment_answered_through_the_api_reaches_the_team(client: TestClient, make: Factory) -> None:
    support = make.team()
    boss = make.staff(Role.SUPERVISOR, team=support)
    customer = make.customer("ben@example.com")
    number = make.case(customer, team=support).id
    survey = answerable_survey(make, number)
    answered = client.post(
        f"/api/v1/surveys/{survey}/answer",
        json={"score": 5, "comment": "Dana was lovely, thank you"},
        headers=make.customer_session(customer),
    )
    assert answered.status_code == 200, answered.text
    [routed] = client.get("/api/v1/feedback", params={"team_id": support.id}, headers=boss.headers).json()
    assert (routed["kind"], routed["source"], routed["words"]) == ("compliment", "survey", "Dana was lovely, thank you")
    assert routed["case_id"] == number and routed["marked_by"] is None
