"""Inviting people by email, accepting the link, deactivating someone who owns cases: through the API and pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.cases.access import case_for
from sameside.cases.queries import timeline
from sameside.cases.rules import CaseStatus, EntryKind, EventType
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.mail.models import OutboundMail
from sameside.staff.models import Staff, StaffInvitation
from tests.factories import SYSTEM, Factory, Person

HTML = {"Accept": "text/html"}
NEW_PASSWORD = "a long enough secret 42"


def _invite(client: TestClient, admin: Person, email: str = "dana@desk.example", **extra: object) -> dict[str, object]:
    body = {"email": email, "name": "Dana Doe", "role": "agent", **extra}
    answer = client.post("/api/v1/staff/invitations", json=body, headers=admin.headers)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _mailed_link(db: Database, email: str) -> str:
    """The invitation link in the last message queued to `email`, as the invitee's mail program shows it."""
    with db.unit_of_work(write=False) as s:
        mail = s.scalars(
            select(OutboundMail).where(OutboundMail.recipient == email).order_by(OutboundMail.id.desc())
        ).first()
        assert mail is not None and mail.purpose == "staff_invitation" and mail.raw is not None
        text = mail.raw.decode()
    found = re.search(r"http://testserver(/invite/[A-Za-z0-9_=-]+)", text.replace("=\r\n", "").replace("=\n", ""))
    assert found, text
    return found.group(1)


def _accept(client: TestClient, path: str, password: str = NEW_PASSWORD) -> object:
    """Open the link as a browser does (its form carries the pre-session token), then send the form."""
    landing = client.get(path, headers=HTML)
    presession = re.search(r'name="presession" value="([^"]+)"', landing.text)
    return client.post(
        path,
        data={"presession": presession.group(1) if presession else "", "password": password, "name": ""},
        headers={**HTML, "Origin": "http://testserver"},
        follow_redirects=False,
    )


def test_an_invitee_gets_a_link_chooses_a_password_and_is_signed_in(
    client: TestClient, make: Factory, db: Database
) -> None:
    support = make.team(name="Support")
    admin = make.staff(Role.ADMIN, password=None)
    made = _invite(client, admin, team_id=support.id)
    assert made["state"] == "pending" and "token" not in made

    listed = client.get("/api/v1/staff/invitations", headers=admin.headers).json()
    assert [i["email"] for i in listed] == ["dana@desk.example"]

    path = _mailed_link(db, "dana@desk.example")
    landing = client.get(path, headers=HTML)
    assert landing.status_code == 200 and "Dana Doe" in landing.text and "dana@desk.example" in landing.text

    accepted = _accept(client, path)
    assert accepted.status_code == 303 and accepted.headers["location"] == "/desk"  # type: ignore[attr-defined]
    desk = client.get("/desk/queue/mine", headers=HTML)
    assert desk.status_code == 200 and "Dana Doe" in desk.text
    me = client.get("/api/v1/staff/me", headers={"X-CSRF-Token": client.cookies.get("sameside_csrf") or ""})
    assert me.json()["team_id"] == support.id and me.json()["role"] == "agent"
    assert client.get("/api/v1/staff/invitations", headers=admin.headers).json() == []

    # The same link again, in another browser: a clear page that says to sign in.
    client.cookies.clear()
    again = client.get(path, headers=HTML)
    assert again.status_code == 404 and "already used" in again.text and "<form" not in again.text.split("<main")[1]
    assert _accept(client, path).status_code == 404  # type: ignore[attr-defined]
    # And they can sign in with the password they chose.
    home = client.get("/", headers=HTML)
    presession = re.search(r'name="presession" value="([^"]+)"', home.text)
    assert presession
    signed = client.post(
        "/sign-in",
        data={"email": "dana@desk.example", "password": NEW_PASSWORD, "presession": presession.group(1)},
        follow_redirects=False,
    )
    assert signed.status_code == 303


def test_an_expired_link_says_so_and_a_resend_gives_a_new_one(client: TestClient, make: Factory, db: Database) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    made = _invite(client, admin)
    old = _mailed_link(db, "dana@desk.example")
    with db.unit_of_work() as s:
        row = s.get(StaffInvitation, made["id"])
        assert row is not None
        row.expires_at = clock.now() - timedelta(minutes=1)
    expired = client.get(old, headers=HTML)
    assert expired.status_code == 404 and "expired" in expired.text
    assert client.get("/api/v1/staff/invitations", headers=admin.headers).json()[0]["state"] == "expired"

    resent = client.post(f"/api/v1/staff/invitations/{made['id']}/resend", headers=admin.headers)
    assert resent.status_code == 200 and resent.json()["state"] == "pending"
    new = _mailed_link(db, "dana@desk.example")
    assert new != old
    assert client.get(old, headers=HTML).status_code == 404  # the old link is replaced
    assert _accept(client, new).status_code == 303  # type: ignore[attr-defined]


