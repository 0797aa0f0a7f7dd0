"""A grant's states as other systems see them (P5): an approval is a step of its own before the grant is
issued, and a chosen grant nobody's budget can carry still reaches a supervisor, on the case."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import Factory
from tests.web.test_desk import signed_in

REMEDY = {"kind": "refund", "purpose": "remedy", "amount_minor": 12000, "currency": "EUR", "reason": "Broken"}


def _grant_entries(timeline: list[dict[str, Any]], grant_id: int) -> list[dict[str, Any]]:
    return [e for e in timeline if (e.get("payload") or {}).get("grant_id") == grant_id]


def test_an_approval_is_recorded_with_who_and_when_before_the_grant_is_issued(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    agent = make.staff(Role.AGENT, team=team, password=None)
    case = make.case(team=team, owner=agent)

    asked = client.post(f"/api/v1/cases/{case.id}/grants", json=REMEDY, headers=agent.headers).json()
    assert asked["state"] == "requested"  # no budget is set: a supervisor answers
    approved = client.post(
        f"/api/v1/grants/{asked['id']}/review",
        json={"verdict": "approve", "reason": "Our fault", "amount_minor": 10000},
        headers=supervisor.headers,
    ).json()
    assert approved["state"] == "issued"
    assert (approved["reviewed_by"], approved["review_reason"]) == (supervisor.id, "Our fault")
    assert approved["reviewed_at"] is not None and approved["issued_at"] is not None

    # The timeline, which integrations read, has each state in order: requested, approved (by whom), issued.
    timeline = client.get(f"/api/v1/cases/{case.id}", headers=agent.headers).json()["timeline"]
    steps = [
        (e["event"], e["payload"].get("verdict") or e["payload"].get("state"), e["author"]["id"])
        for e in _grant_entries(timeline, asked["id"])
    ]
    assert steps == [
        ("grant_approval_requested", "requested", agent.id),
        ("grant_approval_requested", "approved", supervisor.id),
        ("grant_made", "issued", supervisor.id),
    ]
    approval = _grant_entries(timeline, asked["id"])[1]
    assert approval["payload"]["amount_minor"] == 10000 and approval["payload"]["reason"] == "Our fault"

    # A declined request is a step of its own too, and nothing is issued.
    other = client.post(f"/api/v1/cases/{case.id}/grants", json=REMEDY, headers=agent.headers).json()
    declined = client.post(
        f"/api/v1/grants/{other['id']}/review",
        json={"verdict": "decline", "reason": "Already refunded"},
        headers=supervisor.headers,
    ).json()
    assert declined["state"] == "declined" and declined["issued_at"] is None
    timeline = client.get(f"/api/v1/cases/{case.id}", headers=agent.headers).json()["timeline"]
    assert [e["payload"].get("verdict") for e in _grant_entries(timeline, other["id"])] == ["requested", "declined"]

    # The desk reads the approval in words.
    signed_in(client, db, agent)
    page = client.get(f"/desk/cases/{case.id}")
    assert "Remedy refund of 100.00 € approved (Our fault)" in page.text


def test_a_chosen_grant_whose_offerer_and_owner_have_left_is_asked_of_a_supervisor_on_the_case(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    admin = make.staff(Role.ADMIN, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    agent = make.staff(Role.AGENT, team=team, password=None)
    customer = make.customer()
    case = make.case(customer, team=team, owner=agent)
    client.put(
        "/api/v1/budgets", json={"role": "agent", "amount_minor": 50000, "currency": "EUR"}, headers=admin.headers
    )
    offer = client.post(
        f"/api/v1/cases/{case.id}/offers",
        json={
            "options": [
                {"label": "A repair"},
                {
                    "label": "A refund of 30 €",
                    "grant": {"kind": "refund", "purpose": "remedy", "amount_minor": 3000, "currency": "EUR"},
                },
            ]
        },
        headers=agent.headers,
    ).json()
    # The agent who offered it, and who owned the case, leaves before the customer answers.
    left = client.post(f"/api/v1/staff/{agent.id}/deactivate", headers=admin.headers)
    assert left.status_code == 200, left.text

    chosen = client.post(
        f"/api/v1/offers/{offer['id']}/choice",
        json={"option_id": offer["options"][1]["id"]},
        headers=make.customer_session(customer),
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["state"] == "chosen" and chosen.json()["grant_id"] is not None

    grants = client.get(f"/api/v1/cases/{case.id}/grants", headers=supervisor.headers).json()
    assert [(g["id"], g["state"], g["amount_minor"], g["requested_by"]) for g in grants] == [
        (chosen.json()["grant_id"], "requested", 3000, None)
    ]
    waiting = client.get("/api/v1/grants/requested", headers=supervisor.headers).json()
    assert [g["id"] for g in waiting] == [chosen.json()["grant_id"]]
    told = client.get("/api/v1/notifications", headers=supervisor.headers).json()["items"]
    assert any(
        n["text"].startswith(f"#{case.id}: approve a remedy refund of 30.00 €") and "both left" in n["text"]
        for n in told
    )
    signed_in(client, db, supervisor)
    page = client.get(f"/desk/cases/{case.id}")
    assert "waiting for a supervisor" in page.text
    assert "who offered it and the case&#39;s owner have both left" in page.text
    client.cookies.clear()

    # The supervisor approves it inside the case: the customer reads what they got.
    approved = client.post(
        f"/api/v1/grants/{chosen.json()['grant_id']}/review",
        json={"verdict": "approve", "reason": "As offered"},
        headers=supervisor.headers,
    )
    assert approved.status_code == 200 and approved.json()["state"] == "issued"
    public = client.get(f"/api/v1/cases/{case.id}", headers=make.customer_session(customer)).json()["timeline"]
    assert "We have refunded 30.00 € to you." in [e.get("body") for e in public]
