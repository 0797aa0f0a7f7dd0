"""The customer's side, the whole story over the API (issue: P1, P2, P3, P4, P9).

A customer writes; a first agent answers and hands the case to billing with
a brief; billing hands it on to a specialist by name with another brief; the
customer never has to repeat themselves; the specialist asks the shipping
department, which answers inside its service level; the owner tells the
customer and the case resolves — one owner at every moment, and everyone who
touched it able to read what came before.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from sameside.kit import clock
from sameside.kit.actors import Role
from tests.factories import Factory

MONDAY = datetime(2031, 3, 3, 9, 30, tzinfo=UTC)  # business hours: Mon–Fri 09:00–17:00 UTC (the default)


def at(minutes: int) -> Any:
    return clock.frozen(MONDAY + timedelta(minutes=minutes))


def events(client: TestClient, number: int, headers: dict[str, str], kind: str) -> list[dict[str, Any]]:
    timeline = client.get(f"/api/v1/cases/{number}", headers=headers).json()["timeline"]
    return [e for e in timeline if e["event"] == kind]


def test_a_customer_is_transferred_twice_never_repeats_a_consult_is_answered_on_time_and_the_case_resolves(
    client: TestClient, make: Factory
) -> None:
    support, billing = make.team("support"), make.team("billing")
    shipping = make.department("shipping")
    first_agent = make.staff(Role.AGENT, team=support, password=None)
    billing_agent = make.staff(Role.AGENT, team=billing, password=None)
    specialist = make.staff(Role.AGENT, team=billing, password=None)
    clerk = make.staff(Role.AGENT, department=shipping, password=None)
    customer = make.customer(name="Ada Lovelace")
    with at(0):
        ada = make.customer_session(customer)  # signed in by a magic link, as in the portal

    # 1. The customer writes, once, in their own words.
    with at(0):
        opened = client.post(
            "/api/v1/cases",
            json={
                "subject": "Charged twice for order 5521",
                "body": "I was charged twice for order 5521 on my credit card and the parcel never arrived. "
                "I need one of the charges refunded.",
            },
            headers=ada,
        )
    assert opened.status_code == 201, opened.text
    number = opened.json()["number"]

    # 2. The first agent finds it among the unowned cases, answers, and so owns it.
    with at(5):
        unowned = client.get("/api/v1/cases?unowned=true&status=new", headers=first_agent.headers).json()
        assert number in [c["number"] for c in unowned["items"]]
        answered = client.post(
            f"/api/v1/cases/{number}/replies",
            json={"body": "I can see both charges. Billing handles refunds; I am passing this on with everything."},
            headers=first_agent.headers,
        )
    assert answered.status_code == 201
    case = client.get(f"/api/v1/cases/{number}", headers=first_agent.headers).json()
    assert case["owner"]["id"] == first_agent.id and case["first_human_reply_at"] is not None

    # 3. To billing, with a brief — the problem prefilled from the customer's words.
    first_brief = {
        "problem": "Charged twice for order 5521; parcel never arrived; wants one charge refunded.",
        "tried": "Confirmed both charges in the payment log.",
        "promised": "That billing would pick it up today.",
        "feeling": "Frustrated but polite.",
    }
    with at(10):
        moved = client.post(
            f"/api/v1/cases/{number}/transfer",
            json={"team_id": billing.id, "brief": first_brief},
            headers=first_agent.headers,
        )
    assert moved.status_code == 200, moved.text
    assert moved.json()["team"]["id"] == billing.id

    # Billing's agent takes it from their own queue and reads the brief, not the customer's patience.
    with at(20):
        taken = client.post("/api/v1/cases/next", headers=billing_agent.headers)
        assert taken.status_code == 200 and taken.json()["number"] == number
        client.post(
            f"/api/v1/cases/{number}/replies",
            json={"body": "Billing here: I have your case and the brief from my colleague. Checking the refund."},
            headers=billing_agent.headers,
        )
    [handoff] = events(client, number, billing_agent.headers, "transferred")
    assert handoff["data"]["brief"] == first_brief

    # 4. On to a specialist by name, with a second brief.
    second_brief = {
        "problem": first_brief["problem"],
        "tried": "Refund of the duplicate charge started; the missing parcel needs a trace.",
        "promised": "A refund within 5 days and news of the parcel.",
        "feeling": "Patient, wants certainty.",
    }
    with at(30):
        moved = client.post(
            f"/api/v1/cases/{number}/transfer",
            json={"owner_id": specialist.id, "brief": second_brief},
            headers=billing_agent.headers,
        )
    assert moved.status_code == 200 and moved.json()["owner"]["id"] == specialist.id

    # 5. The customer adds something new — and is never asked to tell the story again.
    with at(40):
        added = client.post(
            f"/api/v1/cases/{number}/replies",
            json={"body": "One more detail: the delivery address was my office, 12 Analytical Row."},
            headers=ada,
        )
    assert added.status_code == 201
    assert events(client, number, specialist.headers, "restatement_detected") == []

    # 6. The specialist asks shipping, inside the case; the customer is told who and by when.
    with at(45):
        asked = client.post(
            f"/api/v1/cases/{number}/consults",
            json={"department_id": shipping.id, "question": "Where is the parcel for order 5521?"},
            headers=specialist.headers,
        )
    assert asked.status_code == 201, asked.text
    consult = asked.json()
    due = datetime.fromisoformat(consult["due_at"])
    customer_view = client.get(f"/api/v1/cases/{number}", headers=ada).json()
    assert customer_view["status"] == "waiting_on_internal"
    [promise] = [e for e in customer_view["timeline"] if e["event"] == "consult_opened"]
    assert "checking this with our" in promise["body"] and "You will hear from us" in promise["body"]
    assert "Where is the parcel" not in str(customer_view)  # the internal question stays internal

    # 7. Shipping works its queue and answers well before the due time.
    with at(120):
        queue = client.get(f"/api/v1/departments/{shipping.id}/consults", headers=clerk.headers).json()
        assert [c["id"] for c in queue] == [consult["id"]]
        answer = client.post(
            f"/api/v1/consults/{consult['id']}/answer",
            json={"answer": "Returned to our depot: wrong house number. Re-sending today, tracking ZX123."},
            headers=clerk.headers,
        )
    assert answer.status_code == 200
    assert datetime.fromisoformat(answer.json()["answered_at"]) < due
    [answered_event] = events(client, number, specialist.headers, "consult_answered")
    assert answered_event["data"]["late"] is False
    case = client.get(f"/api/v1/cases/{number}", headers=specialist.headers).json()
    assert case["status"] == "open" and case["owner"]["id"] == specialist.id  # the consult never took the case

    # 8. The owner tells the customer and resolves.
    with at(130):
        told = client.post(
            f"/api/v1/cases/{number}/replies",
            json={
                "body": "Your refund is on its way and the parcel is re-sent today (tracking ZX123).",
                "status": "resolved",
            },
            headers=specialist.headers,
        )
    assert told.status_code == 201, told.text
    final = client.get(f"/api/v1/cases/{number}", headers=ada).json()
    assert final["status"] == "resolved"
    # One owner at every moment: every assignment on the record names exactly one person.
    owners = [e["data"]["owner_id"] for e in events(client, number, specialist.headers, "assigned")]
    assert owners[0] == first_agent.id and owners[-1] == billing_agent.id
    transfers = events(client, number, specialist.headers, "transferred")
    assert [t["data"]["to"]["owner_id"] for t in transfers] == [None, specialist.id]
