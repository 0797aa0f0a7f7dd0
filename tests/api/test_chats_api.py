"""The API for where channels lead, "Needs a team", the chats queue's counts, presence and chat capacity."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.customers.rules import Channel
from sameside.kit.actors import Role
from tests.factories import Factory


def test_an_admin_gives_channels_their_teams_and_every_new_case_then_has_one(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    agent = make.staff(Role.AGENT, password=None)
    support, live = make.team("support"), make.team("live")

    empty = client.get("/api/v1/channel-teams", headers=agent.headers)
    assert empty.status_code == 200
    assert empty.json()["teams"] == {"default": None, "email": None, "portal": None, "chat": None, "phone": None}

    assert (
        client.put("/api/v1/channel-teams/default", json={"team_id": support.id}, headers=agent.headers).status_code
        == 403
    )
    refused = client.put("/api/v1/channel-teams/fax", json={"team_id": support.id}, headers=admin.headers)
    assert refused.status_code == 404 and "no channel 'fax'" in refused.json()["detail"]
    missing = client.put("/api/v1/channel-teams/chat", json={"team_id": 999999}, headers=admin.headers)
    assert missing.status_code == 404
    assert client.put("/api/v1/channel-teams/chat", json={"team": 1}, headers=admin.headers).status_code == 422

    client.put("/api/v1/channel-teams/default", json={"team_id": support.id}, headers=admin.headers)
    done = client.put("/api/v1/channel-teams/chat", json={"team_id": live.id}, headers=admin.headers)
    assert done.status_code == 200
    teams = done.json()["teams"]
    assert (teams["default"]["slug"], teams["chat"]["slug"], teams["portal"]) == ("support", "live", None)

    assert make.case(channel=Channel.PORTAL).team_id == support.id
    assert make.case(channel=Channel.CHAT).team_id == live.id


def test_supervisors_read_the_cases_that_need_a_team(client: TestClient, make: Factory) -> None:
    supervisor = make.staff(Role.SUPERVISOR, password=None)
    agent = make.staff(Role.AGENT, password=None)
    number = make.case(channel=Channel.PORTAL).id

    assert client.get("/api/v1/needs-a-team", headers=supervisor.headers).json() == {"count": 1, "numbers": [number]}
    assert client.get("/api/v1/needs-a-team", headers=agent.headers).json() == {"count": 0, "numbers": []}
    assert client.get("/api/v1/needs-a-team").status_code == 401


def test_presence_and_capacity_through_the_api(client: TestClient, make: Factory) -> None:
    team = make.team("support")
    admin = make.staff(Role.ADMIN, password=None)
    agent = make.staff(Role.AGENT, team=team, password=None)
    client.put("/api/v1/channel-teams/default", json={"team_id": team.id}, headers=admin.headers)
    waiting = make.case(channel=Channel.CHAT).id

    before = client.get("/api/v1/staff/me/presence", headers=agent.headers).json()
    assert before == {"presence": "offline", "effective": "offline", "chat_capacity": 3, "live_chats": 0}
    assert client.get("/api/v1/chats/count", headers=agent.headers).json() == {"waiting": 1, "active": 0, "online": 0}

    bad = client.put("/api/v1/staff/me/presence", json={"presence": "asleep"}, headers=agent.headers)
    assert bad.status_code == 422
    online = client.put("/api/v1/staff/me/presence", json={"presence": "online"}, headers=agent.headers)
    assert online.json() == {"presence": "online", "effective": "online", "chat_capacity": 3, "live_chats": 1}
    assert client.get("/api/v1/chats/count", headers=agent.headers).json() == {"waiting": 0, "active": 1, "online": 1}
    assert client.get(f"/api/v1/cases/{waiting}", headers=agent.headers).json()["owner"]["id"] == agent.id

    path = f"/api/v1/staff/{agent.id}/chat-capacity"
    assert client.put(path, json={"chat_capacity": 5}, headers=agent.headers).status_code == 403
    assert client.put(path, json={"chat_capacity": 99}, headers=admin.headers).status_code == 422
    assert (
        client.put("/api/v1/staff/999999/chat-capacity", json={"chat_capacity": 2}, headers=admin.headers).status_code
        == 404
    )
    changed = client.put(path, json={"chat_capacity": 5}, headers=admin.headers)
    assert changed.json() == {"id": agent.id, "chat_capacity": 5}
