"""The webhooks API: admins only, bad input a precise 422 (never a 500), and messages recorded in the
transaction of the change — a change rolled back was never told to anyone."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sameside.cases import service as cases
from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.jobs.models import Job
from sameside.kit.actors import Role
from sameside.webhooks.models import WebhookDelivery, WebhookMessage
from sameside.webhooks.outbox import DELIVER
from tests.factories import SYSTEM, Factory
from tests.webhooks.support import subscribe

URL = "https://hooks.example.com/sameside"


def test_only_admins_may_see_or_change_webhooks(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    hook = subscribe(client, admin.headers, URL, ["case.created"])
    assert client.get("/api/v1/webhooks").status_code == 401
    for role in (Role.AGENT, Role.SUPERVISOR):
        headers = make.staff(role, password=None).headers
        for method, path in (
            ("get", "/api/v1/webhooks"),
            ("post", "/api/v1/webhooks"),
            ("get", f"/api/v1/webhooks/{hook['id']}/deliveries"),
            ("post", f"/api/v1/webhooks/{hook['id']}/rotate-secret"),
            ("post", f"/api/v1/webhooks/{hook['id']}/test"),
            ("delete", f"/api/v1/webhooks/{hook['id']}"),
        ):
            kwargs = {"json": {"url": URL, "events": ["case.created"]}} if method == "post" else {}
            answer = client.request(method, path, headers=headers, **kwargs)
            assert answer.status_code == 403, (role, method, path, answer.text)
    customer = make.customer_session(make.customer())
    assert client.get("/api/v1/webhooks", headers=customer).status_code == 403
    listed = client.get("/api/v1/webhooks", headers=admin.headers).json()
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://hooks.example.com/x", "events": ["case.created"]},
        {"url": "not a url", "events": ["case.created"]},
        {"url": "https://user:pass@hooks.example.com/x", "events": ["case.created"]},
        {"url": "https://hooks.example.com/x#part", "events": ["case.created"]},
        {"url": URL, "events": []},
        {"url": URL, "events": ["case.exploded"]},
        {"url": URL, "events": "case.created"},
        {"url": URL},
        {"url": URL, "events": ["case.created"], "description": "x" * 201},
        {"url": URL, "events": ["case.created"], "secret": "whsec_mine"},
        {"url": "https://" + "a" * 2100 + ".example.com/", "events": ["case.created"]},
    ],
)
def test_bad_input_is_a_precise_422(client: TestClient, make: Factory, body: dict[str, object]) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    answer = client.post("/api/v1/webhooks", json=body, headers=admin.headers)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_missing_things_are_404_and_changes_apply(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    assert client.get("/api/v1/webhooks/999", headers=admin.headers).status_code == 404
    assert client.post("/api/v1/webhooks/999/deliveries/1/redeliver", headers=admin.headers).status_code == 404
    hook = subscribe(client, admin.headers, URL, ["case.created"])
    assert (
        client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/12345/redeliver", headers=admin.headers).status_code
        == 404
    )
    assert client.get("/api/v1/webhooks/0", headers=admin.headers).status_code == 422
    changed = client.patch(
        f"/api/v1/webhooks/{hook['id']}",
        json={"events": ["reply.sent", "case.created"], "description": "  Billing   sync ", "active": False},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["events"] == ["case.created", "reply.sent"] and body["description"] == "Billing sync"
    assert body["active"] is False and body["paused_reason"] == "Paused by an admin."
    bad = client.patch(f"/api/v1/webhooks/{hook['id']}", json={"url": "gopher://x"}, headers=admin.headers)
    assert bad.status_code == 422
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=admin.headers).status_code == 204
    assert client.get(f"/api/v1/webhooks/{hook['id']}", headers=admin.headers).status_code == 404


def _recorded(db: Database) -> tuple[int, int, int]:
    with db.unit_of_work(write=False) as s:
        return (
            s.scalar(select(func.count()).select_from(WebhookMessage)) or 0,
            s.scalar(select(func.count()).select_from(WebhookDelivery)) or 0,
            s.scalar(select(func.count()).select_from(Job).where(Job.kind == DELIVER)) or 0,
        )


def test_the_message_is_recorded_with_the_change_or_not_at_all(client: TestClient, make: Factory, db: Database) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    subscribe(client, admin.headers, URL, ["case.created"])
    subscribe(client, admin.headers, URL + "/second", ["case.created", "message.received"])
    customer = make.customer()

    class Changed(Exception):
        pass

    with pytest.raises(Changed), db.unit_of_work() as s:
        cases.open_case(
            s, SYSTEM, customer=s.get(Customer, customer.id), subject="Lost", body="Where?", channel=Channel.EMAIL
        )
        s.flush()
        raise Changed  # the request failed after the case was written: nothing must be told
    assert _recorded(db) == (0, 0, 0)

    make.case(customer)
    # One message per event (case.created, message.received); a delivery and a job per subscription wanting it.
    assert _recorded(db) == (2, 3, 3)


def test_nothing_is_recorded_for_events_nobody_subscribed_to(client: TestClient, make: Factory, db: Database) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    subscribe(client, admin.headers, URL, ["incident.declared"])
    make.case()
    assert _recorded(db) == (0, 0, 0)
