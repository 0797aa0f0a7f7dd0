"""Grants over the API (P5): within budget at once, above it to a supervisor inside the case, never overspent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory, Person

GOODWILL = {"kind": "voucher", "purpose": "goodwill", "amount_minor": 2000, "currency": "EUR", "reason": "Late twice"}
REMEDY = {
    "kind": "refund",
    "purpose": "remedy",
    "amount_minor": 12000,
    "currency": "EUR",
    "reason": "Broken on arrival",
}


def _budget(client: TestClient, admin: Person, **body: object) -> None:
    answer = client.put("/api/v1/budgets", json={"currency": "EUR", **body}, headers=admin.headers)
    assert answer.status_code == 204, answer.text


def test_within_budget_a_grant_is_issued_at_once_and_above_it_a_supervisor_answers_inside_the_case(
    client: TestClient, make: Factory
) -> None:
    team = make.team("support")
    admin = make.staff(Role.ADMIN, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    agent = make.staff(Role.AGENT, team=team, password=None)
    case = make.case(team=team, owner=agent)
    _budget(client, admin, role="agent", amount_minor=5000)

    goodwill = client.post(f"/api/v1/cases/{case.id}/grants", json=GOODWILL, headers=agent.headers)
    assert goodwill.status_code == 201, goodwill.text
    assert goodwill.json()["state"] == "issued" and goodwill.json()["amount"] == "20.00 €"
    left = client.get("/api/v1/budgets/me", headers=agent.headers).json()
    assert (left["spent_minor"], left["left"]) == (2000, "30.00 €")

    remedy = client.post(f"/api/v1/cases/{case.id}/grants", json=REMEDY, headers=agent.headers)
    assert remedy.status_code == 201 and remedy.json()["state"] == "requested"
    waiting = client.get("/api/v1/grants/requested", headers=supervisor.headers).json()
    assert [g["id"] for g in waiting] == [remedy.json()["id"]]
    told = client.get("/api/v1/notifications", headers=supervisor.headers).json()["items"]
    assert any("approve a remedy refund of 120.00 €" in n["text"] and "30.00 € left" in n["text"] for n in told)

    refused = client.post(
        f"/api/v1/grants/{remedy.json()['id']}/review",
        json={"verdict": "approve", "reason": "ok"},
        headers=agent.headers,
    )
    assert refused.status_code == 403
    approved = client.post(
        f"/api/v1/grants/{remedy.json()['id']}/review",
        json={"verdict": "approve", "reason": "Fair: it arrived broken", "amount_minor": 10000},
        headers=supervisor.headers,
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["state"], approved.json()["amount_minor"], approved.json()["asked_minor"]) == (
        "issued",
        10000,
        12000,
    )
    again = client.post(
        f"/api/v1/grants/{remedy.json()['id']}/review",
        json={"verdict": "decline", "reason": "no"},
        headers=supervisor.headers,
    )
    assert again.status_code == 409

    # The owner keeps the case; the customer reads what they got; the budget was not touched by the approval.
    after = client.get(f"/api/v1/cases/{case.id}", headers=agent.headers).json()
    assert after["owner"]["id"] == agent.id
    assert client.get("/api/v1/budgets/me", headers=agent.headers).json()["spent_minor"] == 2000
    customer_view = make.customer_session(case.customer)
    public = client.get(f"/api/v1/cases/{case.id}", headers=customer_view).json()["timeline"]
    bodies = [e.get("body") for e in public]
    assert "We have sent you a voucher worth 20.00 €." in bodies and "We have refunded 100.00 € to you." in bodies

    # Beside every later case of theirs: the customer's earlier grants.
    history = client.get(f"/api/v1/customers/{case.customer_id}/grants", headers=agent.headers).json()
    assert [(g["kind"], g["purpose"], g["amount_minor"]) for g in history] == [
        ("refund", "remedy", 10000),
        ("voucher", "goodwill", 2000),
    ]

    # Reversed on the record, and the budget it came from gets it back.
    reversed_ = client.post(
        f"/api/v1/grants/{goodwill.json()['id']}/reversal", json={"reason": "Sent twice"}, headers=supervisor.headers
    )
    assert reversed_.status_code == 200 and reversed_.json()["state"] == "reversed"
    assert client.get("/api/v1/budgets/me", headers=agent.headers).json()["spent_minor"] == 0


def test_policy_ceilings_hold_for_a_supervisor_too_and_bad_money_is_a_clear_422(
    client: TestClient, make: Factory
) -> None:
    team = make.team()
    admin = make.staff(Role.ADMIN, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    case = make.case(team=team, owner=supervisor)
    ceiling = client.put(
        "/api/v1/grant-ceilings/voucher", json={"currency": "EUR", "max_minor": 5000}, headers=admin.headers
    )
    assert ceiling.status_code == 200

    over = client.post(
        f"/api/v1/cases/{case.id}/grants", json={**GOODWILL, "amount_minor": 5001}, headers=supervisor.headers
    )
    assert over.status_code == 422 and "at most 50.00 €" in over.json()["detail"]
    for bad in ({"amount_minor": 12.5}, {"currency": "euro"}, {"amount_minor": 0}, {"purpose": "bribe"}):
        answer = client.post(f"/api/v1/cases/{case.id}/grants", json={**GOODWILL, **bad}, headers=supervisor.headers)
        assert answer.status_code == 422, (bad, answer.text)
    assert client.get(f"/api/v1/cases/{case.id}/grants", headers=supervisor.headers).json() == []


def test_an_agent_without_a_budget_asks_and_a_colleagues_case_is_not_theirs_to_grant_on(
    client: TestClient, make: Factory
) -> None:
    team = make.team()
    owner = make.staff(Role.AGENT, team=team, password=None)
    colleague = make.staff(Role.AGENT, team=team, password=None)
    case = make.case(team=team, owner=owner)
    asked = client.post(f"/api/v1/cases/{case.id}/grants", json=GOODWILL, headers=owner.headers)
    assert asked.status_code == 201 and asked.json()["state"] == "requested"
    assert client.get("/api/v1/budgets/me", headers=owner.headers).status_code == 204
    other = client.post(f"/api/v1/cases/{case.id}/grants", json=GOODWILL, headers=colleague.headers)
    assert other.status_code == 403


def test_concurrent_grants_never_overspend_a_budget(client: TestClient, make: Factory) -> None:
    team = make.team()
    admin = make.staff(Role.ADMIN, password=None)
    agents = [make.staff(Role.AGENT, team=team, password=None) for _ in range(2)]
    cases = {a.id: make.case(team=team, owner=a) for a in agents}
    _budget(client, admin, role="agent", amount_minor=10000)  # room for five 20 € vouchers each

    def grant(agent: Person) -> str:
        answer = client.post(f"/api/v1/cases/{cases[agent.id].id}/grants", json=GOODWILL, headers=agent.headers)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["state"])

    with ThreadPoolExecutor(16) as pool:
        states = list(pool.map(grant, [a for a in agents for _ in range(12)]))

    assert states.count("issued") == 10 and states.count("requested") == 14
    for agent in agents:
        budget = client.get("/api/v1/budgets/me", headers=agent.headers).json()
        assert budget["spent_minor"] == 10000
        issued = [
            g
            for g in client.get(f"/api/v1/cases/{cases[agent.id].id}/grants", headers=agent.headers).json()
            if g["state"] == "issued"
        ]
        assert sum(g["amount_minor"] for g in issued) == 10000
