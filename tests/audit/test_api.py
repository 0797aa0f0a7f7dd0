"""`GET /api/v1/audit`: admins read the log, filtered and paged; nobody else reads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory, Person


def _changes(client: TestClient, admin: Person, supervisor: Person, team_id: int) -> None:
    """Three renames by the admin, one routing change by the supervisor, and a new team."""
    for name in ("One", "Two", "Three"):
        assert client.patch(f"/api/v1/teams/{team_id}", headers=admin.headers, json={"name": name}).is_success
    assert client.patch(
        f"/api/v1/teams/{team_id}", headers=supervisor.headers, json={"routing": "least_loaded"}
    ).is_success
    assert client.post("/api/v1/teams", headers=admin.headers, json={"slug": "billing", "name": "Billing"}).is_success


def test_admins_read_the_log_newest_first_with_names_and_filters(client: TestClient, make: Factory) -> None:
    team = make.team(name="Zero")
    admin = make.staff(Role.ADMIN, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    _changes(client, admin, supervisor, team.id)

    everything = client.get("/api/v1/audit", headers=admin.headers)
    assert everything.status_code == 200, everything.text
    items = everything.json()["items"]
    assert [i["action"] for i in items] == ["created", "changed", "changed", "changed", "changed"]
    newest_rename = items[2]
    name = client.get(f"/api/v1/staff/{admin.id}", headers=admin.headers).json()["name"]
    assert newest_rename["actor"] == {"staff_id": admin.id, "name": name, "role": "admin"}
    assert newest_rename["changes"] == {"name": {"from": "Two", "to": "Three"}}
    assert newest_rename["entity"] == "teams" and newest_rename["entity_id"] == str(team.id)
    assert newest_rename["via"] == "api" and newest_rename["client"] == "testclient"

    by_supervisor = client.get(f"/api/v1/audit?staff_id={supervisor.id}", headers=admin.headers).json()["items"]
    assert [i["changes"] for i in by_supervisor] == [{"routing": {"from": "take_next", "to": "least_loaded"}}]
    created = client.get("/api/v1/audit?action=created", headers=admin.headers).json()["items"]
    assert [i["changes"]["name"] for i in created] == [{"to": "Billing"}]
    this_team = client.get(f"/api/v1/audit?entity=teams&entity_id={team.id}", headers=admin.headers).json()["items"]
    assert len(this_team) == 4
    assert client.get("/api/v1/audit?entity=staff", headers=admin.headers).json()["items"] == []

    later = quote((datetime.now(UTC) + timedelta(minutes=1)).isoformat())
    earlier = quote((datetime.now(UTC) - timedelta(minutes=5)).isoformat())
    assert client.get(f"/api/v1/audit?since={later}", headers=admin.headers).json()["items"] == []
    assert len(client.get(f"/api/v1/audit?since={earlier}&until={later}", headers=admin.headers).json()["items"]) == 5
    assert client.get(f"/api/v1/audit?until={earlier}", headers=admin.headers).json()["items"] == []


def test_pages_follow_one_another_by_cursor_without_gaps_or_repeats(client: TestClient, make: Factory) -> None:
    team = make.team(name="Zero")
    admin = make.staff(Role.ADMIN, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    _changes(client, admin, supervisor, team.id)
    whole = [i["id"] for i in client.get("/api/v1/audit", headers=admin.headers).json()["items"]]

    seen: list[int] = []
    url = "/api/v1/audit?limit=2"
    while True:
        page = client.get(url, headers=admin.headers).json()
        seen += [i["id"] for i in page["items"]]
        if page["next_cursor"] is None:
            break
        url = f"/api/v1/audit?limit=2&cursor={page['next_cursor']}"
    assert seen == whole and len(whole) == 5


def test_bad_filters_are_refused_precisely(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    for query, status in (
        ("cursor=not-a-cursor", 400),
        ("cursor=WyJub3QgYSB0aW1lIiwxXQ", 400),  # ["not a time", 1]
        ("since=2026-12-05T14:30:00", 422),  # no UTC offset
        ("entity_id=3", 422),  # needs its entity
        ("action=edited", 422),
        ("limit=0", 422),
    ):
        answer = client.get(f"/api/v1/audit?{query}", headers=admin.headers)
        assert answer.status_code == status, (query, answer.text)


def test_only_admins_read_the_log(client: TestClient, make: Factory) -> None:
    team = make.team()
    customer = make.customer()
    assert client.get("/api/v1/audit").status_code == 401
    assert client.get("/api/v1/audit", headers=make.customer_session(customer)).status_code == 403
    for role in (Role.AGENT, Role.SUPERVISOR):
        person = make.staff(role, team=team, password=None)
        assert client.get("/api/v1/audit", headers=person.headers).status_code == 403


def test_the_log_cannot_be_changed_through_the_api(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.request(method, "/api/v1/audit", headers=admin.headers, json={}).status_code == 405
