"""The service-levels API over HTTP: a team's policy read and replaced, refusals, attainment, due times on cases."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory

WEEK = {"mon": [{"opens": "09:00", "closes": "17:00"}], "fri": [{"opens": "09:00", "closes": "13:00"}]}


def policy(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "timezone": "Europe/Berlin",
        "week": WEEK,
        "holidays": ["2026-12-25"],
        "targets": {"urgent": {"first_reply_minutes": 30, "next_reply_minutes": 60, "resolution_minutes": 480}},
    }
    body.update(changes)
    return body


def test_a_supervisor_replaces_their_teams_policy_and_anyone_reads_it(client: TestClient, make: Factory) -> None:
    team = make.team()
    lead = make.staff(Role.SUPERVISOR, team=team)
    agent = make.staff(team=team)
    before = client.get(f"/api/v1/teams/{team.id}/service-levels", headers=agent.headers)
    assert before.status_code == 200 and before.json()["own_targets"] is False
    saved = client.put(f"/api/v1/teams/{team.id}/service-levels", json=policy(), headers=lead.headers)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["timezone"] == "Europe/Berlin" and body["holidays"] == ["2026-12-25"] and body["own_calendar"]
    assert body["week"]["fri"] == [{"opens": "09:00", "closes": "13:00"}] and body["week"]["sun"] == []
    urgent = next(t for t in body["targets"] if t["priority"] == "urgent")
    assert urgent["first_reply_minutes"] == 30


def test_bad_policies_are_refused_precisely(client: TestClient, make: Factory) -> None:
    team = make.team()
    other = make.team()
    lead = make.staff(Role.SUPERVISOR, team=team)
    agent = make.staff(team=team)
    url = f"/api/v1/teams/{team.id}/service-levels"
    zone = client.put(url, json=policy(timezone="Mars/Olympus"), headers=lead.headers)
    assert zone.status_code == 422 and "not a time zone" in zone.json()["detail"]
    closed = client.put(url, json=policy(week={}), headers=lead.headers)
    assert closed.status_code == 422 and "at least one day" in closed.json()["detail"]
    backwards = client.put(
        url, json=policy(week={"mon": [{"opens": "17:00", "closes": "09:00"}]}), headers=lead.headers
    )
    assert backwards.status_code == 422 and "before closing" in backwards.json()["detail"]
    assert client.put(url, json=policy(holidays=["Christmas"]), headers=lead.headers).status_code == 422
    assert client.put(url, json=policy(), headers=agent.headers).status_code == 403
    assert (
        client.put(f"/api/v1/teams/{other.id}/service-levels", json=policy(), headers=lead.headers).status_code == 403
    )
    assert client.get("/api/v1/teams/999999/service-levels", headers=agent.headers).status_code == 404


def test_a_case_says_when_it_is_due_and_attainment_is_reported(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent = make.staff(team=team)
    case = make.case(team=team)
    got = client.get(f"/api/v1/cases/{case.id}", headers=agent.headers)
    assert got.status_code == 200 and got.json()["due_kind"] == "first_reply" and got.json()["due_at"]
    report = client.get(f"/api/v1/reports/service-levels?team_id={team.id}", headers=agent.headers)
    assert report.status_code == 200 and report.json()["rows"] == []
    assert client.get("/api/v1/reports/service-levels?days=0", headers=agent.headers).status_code == 422
