"""Over the API: which notifications come by email (yours to choose), each notification's link, and asking a
department with the customer's line chosen, edited or skipped."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.staff import notifications as notices
from tests.factories import Factory


def test_staff_choose_which_notifications_also_come_by_email(client: TestClient, make: Factory) -> None:
    dana = make.staff(Role.AGENT, password=None)
    eli = make.staff(Role.AGENT, password=None)
    first = client.get("/api/v1/notifications/preferences", headers=dana.headers)
    assert first.status_code == 200
    assert first.json()["email_kinds"] == [] and "transferred" in first.json()["kinds"]

    chosen = client.put(
        "/api/v1/notifications/preferences",
        json={"email_kinds": ["consult_answered", "assigned"]},
        headers=dana.headers,
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["email_kinds"] == ["assigned", "consult_answered"]
    assert client.get("/api/v1/notifications/preferences", headers=dana.headers).json()["email_kinds"] == [
        "assigned",
        "consult_answered",
    ]
    assert client.get("/api/v1/notifications/preferences", headers=eli.headers).json()["email_kinds"] == []

    unknown = client.put("/api/v1/notifications/preferences", json={"email_kinds": ["whenever"]}, headers=dana.headers)
    assert unknown.status_code == 422
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert "'whenever' is not a kind of notification" in unknown.json()["detail"]
    malformed = client.put("/api/v1/notifications/preferences", json={"email_kinds": "all"}, headers=dana.headers)
    assert malformed.status_code == 422
    customer = client.get("/api/v1/notifications/preferences", headers=make.customer_session(make.customer()))
    assert customer.status_code == 403


def test_each_notification_says_which_page_it_opens(client: TestClient, make: Factory, db: Database) -> None:
    dana = make.staff(Role.AGENT, password=None)
    number = make.case().id
    with db.unit_of_work() as s:
        notices.notify(s, [dana.id], kind="escalation", text="About a case", case_id=number)
        notices.notify(s, [dana.id], kind="consult_overdue", text="Your queue", url="/desk/department")
    items = client.get("/api/v1/notifications", headers=dana.headers).json()["items"]
    assert [n["url"] for n in items] == ["/desk/department", f"/desk/cases/{number}"]


def test_asking_a_department_with_the_customers_line_edited_or_skipped(
    client: TestClient, make: Factory, db: Database
) -> None:
    team, shipping = make.team("support"), make.department("shipping")
    owner = make.staff(Role.AGENT, team=team, password=None)
    customer = make.customer("ana@example.com", name="Ana")
    edited = make.case(customer, team=team, owner=owner, subject="Edited").id
    skipped = make.case(customer, team=team, owner=owner, subject="Skipped").id
    portal = make.customer_session(customer)

    asked = client.post(
        f"/api/v1/cases/{edited}/consults",
        json={"department_id": shipping.id, "question": "Left the depot?", "customer_line": "Ana, checking now."},
        headers=owner.headers,
    )
    assert asked.status_code == 201, asked.text
    assert "Ana, checking now." in client.get(f"/portal/cases/{edited}", headers=portal).text

    quiet = client.post(
        f"/api/v1/cases/{skipped}/consults",
        json={"department_id": shipping.id, "question": "Left the depot?", "tell_customer": False},
        headers=owner.headers,
    )
    assert quiet.status_code == 201, quiet.text
    page = client.get(f"/portal/cases/{skipped}", headers=portal).text
    assert "checking" not in page and "shipping" not in page.lower()

    blank = client.post(
        f"/api/v1/cases/{edited}/consults",
        json={"department_id": shipping.id, "question": "Again?", "customer_line": "  "},
        headers=owner.headers,
    )
    assert blank.status_code == 422 and "line the customer will read" in blank.json()["detail"]
    too_long = client.post(
        f"/api/v1/cases/{edited}/consults",
        json={"department_id": shipping.id, "question": "Again?", "customer_line": "x" * 1001},
        headers=owner.headers,
    )
    assert too_long.status_code == 422
