"""Webhooks delivered for real: a receiver on loopback verifies every signature with the reference library;
retries follow the schedule, a day of failures pauses the webhook and tells the admins, a redelivery keeps
the message's id, and a rotated secret signs beside the old one for a day."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.grants import service as grants
from sameside.grants.rules import GrantKind, Money, Purpose
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor
from sameside.staff.models import Notification, Staff
from sameside.surveys import service as surveys
from sameside.surveys.rules import Via
from sameside.webhooks.rules import RETRY_AFTER
from sameside.webhooks.schemas import MESSAGES
from tests.factories import SYSTEM, Factory
from tests.incidents.support import declare
from tests.surveys.seed import answerable_survey
from tests.webhooks.receiver import Receiver
from tests.webhooks.support import allow, deliver_due, log_of, subscribe


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver().running() as running:
        yield running


def _start() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def test_every_event_of_a_case_reaches_the_receiver_signed_and_in_its_documented_shape(
    client: TestClient, make: Factory, db: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    agent = make.staff(Role.AGENT, team=(team := make.team()), password=None)
    allow(client, admin.headers, "127.0.0.1")
    every = ["case.created", "case.updated", "case.resolved", "message.received", "reply.sent"]
    hook = subscribe(client, admin.headers, receiver.url(), every, description="CRM sync")
    receiver.secrets.append(hook["secret"])
    assert hook["secret"].startswith("whsec_")

    number = make.case(team=team, subject="Parcel lost").id
    with db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        cases.assign(s, SYSTEM, case, s.get(Staff, agent.id))
        cases.reply(s, StaffActor(agent.id, Role.AGENT), case, "We are on it.")
        cases.resolve(s, StaffActor(agent.id, Role.AGENT), case)
    deliver_due(db, settings)

    types = [json.loads(r.body)["type"] for r in receiver.received]
    assert types[:2] == ["case.created", "message.received"]
    assert {"case.updated", "reply.sent", "case.resolved"} <= set(types)
    for got in receiver.received:
        assert got.verified_by == [hook["secret"]]  # the reference library verifies every one
        assert got.path == "/hooks/sameside"
        message = json.loads(got.body)
        MESSAGES[message["type"]].model_validate(message)  # the shape the OpenAPI document promises
        assert message["data"]["case"]["number"] == number
    updated = next(json.loads(r.body) for r in receiver.received if json.loads(r.body)["type"] == "case.updated")
    assert updated["data"]["change"] == "owner" and updated["data"]["after"] == agent.id
    reply = next(json.loads(r.body) for r in receiver.received if json.loads(r.body)["type"] == "reply.sent")
    assert reply["data"]["message"]["body"] == "We are on it." and reply["data"]["message"]["direction"] == "out"
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(set(ids)) == len(ids) and all(i.startswith("msg_") for i in ids)

    log = log_of(client, admin.headers, hook["id"])
    assert {d["state"] for d in log} == {"delivered"}
    assert all(d["log"][0]["status"] == 200 and d["log"][0]["response"] == "ok, thanks" for d in log)


def test_a_receiver_that_fails_is_tried_again_on_the_schedule_until_it_answers(
    client: TestClient, make: Factory, db: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    allow(client, admin.headers, "127.0.0.1")
    hook = subscribe(client, admin.headers, receiver.url(), ["case.created"])
    receiver.secrets.append(hook["secret"])
    receiver.answers = [500, 503, 200]
    start = _start()
    with clock.frozen(start):
        make.case()
        assert deliver_due(db, settings) == 1
    with clock.frozen(start + RETRY_AFTER[0] - timedelta(seconds=1)):
        assert deliver_due(db, settings) == 0  # not before its time
    with clock.frozen(start + RETRY_AFTER[0]):
        assert deliver_due(db, settings) == 1
    with clock.frozen(start + RETRY_AFTER[0] + RETRY_AFTER[1]):
        assert deliver_due(db, settings) == 1
        assert deliver_due(db, settings) == 0

    assert len(receiver.received) == 3
    assert all(r.verified_by == [hook["secret"]] for r in receiver.received)
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # one message, three attempts
    [delivery] = log_of(client, admin.headers, hook["id"])
    assert delivery["state"] == "delivered" and delivery["attempts"] == 3
    assert [(a["number"], a["status"]) for a in delivery["log"]] == [(1, 500), (2, 503), (3, 200)]
    assert delivery["log"][0]["response"] == "receiver is down for maintenance"
    assert delivery["log"][0]["error"] == "HTTP 500"
    assert all(a["duration_ms"] >= 0 and not a["manual"] for a in delivery["log"])
    answer = client.get(f"/api/v1/webhooks/{hook['id']}", headers=admin.headers).json()
    assert answer["active"] and answer["failing_since"] is None


def test_a_webhook_failing_for_a_day_is_paused_and_every_admin_is_told(
    client: TestClient, make: Factory, db: Database, settings: Settings, receiver: Receiver
) -> None:
    admin, other_admin = make.staff(Role.ADMIN, password=None), make.staff(Role.ADMIN, password=None)
    allow(client, admin.headers, "127.0.0.1")
    hook = subscribe(client, admin.headers, receiver.url(), ["case.created"])
    receiver.answers = [500]
    at = _start()
    with clock.frozen(at):
        make.case()
        deliver_due(db, settings)
    for wait in RETRY_AFTER:
        at += wait
        with clock.frozen(at):
            assert deliver_due(db, settings) == 1
    assert len(receiver.received) == len(RETRY_AFTER) + 1  # eight attempts over more than a day

    paused = client.get(f"/api/v1/webhooks/{hook['id']}", headers=admin.headers).json()
    assert paused["active"] is False and "Every attempt failed since" in paused["paused_reason"]
    [delivery] = log_of(client, admin.headers, hook["id"])
    assert delivery["state"] == "held" and delivery["attempts"] == len(RETRY_AFTER) + 1
    with db.unit_of_work(write=False) as s:
        told = [
            (n.staff_id, n.data) for n in s.scalars(select(Notification).where(Notification.kind == "webhook_paused"))
        ]
    assert sorted(staff_id for staff_id, _ in told) == sorted([admin.id, other_admin.id])
    assert told[0][1] == {"url": f"/desk/admin/webhooks/{hook['id']}"}

    make.case()  # a paused webhook records nothing
    assert len(log_of(client, admin.headers, hook["id"])) == 1
    refused = client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver", headers=admin.headers)
    assert refused.status_code == 409

    # Fixed and resumed: the held message is delivered again by hand, with the same id.
    receiver.answers = [200]
    receiver.received.clear()
    resumed = client.patch(f"/api/v1/webhooks/{hook['id']}", json={"active": True}, headers=admin.headers)
    assert resumed.status_code == 200 and resumed.json()["active"] is True
    again = client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver", headers=admin.headers)
    assert again.status_code == 202 and again.json()["state"] == "pending"
    deliver_due(db, settings)
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery["wire_id"]]
    [after] = log_of(client, admin.headers, hook["id"])
    assert after["state"] == "delivered" and after["log"][-1]["manual"] is True
    assert after["log"][-1]["number"] == len(RETRY_AFTER) + 2


def test_a_rotated_secret_signs_beside_the_old_one_for_a_day_then_alone(
    client: TestClient, make: Factory, db: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    allow(client, admin.headers, "127.0.0.1")
    hook = subscribe(client, admin.headers, receiver.url(), ["case.created"])
    old = hook["secret"]
    rotated = client.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret", headers=admin.headers)
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new != old and new.startswith("whsec_")
    receiver.secrets.extend([old, new])

    make.case()
    deliver_due(db, settings)
    [during] = receiver.received
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert during.verified_by == [old, new]  # a receiver on either secret verifies it: no gap

    with clock.frozen(datetime.fromisoformat(rotated.json()["previous_secret_until"]) + timedelta(seconds=1)):
        make.case()
        deliver_due(db, settings)
    after = receiver.received[1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert after.verified_by == [new]
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)


def test_a_test_message_and_a_redirect_that_is_not_followed(
    client: TestClient, make: Factory, db: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    allow(client, admin.headers, "127.0.0.1")
    hook = subscribe(client, admin.headers, receiver.url(), ["incident.declared"])
    receiver.secrets.append(hook["secret"])
    sent = client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=admin.headers)
    assert sent.status_code == 202 and sent.json()["type"] == "webhook.ping"
    deliver_due(db, settings)
    [ping] = receiver.received
    assert ping.verified_by == [hook["secret"]] and json.loads(ping.body)["data"]["webhook_id"] == hook["id"]

    receiver.answers = [302]
    receiver.location = receiver.url(path="/moved")
    with clock.frozen(_start()):
        client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=admin.headers)
        deliver_due(db, settings)
    assert [r.path for r in receiver.received] == ["/hooks/sameside", "/hooks/sameside"]  # never to /moved
    latest = log_of(client, admin.headers, hook["id"])[0]
    assert latest["state"] == "pending" and latest["log"][0]["status"] == 302
    assert "redirects are not followed" in latest["log"][0]["error"]


def test_grants_survey_answers_and_incidents_reach_the_receiver_in_their_shapes(
    client: TestClient, make: Factory, db: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    allow(client, admin.headers, "127.0.0.1")
    hook = subscribe(client, admin.headers, receiver.url(), ["grant.issued", "survey.answered", "incident.declared"])
    receiver.secrets.append(hook["secret"])
    number = make.case(team=team).id

    with db.unit_of_work() as s:
        terms = (GrantKind.VOUCHER, Purpose.GOODWILL, Money(2000, "EUR"), "Late twice")
        grant = grants.make(s, StaffActor(agent.id, Role.AGENT, team.id), case_for(s, SYSTEM, number), *terms)
        grants.review(s, StaffActor(admin.id, Role.ADMIN), grant.id, approve=True, reason="Fair")
        grant_id = grant.id
    survey_id = answerable_survey(make, number)
    with db.unit_of_work() as s:
        surveys.answer(s, survey_id, 4, "Quick and kind", via=Via.API, customer=None)
    incident_id = declare(db, StaffActor(admin.id, Role.ADMIN), title="Card payments fail", tags=["payments"])
    deliver_due(db, settings)

    got = {json.loads(r.body)["type"]: json.loads(r.body) for r in receiver.received}
    assert set(got) == {"grant.issued", "survey.answered", "incident.declared"}
    assert all(r.verified_by == [hook["secret"]] for r in receiver.received)
    for message in got.values():
        MESSAGES[message["type"]].model_validate(message)
    assert got["grant.issued"]["data"]["grant"] == {
        "id": grant_id,
        "kind": "voucher",
        "purpose": "goodwill",
        "amount_minor": 2000,
        "currency": "EUR",
    }
    assert got["survey.answered"]["data"]["answer"]["score"] == 4
    assert got["survey.answered"]["data"]["case"]["number"] == number
    assert got["incident.declared"]["data"]["incident"]["id"] == incident_id
    assert got["incident.declared"]["data"]["incident"]["title"] == "Card payments fail"