def test_a_revoked_invitation_cannot_be_used(client: TestClient, make: Factory, db: Database) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    made = _invite(client, admin)
    path = _mailed_link(db, "dana@desk.example")
    assert client.delete(f"/api/v1/staff/invitations/{made['id']}", headers=admin.headers).status_code == 204
    refused = client.get(path, headers=HTML)
    assert refused.status_code == 404 and "withdrawn" in refused.text
    # Withdrawn, the address may be invited anew.
    _invite(client, admin)


def test_one_open_invitation_per_address_and_none_for_staff(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    _invite(client, admin)
    twice = client.post(
        "/api/v1/staff/invitations", json={"email": "Dana@desk.example", "name": "D"}, headers=admin.headers
    )
    assert twice.status_code == 409 and "already invited" in twice.json()["detail"]
    staff = client.post("/api/v1/staff/invitations", json={"email": admin.email, "name": "Me"}, headers=admin.headers)
    assert staff.status_code == 409 and "already on staff" in staff.json()["detail"]
    no_team = client.post(
        "/api/v1/staff/invitations",
        json={"email": "x@desk.example", "name": "X", "team_id": 999},
        headers=admin.headers,
    )
    assert no_team.status_code == 404


def test_a_short_password_is_refused_and_the_link_still_works(client: TestClient, make: Factory, db: Database) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    _invite(client, admin)
    path = _mailed_link(db, "dana@desk.example")
    short = _accept(client, path, password="short")
    assert short.status_code == 422 and "at least 10" in short.text  # type: ignore[attr-defined]
    assert _accept(client, path).status_code == 303  # type: ignore[attr-defined]


def _events(db: Database, number: int) -> list[tuple[EventType | None, int | None]]:
    with db.unit_of_work(write=False) as s:
        case = case_for(s, SYSTEM, number)
        return [(e.event, e.author_staff_id) for e in timeline(s, SYSTEM, case) if e.kind is EntryKind.EVENT]


def test_deactivating_returns_open_cases_unowned_and_ends_api_access(
    client: TestClient, make: Factory, db: Database
) -> None:
    support = make.team(name="Support")
    admin = make.staff(Role.ADMIN, password=None)
    agent = make.staff(Role.AGENT, team=support, password=None)
    open_one = make.case(team=support, owner=agent).id
    waiting = make.case(team=support, owner=agent).id
    done = make.case(team=support, owner=agent).id
    with db.unit_of_work() as s:
        from sameside.cases import service as case_service

        case_service.change_status(s, SYSTEM, case_for(s, SYSTEM, waiting), CaseStatus.WAITING_ON_CUSTOMER)
        case_service.resolve(s, SYSTEM, case_for(s, SYSTEM, done))
    assert client.get("/api/v1/staff/me", headers=agent.headers).status_code == 200

    answer = client.post(f"/api/v1/staff/{agent.id}/deactivate", headers=admin.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["returned_cases"] == [open_one, waiting]
    assert answer.json()["staff"]["is_active"] is False and answer.json()["tokens_revoked"] == 1

    for number in (open_one, waiting):
        case = client.get(f"/api/v1/cases/{number}", headers=admin.headers).json()
        assert case["owner"] is None and case["team"]["id"] == support.id
        assert (EventType.ASSIGNED, admin.id) in _events(db, number)
    assert client.get(f"/api/v1/cases/{done}", headers=admin.headers).json()["owner"]["id"] == agent.id
    assert client.get("/api/v1/staff/me", headers=agent.headers).status_code == 401

    # Reactivated, they may sign in again, but the token revoked stays revoked.
    back = client.post(f"/api/v1/staff/{agent.id}/reactivate", headers=admin.headers)
    assert back.status_code == 200 and back.json()["is_active"] is True
    assert client.get("/api/v1/staff/me", headers=agent.headers).status_code == 401


def test_nobody_deactivates_themselves_or_the_last_admin(client: TestClient, make: Factory, db: Database) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    other = make.staff(Role.ADMIN, password=None)
    itself = client.post(f"/api/v1/staff/{admin.id}/deactivate", headers=admin.headers)
    assert itself.status_code == 409 and "yourself" in itself.json()["detail"]
    assert client.post(f"/api/v1/staff/{other.id}/deactivate", headers=admin.headers).status_code == 200
    with db.unit_of_work() as s:
        from sameside.cases import departures

        row = s.get(Staff, admin.id)
        assert row is not None
        with pytest.raises(Exception, match="last active admin"):
            departures.deactivate(s, SYSTEM, row)
    demote = client.patch(f"/api/v1/staff/{admin.id}", json={"role": "agent"}, headers=admin.headers)
    assert demote.status_code == 409 and "last active admin" in demote.json()["detail"]
    assert (
        client.patch(f"/api/v1/staff/{admin.id}", json={"is_active": False}, headers=admin.headers).status_code == 409
    )


def test_only_admins_invite_or_deactivate(client: TestClient, make: Factory) -> None:
    supervisor = make.staff(Role.SUPERVISOR, password=None)
    agent = make.staff(Role.AGENT, password=None)
    body = {"email": "x@desk.example", "name": "X"}
    assert client.post("/api/v1/staff/invitations", json=body, headers=supervisor.headers).status_code == 403
    assert client.post(f"/api/v1/staff/{agent.id}/deactivate", headers=supervisor.headers).status_code == 403
