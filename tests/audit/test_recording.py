"""What the audit log writes down: staff changes with before and after and where from, nothing else, never edited."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from sameside.audit.context import Acting, act_as
from sameside.audit.models import AuditEntry
from sameside.audit.recorder import install, record
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.staff.models import Team
from tests.factories import Factory
from tests.web.test_desk import signed_in as staff_signed_in
from tests.web.test_portal import sign_in as customer_signed_in


def logged(db: Database) -> list[AuditEntry]:
    with db.unit_of_work(write=False) as s:
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        s.expunge_all()
        return rows


@pytest.fixture
def acting_admin(db: Database, make: Factory) -> Iterator[int]:
    """An admin acting in this test's own context, as the HTTP edge says one is on a request."""
    install()
    admin = make.staff(Role.ADMIN, password=None)
    act_as(Acting(admin.id, Role.ADMIN, "api", client="203.0.113.9", request_id="req-1"))
    yield admin.id
    act_as(None)


def test_an_admins_change_through_the_api_is_recorded_with_before_after_and_where_from(
    client: TestClient, make: Factory, db: Database
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    team = make.team(name="Support")
    assert logged(db) == []  # the factories act as the software: nothing of theirs is written down

    renamed = client.patch(
        f"/api/v1/teams/{team.id}",
        headers={**admin.headers, "User-Agent": "curl/8.5", "X-Request-Id": "abc-123"},
        json={"name": "Customer care", "routing": "round_robin"},
    )

    assert renamed.status_code == 200, renamed.text
    [entry] = logged(db)
    assert (entry.staff_id, entry.role, entry.action) == (admin.id, Role.ADMIN, "changed")
    assert (entry.entity, entry.entity_id, entry.case_id) == ("teams", str(team.id), None)
    assert entry.changes == {
        "name": {"from": "Support", "to": "Customer care"},
        "routing": {"from": "take_next", "to": "round_robin"},
    }
    assert (entry.via, entry.client, entry.agent, entry.request_id) == ("api", "testclient", "curl/8.5", "abc-123")


def test_a_staff_reply_is_recorded_on_its_case_and_a_customers_own_requests_are_not(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    ana = make.customer("ana@example.com", name="Ana")

    # Ana opens a request in the portal and writes again through the API: customers are not staff.
    csrf = customer_signed_in(client, make, ana)
    assert client.post("/portal/new", data={"csrf": csrf, "subject": "Wrong size", "body": "M, not XL."}).is_success
    client.cookies.clear()
    assert logged(db) == []
    case = make.case(ana, team=team)
    again = client.post(f"/api/v1/cases/{case.id}/replies", headers=make.customer_session(ana), json={"body": "Hello?"})
    assert again.status_code == 201, again.text
    assert logged(db) == []

    answered = client.post(f"/api/v1/cases/{case.id}/replies", headers=agent.headers, json={"body": "On its way."})

    assert answered.status_code == 201, answered.text
    entries = logged(db)
    assert entries and {e.staff_id for e in entries} == {agent.id}
    assert {e.case_id for e in entries} == {case.id}  # the case, and its parts, are one filter away
    made = [e for e in entries if e.entity == "timeline_entries" and e.action == "created"]
    assert [e.changes["body"]["to"] for e in made if "body" in e.changes] == ["On its way."]
    assert not {"jobs", "mail_outbound", "notifications"} & {e.entity for e in entries}


def test_a_desk_form_is_recorded_as_from_the_desk(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team()
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    csrf = staff_signed_in(client, db, supervisor)

    changed = client.post(f"/desk/team/{team.id}/routing", data={"csrf": csrf, "routing": "least_loaded"})

    assert changed.status_code < 400, changed.text
    [entry] = logged(db)
    assert (entry.staff_id, entry.via, entry.entity) == (supervisor.id, "desk", "teams")
    assert entry.changes == {"routing": {"from": "take_next", "to": "least_loaded"}}


def test_a_rolled_back_change_leaves_no_entry_and_a_committed_one_does(db: Database, acting_admin: int) -> None:
    with pytest.raises(RuntimeError), db.unit_of_work() as s:
        s.add(Team(slug="gone", name="Gone"))
        s.flush()
        raise RuntimeError("refused after the flush")
    assert logged(db) == []

    with db.unit_of_work() as s:
        s.add(Team(slug="kept", name="Kept"))
    [entry] = logged(db)
    assert (entry.action, entry.entity, entry.staff_id) == ("created", "teams", acting_admin)
    assert entry.changes["name"] == {"to": "Kept"}
    assert (entry.client, entry.request_id) == ("203.0.113.9", "req-1")


def test_a_deleted_row_keeps_what_it_was(db: Database, acting_admin: int) -> None:
    with db.unit_of_work() as s:
        team = Team(slug="brief", name="Brief")
        s.add(team)
    with db.unit_of_work() as s:
        s.delete(s.get(Team, team.id))

    _created, deleted = logged(db)
    assert (deleted.action, deleted.entity_id) == ("deleted", str(team.id))
    assert deleted.changes["name"] == {"from": "Brief"}


def test_the_database_refuses_to_change_or_delete_an_entry(db: Database, acting_admin: int) -> None:
    with db.unit_of_work() as s:
        s.add(Team(slug="kept", name="Kept"))
    [entry] = logged(db)

    refused = ("UPDATE audit_log SET staff_id = 1", "DELETE FROM audit_log", "UPDATE audit_log SET changes = '{}'")
    for statement in refused:
        with pytest.raises(DBAPIError, match="never changed"), db.engine.begin() as conn:
            conn.execute(text(statement))
    assert [e.changes for e in logged(db)] == [entry.changes]


def test_a_core_write_is_recorded_through_record(db: Database, acting_admin: int) -> None:
    with db.unit_of_work() as s:
        before, after = {"owner_id": None, "status": "new"}, {"owner_id": 3, "status": "new"}
        record(s, "changed", "cases", 7, before, after, case_id=7)
        record(s, "changed", "cases", 7, {"owner_id": 3}, {"owner_id": 3}, case_id=7)  # nothing changed: nothing kept
    [entry] = logged(db)
    assert (entry.entity, entry.entity_id, entry.case_id) == ("cases", "7", 7)
    assert entry.changes == {"owner_id": {"from": None, "to": 3}}


def test_passwords_and_tokens_never_reach_the_log(client: TestClient, make: Factory, db: Database) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    password = "correct horse battery staple"

    added = client.post(
        "/api/v1/staff",
        headers=admin.headers,
        json={"email": "jo@desk.example", "name": "Jo", "role": "agent", "password": password},
    )
    token = client.post("/api/v1/tokens", headers=admin.headers, json={"name": "deploys"})

    assert added.status_code == 201 and token.status_code == 201, (added.text, token.text)
    entries = logged(db)
    everything = json.dumps([e.changes for e in entries])
    assert password not in everything and token.json()["token"] not in everything
    staff_made = next(e for e in entries if e.entity == "staff" and e.action == "created")
    assert staff_made.changes["password_hash"] == {"to": "(hidden)"}
    assert staff_made.changes["name"] == {"to": "Jo"}
    token_made = next(e for e in entries if e.entity == "api_tokens")
    assert token_made.changes["token_digest"] == {"to": "(hidden)"}


def test_taking_the_next_case_is_recorded_though_it_is_a_core_update(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    case = make.case(team=team)

    taken = client.post("/api/v1/cases/next", headers=agent.headers)

    assert taken.status_code == 200, taken.text
    mine = [e for e in logged(db) if e.entity == "cases"]
    assert [(e.entity_id, e.staff_id, e.changes) for e in mine] == [
        (str(case.id), agent.id, {"owner_id": {"from": None, "to": agent.id}})
    ]
