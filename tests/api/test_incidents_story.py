"""An incident as a story over the API, on both databases (P11): declared, everyone in scope told once, a new
contact linked and acknowledged with where it stands, an update reaching everyone, and the resolution, as the
approver wrote it, closing every linked case."""

from __future__ import annotations

from collections import Counter

from fastapi.testclient import TestClient

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import Factory
from tests.incidents.support import notices, run_incident_jobs

LIST = "email\nlisted@example.com\nnobody@elsewhere.example\n"


def test_an_outage_is_told_followed_and_closed_with_the_approved_words(
    client: TestClient, make: Factory, db: Database, settings: Settings
) -> None:
    team = make.team()
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    agent = make.staff(Role.AGENT, team=team, password=None)
    open_cases = [make.case(make.customer(f"open{n}@example.com"), team=team, tags=["login"]) for n in range(3)]
    make.customer("listed@example.com")
    make.case(make.customer("elsewhere@example.com"), team=team, tags=["shipping"])

    body = {
        "title": "Signing in fails",
        "message": "Signing in fails with error 503; your account is safe.",
        "tags": ["login"],
        "pattern": '"error 503"',
        "customers_csv": LIST,
        "tell_everyone": True,
        "urgent": True,
    }
    refused = client.post("/api/v1/incidents", json=body, headers=agent.headers)
    assert refused.status_code == 403
    declared = client.post("/api/v1/incidents", json=body, headers=boss.headers)
    assert declared.status_code == 201, declared.text
    incident = declared.json()
    assert incident["unknown_addresses"] == ["nobody@elsewhere.example"] and incident["status"] == "investigating"
    number = incident["id"]

    run_incident_jobs(db, settings)
    told = Counter(m.recipient for m in notices(db))
    assert told == Counter(
        {"open0@example.com": 1, "open1@example.com": 1, "open2@example.com": 1, "listed@example.com": 1}
    )
    linked = client.get(f"/api/v1/incidents/{number}/cases", headers=agent.headers).json()
    assert sorted(c["number"] for c in linked) == sorted(c.id for c in open_cases)

    # A customer writes about it from the portal: linked, and acknowledged with where it stands at once.
    writer = make.customer("writer@example.com")
    wrote = client.post(
        "/api/v1/cases",
        json={"subject": "Cannot sign in", "body": "The app says error 503 since this morning."},
        headers=make.customer_session(writer),
    )
    assert wrote.status_code == 201, wrote.text
    contact = wrote.json()["number"]
    timeline = client.get(f"/api/v1/cases/{contact}", headers=agent.headers).json()["timeline"]
    acknowledgement = [e for e in timeline if e.get("direction") == "outbound"]
    assert acknowledgement and "already know about this" in acknowledgement[-1]["body"]
    cases = client.get(f"/api/v1/incidents/{number}/cases", headers=agent.headers).json()
    assert [c["number"] for c in cases if c["new_contact"]] == [contact]

    # An update reaches everyone affected, each once: the writer included, who was acknowledged with the notice.
    update = client.post(
        f"/api/v1/incidents/{number}/updates",
        json={"body": "We found the cause: a certificate expired.", "status": "identified"},
        headers=boss.headers,
    )
    assert update.status_code == 201, update.text
    run_incident_jobs(db, settings)
    updates = Counter(m.recipient for m in notices(db) if m.raw and b"certificate expired" in m.raw)
    assert updates == Counter(
        dict.fromkeys(("open0@example.com", "open1@example.com", "open2@example.com", "listed@example.com"), 1)
        | {"writer@example.com": 1}
    )
    shown = client.get(f"/api/v1/incidents/{number}", headers=agent.headers).json()
    assert shown["figures"]["affected"] == shown["figures"]["told"] == 5 and shown["figures"]["new_contacts"] == 1

    # The resolution, as the approver wrote it, is the reply on every linked case, which it resolves.
    words = "Signing in works again since 10:40. Thank you for bearing with us."
    resolved = client.post(f"/api/v1/incidents/{number}/resolve", json={"message": words}, headers=boss.headers)
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    run_incident_jobs(db, settings)
    for case_number in [*(c.id for c in open_cases), contact]:
        case = client.get(f"/api/v1/cases/{case_number}", headers=agent.headers).json()
        assert case["status"] == "resolved", case_number
        said = case["timeline"]
        assert [e["body"] for e in said if e.get("direction") == "outbound"][-1] == words
    # Only the listed customer, with no case, hears the end by a notice; nobody hears it twice.
    ends = [m.recipient for m in notices(db) if m.raw and b"Resolved:" in m.raw]
    assert ends == ["listed@example.com"]
    again = client.post(f"/api/v1/incidents/{number}/resolve", json={"message": words}, headers=boss.headers)
    assert again.status_code == 409
