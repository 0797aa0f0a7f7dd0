"""Notifications over the API: your own, newest first, by pages; read one or all; nobody else's."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.staff import notifications as notices
from tests.factories import Factory


def test_staff_page_through_their_notifications_and_mark_them_read(
    client: TestClient, make: Factory, db: Database
) -> None:
    dana, eli = make.staff(Role.AGENT, password=None), make.staff(Role.AGENT, password=None)
    number = make.case().id
    with db.unit_of_work() as s:
        for n in range(3):
            notices.notify(s, [dana.id], kind="escalation", text=f"Case needs you ({n})", case_id=number)
        [elis] = notices.notify(s, [eli.id], kind="callback_missed", text="Missed call")
        elis_id = elis.id

    first = client.get("/api/v1/notifications", params={"limit": 2}, headers=dana.headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [n["text"] for n in body["items"]] == ["Case needs you (2)", "Case needs you (1)"]
    assert body["unread"] == 3 and body["next_cursor"]
    rest = client.get("/api/v1/notifications", params={"cursor": body["next_cursor"]}, headers=dana.headers).json()
    assert [n["text"] for n in rest["items"]] == ["Case needs you (0)"] and rest["next_cursor"] is None
    assert rest["items"][0]["case_number"] == number and rest["items"][0]["read_at"] is None

    newest = body["items"][0]["id"]
    read = client.post(f"/api/v1/notifications/{newest}/read", headers=dana.headers)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications", params={"unread": "true"}, headers=dana.headers).json()
    assert len(unread["items"]) == 2 and unread["unread"] == 2

    theirs = client.post(f"/api/v1/notifications/{elis_id}/read", headers=dana.headers)
    assert theirs.status_code == 404
    assert theirs.headers["content-type"].startswith("application/problem+json")

    everything = client.post("/api/v1/notifications/read-all", headers=dana.headers)
    assert everything.status_code == 200 and everything.json() == {"marked": 2}
    assert client.get("/api/v1/notifications", headers=dana.headers).json()["unread"] == 0
    assert client.get("/api/v1/notifications", headers=eli.headers).json()["unread"] == 1  # untouched


def test_a_bad_cursor_is_a_400_and_customers_have_no_notifications(client: TestClient, make: Factory) -> None:
    dana = make.staff(Role.AGENT, password=None)
    bad = client.get("/api/v1/notifications", params={"cursor": "nope"}, headers=dana.headers)
    assert bad.status_code == 400
    customer = client.get("/api/v1/notifications", headers=make.customer_session(make.customer()))
    assert customer.status_code == 403
