"""Inputs that were once answered with a 500, each a one-line request: now a precise 4xx, and nothing changed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from sameside.kit.ids import MAX_ID
from sameside.mailboxes.store import receive
from tests.api.test_errors import problem_of
from tests.factories import Factory


def test_a_download_link_signed_with_characters_no_signature_has_is_refused(client: TestClient) -> None:
    answer = client.get("/api/v1/attachments/1/download", params={"expires": "9999999999", "signature": "ünïcode✓"})
    assert answer.status_code in (403, 404), answer.text
    problem_of(answer)


def test_a_second_organization_cannot_take_a_domain_already_used_in_any_letter_case(
    client: TestClient, make: Factory
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    first = client.post("/api/v1/organizations", headers=admin.headers, json={"name": "Acme", "domain": "acme.example"})
    assert first.status_code == 201, first.text
    for domain in ("acme.example", "ACME.Example", " acme.example "):
        again = client.post("/api/v1/organizations", headers=admin.headers, json={"name": "Acme 2", "domain": domain})
        problem = problem_of(again, 409)
        assert "Acme" in problem["detail"] and "acme.example" in problem["detail"]


def test_a_team_address_used_by_another_team_is_refused_on_create_and_update(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    billing = {"slug": "billing", "name": "Billing", "email": "billing@desk.example"}
    assert client.post("/api/v1/teams", headers=admin.headers, json=billing).status_code == 201
    clash = {"slug": "billing-2", "name": "Billing 2", "email": "Billing@Desk.example"}
    assert "Billing" in problem_of(client.post("/api/v1/teams", headers=admin.headers, json=clash), 409)["detail"]
    other = client.post("/api/v1/teams", headers=admin.headers, json={"slug": "shipping", "name": "Shipping"})
    assert other.status_code == 201
    moved = client.patch(
        f"/api/v1/teams/{other.json()['id']}", headers=admin.headers, json={"email": "billing@desk.example"}
    )
    problem_of(moved, 409)
    # Keeping its own address is no clash.
    team_id = client.get("/api/v1/teams", headers=admin.headers).json()[0]["id"]
    same = client.patch(f"/api/v1/teams/{team_id}", headers=admin.headers, json={"email": "billing@desk.example"})
    assert same.status_code == 200, same.text


def test_a_customer_cannot_null_their_own_name(client: TestClient, make: Factory) -> None:
    customer = make.customer("casey@example.com", name="Casey Morgan")
    answer = client.patch("/api/v1/customers/me", headers=make.customer_session(customer), json={"name": None})
    problem_of(answer, 422)
    me = client.get("/api/v1/customers/me", headers=make.customer_session(customer)).json()
    assert me["name"] == "Casey Morgan"


def test_staff_cannot_null_a_tier_or_a_name(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    customer = make.customer("casey@example.com", name="Casey Morgan")
    for body in ({"tier": None}, {"name": None}):
        problem_of(client.patch(f"/api/v1/customers/{customer.id}", headers=admin.headers, json=body), 422)
    kept = client.get(f"/api/v1/customers/{customer.id}", headers=admin.headers).json()
    assert kept["tier"] == "standard" and kept["name"] == "Casey Morgan"


def test_a_mail_cursor_past_the_largest_id_lists_from_the_newest(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    with make.db.unit_of_work() as s:
        receive(s, b"Subject: hello\r\n\r\nbody\r\n", source="smtp")
    for cursor in ("877076210514", str(MAX_ID + 1)):
        answer = client.get("/api/v1/admin/mail", headers=admin.headers, params={"cursor": cursor})
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["items"]) == 1
