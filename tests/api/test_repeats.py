"""A repeat contact as a story over the API and the desk, on both databases (P12)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from sameside.cases.repeats import service as repeats
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.staff.models import Staff
from tests.factories import Factory
from tests.web.test_desk import signed_in


def test_a_customer_back_about_the_same_order_reaches_the_agent_who_solved_it(
    client: TestClient, make: Factory, db: Database
) -> None:
    repeats.understand_with(None)  # words and order numbers decide here, whatever another test wired
    team = make.team()
    dana = make.staff(Role.AGENT, team=team, password=None)
    lee = make.customer("lee@example.com", name="Lee Lo")
    lee_headers = make.customer_session(lee)

    opened = client.post(
        "/api/v1/cases",
        json={"subject": "Parcel missing", "body": "My order A-12345 never arrived."},
        headers=lee_headers,
    )
    assert opened.status_code == 201, opened.text
    first = opened.json()["number"]
    owned = client.put(f"/api/v1/cases/{first}/owner", json={"owner_id": dana.id}, headers=dana.headers)
    assert owned.status_code == 200, owned.text
    replied = client.post(
        f"/api/v1/cases/{first}/replies", json={"body": "A new parcel left today."}, headers=dana.headers
    )
    assert replied.status_code == 201, replied.text
    assert client.post(f"/api/v1/cases/{first}/resolve", json={}, headers=dana.headers).status_code == 200
    with db.unit_of_work() as s:
        person = s.get(Staff, dana.id)
        assert person is not None
        person.seen_at = person.active_at = clock.now()  # Dana has the desk open

    again = client.post(
        "/api/v1/cases",
        json={"subject": "Still waiting", "body": "Nothing has come for a12345. What now?"},
        headers=lee_headers,
    )
    assert again.status_code == 201, again.text
    second = again.json()["number"]

    found = client.get(f"/api/v1/cases/{second}/repeats", headers=dana.headers)
    assert found.status_code == 200, found.text
    story = found.json()
    assert story["repeat_of"]["number"] == first and story["routed_back"] is True
    assert story["shared"].startswith("A12345")
    assert client.get(f"/api/v1/cases/{second}", headers=dana.headers).json()["owner"]["id"] == dana.id
    earlier = client.get(f"/api/v1/cases/{first}/repeats", headers=dana.headers).json()
    assert [c["number"] for c in earlier["came_back_in"]] == [second]
    assert earlier["first_contact"] == "no"
    assert client.get(f"/api/v1/cases/{second}/repeats", headers=lee_headers).status_code == 403

    report = client.get("/api/v1/reports/first-contact", headers=dana.headers).json()
    assert (report["total"]["resolved"], report["total"]["came_back"], report["total"]["rate"]) == (1, 1, 0.0)
    assert (report["opened"], report["repeats"]) == (2, 1)

    # The desk says it where the agent reads the case.
    signed_in(client, db, dana)
    page = client.get(f"/desk/cases/{second}")
    assert page.status_code == 200
    assert "A repeat contact" in page.text and f"case #{first}" in page.text and "A12345" in page.text
    assert "The customer came back about this" in client.get(f"/desk/cases/{first}").text


def test_the_report_counts_a_case_right_first_time_only_after_its_week(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    dana = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team).id
    client.put(f"/api/v1/cases/{number}/owner", json={"owner_id": dana.id}, headers=dana.headers)
    client.post(f"/api/v1/cases/{number}/replies", json={"body": "Done."}, headers=dana.headers)
    client.post(f"/api/v1/cases/{number}/resolve", json={}, headers=dana.headers)
    now = client.get(f"/api/v1/reports/first-contact?team_id={team.id}", headers=dana.headers).json()
    assert (now["total"]["pending"], now["total"]["rate"]) == (1, None)
    with clock.frozen(clock.now() + timedelta(days=8)):
        later = client.get(f"/api/v1/reports/first-contact?team_id={team.id}", headers=dana.headers).json()
    assert (later["total"]["first_time"], later["total"]["rate"]) == (1, 1.0)
    assert [line["owner_id"] for line in later["by_owner"]] == [dana.id]
    assert client.get("/api/v1/reports/first-contact?team_id=999999", headers=dana.headers).status_code == 404
