"""Phone calls as a story over the API, on both databases: a caller found by their number as they say it, a
case opened for them with the call, a booked call taken, tried, retried, and moved and cancelled by its customer."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient

from sameside.callbacks import service as callbacks
from sameside.cases.access import case_for
from sameside.customers.rules import IdentityKind
from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.calls.seed import SYSTEM, add_phone, business_phone
from tests.factories import Factory

CALL = {"direction": "inbound", "outcome": "answered", "duration_seconds": 270, "notes": "Wants the charge back."}


def test_a_caller_gets_a_case_and_their_booked_calls_are_worked_to_the_end(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    ana = make.customer("ana@example.com", name="Ana Lima")
    add_phone(db, ana.id, "+44 20 7946 0018")

    with business_phone("+44 20 7946 0000"):
        found = client.get("/api/v1/callers", params={"q": "020 7946 0018"}, headers=agent.headers)
        assert found.status_code == 200, found.text
        assert found.json()["matched_by"] == "phone"
        assert found.json()["looked_for"] == ["+442079460018", "02079460018"]
        assert [c["id"] for c in found.json()["items"]] == [ana.id]

        body = {"customer_id": ana.id, "subject": "Charged twice", "problem": "I was charged twice.", "call": CALL}
        opened = client.post("/api/v1/caller-cases", json=body, headers=agent.headers)
        assert opened.status_code == 201, opened.text
        case, call = opened.json()["case"], opened.json()["call"]
        assert (case["channel"], case["owner"]["id"] if case["owner"] else None) == ("phone", agent.id)
        assert (call["phone"], call["duration_seconds"], call["direction"]) == ("+442079460018", 270, "inbound")

        newcomer = {
            "new_caller": {"name": "Dee Okafor", "phone": "020 7946 0123", "email": "dee@example.com"},
            "subject": "New here",
            "problem": "Hello.",
            "call": CALL,
        }
        made = client.post("/api/v1/caller-cases", json=newcomer, headers=agent.headers)
        assert made.status_code == 201, made.text
        dee = client.get(f"/api/v1/customers/{made.json()['case']['customer']['id']}", headers=agent.headers).json()
        assert {(i["kind"], i["value"], i["proof"]) for i in dee["identities"]} == {
            (IdentityKind.PHONE.value, "+442079460123", "pending"),
            (IdentityKind.EMAIL.value, "dee@example.com", "pending"),
        }
        again = client.post("/api/v1/caller-cases", json=newcomer, headers=agent.headers)
        assert again.status_code == 409, again.text
        both = client.post("/api/v1/caller-cases", json={**newcomer, "customer_id": ana.id}, headers=agent.headers)
        assert both.status_code == 422

    number = case["number"]
    wrong = client.post(
        f"/api/v1/cases/{number}/calls", json={**CALL, "outcome": "no_answer"}, headers=agent.headers
    )  # they called us, so we picked up
    assert wrong.status_code == 422 and "answered" in wrong.json()["detail"]

    # The customer books a call; the agent takes it, nobody answers, the next try is booked for them.
    bo = make.customer("booker@example.com", name="Bo Booker")
    customer = make.customer_session(bo)
    booked_case = make.case(bo, team=team).id
    slots = client.get("/api/v1/callbacks/slots", headers=customer).json()["items"]
    assert len(slots) > 3
    policy = client.app.state.callback_policy  # type: ignore[attr-defined]
    with db.unit_of_work() as s:
        callback_id = callbacks.book(
            s, SYSTEM, case_for(s, SYSTEM, booked_case), policy, starts_at=_at(slots[0]), phone="020 555 0101"
        ).id
    taken = client.put(
        f"/api/v1/callbacks/{callback_id}/assignee", json={"assignee_id": agent.id}, headers=agent.headers
    )
    assert (taken.status_code, taken.json()["assignee_id"]) == (200, agent.id), taken.text

    moved = client.post(f"/api/v1/callbacks/{callback_id}/move", json={"starts_at": slots[2]}, headers=customer)
    assert moved.status_code == 200, moved.text
    assert _at(moved.json()["starts_at"]) == _at(slots[2])

    tried = client.post(
        f"/api/v1/callbacks/{callback_id}/outcome",
        json={"outcome": "no_answer", "retry_at": slots[3]},
        headers=agent.headers,
    )
    assert tried.status_code == 200, tried.text
    retry = tried.json()["retry"]
    assert (tried.json()["call"]["callback_id"], retry["assignee_id"], retry["state"]) == (
        callback_id,
        agent.id,
        "booked",
    )
    settled = client.post(f"/api/v1/callbacks/{callback_id}/cancel", headers=customer)
    assert settled.status_code == 409  # it was made: too late to call off

    cancelled = client.post(f"/api/v1/callbacks/{retry['id']}/cancel", headers=customer)
    assert (cancelled.status_code, cancelled.json()["state"]) == (200, "cancelled"), cancelled.text
    calls = client.get(f"/api/v1/cases/{booked_case}/calls", headers=agent.headers).json()
    assert [(c["direction"], c["outcome"], c["phone"]) for c in calls] == [("outbound", "no_answer", "0205550101")]
    lines = client.get(f"/api/v1/cases/{booked_case}", headers=agent.headers).json()["timeline"]
    kinds = [e.get("payload", {}).get("kind") for e in lines if e["kind"] == "event"]
    assert "call_logged" in kinds and "callback_assigned" in kinds


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
