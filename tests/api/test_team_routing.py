"""Routing and skills through the admin API: admins set anything, a supervisor their own team's routing and skills."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory


def test_an_admin_creates_a_routed_team_and_a_skilled_agent(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)

    team = client.post(
        "/api/v1/teams", headers=admin.headers, json={"slug": "de-support", "name": "DE", "routing": "skill"}
    )
    assert team.status_code == 201, team.text
    assert team.json()["routing"] == "skill"
    staff = client.post(
        "/api/v1/staff",
        headers=admin.headers,
        json={
            "email": "jonas@desk.example",
            "name": "Jonas",
            "role": "agent",
            "team_id": team.json()["id"],
            "languages": ["de-AT", "EN", "de"],
            "products": ["  Router   X2 ", "router x2", "Mesh"],
        },
    )
    assert staff.status_code == 201, staff.text
    assert staff.json()["languages"] == ["de", "en"]  # primary tags, lower case, each once
    assert staff.json()["products"] == ["Router X2", "Mesh"]

    # A case in that team now goes to the one who speaks German.
    opened = client.post(
        "/api/v1/cases",
        headers=admin.headers,
        json={
            "customer": {"email": "kunde@example.de", "name": "Kunde"},
            "subject": "Router",
            "body": "Mein Router verbindet sich nicht mehr mit dem Internet, obwohl ich ihn neu gestartet habe.",
            "channel": "email",
            "team_id": team.json()["id"],
            "tags": ["router-x2"],
        },
    )
    assert opened.status_code == 201, opened.text
    assert opened.json()["owner"]["id"] == staff.json()["id"]


def test_a_supervisor_sets_their_own_teams_routing_and_skills_only(client: TestClient, make: Factory) -> None:
    team, other = make.team(), make.team()
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    colleague = make.staff(Role.AGENT, team=team, password=None)
    stranger = make.staff(Role.AGENT, team=other, password=None)

    routed = client.patch(f"/api/v1/teams/{team.id}", headers=supervisor.headers, json={"routing": "least_loaded"})
    assert routed.status_code == 200, routed.text
    assert routed.json()["routing"] == "least_loaded"
    skilled = client.patch(
        f"/api/v1/staff/{colleague.id}", headers=supervisor.headers, json={"languages": ["pt-BR"], "products": ["Mesh"]}
    )
    assert skilled.status_code == 200, skilled.text
    assert (skilled.json()["languages"], skilled.json()["products"]) == (["pt"], ["Mesh"])

    refused = [
        client.patch(f"/api/v1/teams/{other.id}", headers=supervisor.headers, json={"routing": "skill"}),
        client.patch(f"/api/v1/teams/{team.id}", headers=supervisor.headers, json={"name": "Mine now"}),
        client.patch(f"/api/v1/teams/{team.id}", headers=supervisor.headers, json={"name": "X", "routing": "skill"}),
        client.patch(f"/api/v1/teams/{team.id}", headers=supervisor.headers, json={}),
        client.patch(f"/api/v1/staff/{stranger.id}", headers=supervisor.headers, json={"languages": ["fi"]}),
        client.patch(f"/api/v1/staff/{colleague.id}", headers=supervisor.headers, json={"role": "supervisor"}),
        client.patch(f"/api/v1/staff/{colleague.id}", headers=colleague.headers, json={"languages": ["fi"]}),
        client.patch(f"/api/v1/teams/{team.id}", headers=colleague.headers, json={"routing": "skill"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    teams = {t["id"]: t["routing"] for t in client.get("/api/v1/teams", headers=supervisor.headers).json()}
    assert (teams[team.id], teams[other.id]) == ("least_loaded", "take_next")  # a refusal changed nothing


def test_skills_are_checked(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    agent = make.staff(Role.AGENT, team=make.team(), password=None)

    def patch(body: dict[str, object]) -> int:
        return client.patch(f"/api/v1/staff/{agent.id}", headers=admin.headers, json=body).status_code

    assert patch({"languages": ["german"]}) == 422
    assert patch({"languages": ["d"]}) == 422
    assert patch({"products": [""]}) == 422
    assert patch({"products": ["x" * 65]}) == 422
    assert patch({"products": [f"p{n}" for n in range(21)]}) == 422
    assert patch({"languages": ["de", "fr"], "products": []}) == 200
    assert patch({"routing": "skill"}) == 422  # a team's field, not a person's
