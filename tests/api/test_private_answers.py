"""What a signed-in person sees is theirs: neither a shared cache nor the browser keeps a copy."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory


def test_what_a_signed_in_person_sees_is_never_cached(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    assert client.get("/api/v1/staff/me", headers=admin.headers).headers["cache-control"] == "no-store"
    customer = make.customer("casey@example.com")
    portal = client.get("/portal", headers={"Cookie": make.customer_session(customer)["Cookie"]})
    assert portal.status_code == 200 and portal.headers["cache-control"] == "no-store"
    # Public pages and our static files stay cacheable.
    client.cookies.clear()
    assert "no-store" not in client.get("/").headers.get("cache-control", "")
