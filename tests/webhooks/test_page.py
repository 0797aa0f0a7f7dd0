"""`/desk/admin/webhooks`: the forms refuse bad input where it was typed (a 422, never a 500), anyone but an
admin is refused, and a secret is shown once on the answer, never cached."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import Factory
from tests.web.test_desk import signed_in


def test_the_add_form_refuses_what_cannot_be_a_receiver_and_keeps_what_was_typed(
    client: TestClient, make: Factory, db: Database
) -> None:
    csrf = signed_in(client, db, make.staff(Role.ADMIN, password=None))
    for url, events, says in (
        ("ftp://files.example.com/", ["case.created"], "starts with https://"),
        ("https://me:pw@crm.example.com/", ["case.created"], "no user name or password"),
        ("https://crm.example.com/in", [], "Choose at least one event"),
        ("https://crm.example.com/in", ["case.exploded"], "Choose events from the list"),
    ):
        answer = client.post("/desk/admin/webhooks", data={"csrf": csrf, "url": url, "events": events})
        assert answer.status_code == 422, (url, answer.status_code)
        assert says in answer.text and f'value="{url}"' in answer.text.replace("&amp;", "&")
    made = client.post(
        "/desk/admin/webhooks", data={"csrf": csrf, "url": "https://crm.example.com/in", "events": ["case.created"]}
    )
    assert made.status_code == 200 and 'id="new-secret"' in made.text and "whsec_" in made.text
    assert made.headers["cache-control"] == "no-store"
    host = client.post("/desk/admin/webhooks/hosts", data={"csrf": csrf, "host": "a host"})
    assert host.status_code == 422 and "host name" in host.text


def test_only_admins_change_webhooks_at_the_desk(client: TestClient, make: Factory, db: Database) -> None:
    csrf = signed_in(client, db, make.staff(Role.SUPERVISOR, password=None))
    refused = client.post(
        "/desk/admin/webhooks", data={"csrf": csrf, "url": "https://crm.example.com/in", "events": ["case.created"]}
    )
    assert refused.status_code == 403
    assert client.post("/desk/admin/webhooks/hosts", data={"csrf": csrf, "host": "x.internal"}).status_code == 403
