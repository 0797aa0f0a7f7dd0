"""The timeline over the API: each event's details as a typed union told apart by `kind`, in the schema and the data."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from sameside.api import presenters
from sameside.cases import events
from sameside.cases.rules import EventType
from sameside.cases.schemas import TimelineEntryOut
from sameside.kit.actors import Role
from tests.factories import Factory

BRIEF = {"problem": "Charged twice", "tried": "Checked the log", "promised": "A refund by Friday", "feeling": "Cross"}


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def test_the_openapi_document_says_which_payload_goes_with_which_event(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    entry = document["components"]["schemas"]["TimelineEntryOut"]
    assert {"event", "data", "payload"} <= entry["properties"].keys()  # `data` stays, for clients that read it
    [union] = [s for s in entry["properties"]["payload"]["anyOf"] if s.get("type") != "null"]
    assert union["discriminator"]["propertyName"] == "kind"
    mapping = union["discriminator"]["mapping"]
    assert set(mapping) == {e.value for e in EventType} - {e.value for e in events.RESERVED}
    assert sorted(s["$ref"] for s in union["oneOf"]) == sorted(mapping.values())
    for kind, ref in mapping.items():
        schema = resolve(document, {"$ref": ref})
        assert schema["properties"]["kind"]["const"] == kind
        assert "kind" in schema["required"]
    status = resolve(document, {"$ref": mapping["status_changed"]})
    assert {"from", "to", "reason"} <= status["properties"].keys()  # stored keys, on the wire too
    escalation = resolve(document, {"$ref": mapping["escalation_requested"]})
    assert escalation["properties"]["by"]["$ref"].endswith("/EscalationAsker")


def test_staff_read_each_event_typed_and_customers_only_that_it_happened(client: TestClient, make: Factory) -> None:
    team, other = make.team(), make.team()
    owner = make.staff(Role.AGENT, team=team, password=None)
    customer = make.customer()
    number = make.case(customer, team=team, owner=owner).id
    assert client.put(f"/api/v1/cases/{number}/status", json={"status": "open"}, headers=owner.headers).is_success
    moved = client.post(
        f"/api/v1/cases/{number}/transfer", json={"team_id": other.id, "brief": BRIEF}, headers=owner.headers
    )
    assert moved.status_code == 200, moved.text

    admin = make.staff(Role.ADMIN, password=None)
    timeline = client.get(f"/api/v1/cases/{number}", headers=admin.headers).json()["timeline"]
    happened = [e for e in timeline if e["kind"] == "event"]
    assert [e["payload"]["kind"] for e in happened] == [e["event"] for e in happened]
    assert all(e["payload"] is None for e in timeline if e["kind"] != "event")
    created, assigned, status, transferred = happened
    assert created["payload"] == {"kind": "created", "channel": "email", "follow_up_of": None}
    assert assigned["payload"] == {
        "kind": "assigned",
        "owner_id": owner.id,
        "previous_owner_id": None,
        "reason": None,
        "after": None,
    }
    assert assigned["data"] == {"owner_id": owner.id, "previous_owner_id": None, "by": "tests"}  # as stored
    assert status["payload"] == {"kind": "status_changed", "from": "new", "to": "open", "reason": None}
    assert transferred["payload"]["brief"] == BRIEF and transferred["data"]["brief"] == BRIEF
    assert transferred["payload"]["from"] == {"team_id": team.id, "owner_id": owner.id}

    portal = client.get(f"/api/v1/cases/{number}", headers=make.customer_session(customer)).json()["timeline"]
    public = [e for e in portal if e["kind"] == "event"]
    assert [e["event"] for e in public] == ["created", "status_changed"]
    assert all(e["payload"] is None and e["data"] is None for e in portal)


def test_where_a_reply_went_reads_from_its_typed_delivery(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    number = make.case().id
    sent = client.post(f"/api/v1/cases/{number}/replies", json={"body": "We are on it."}, headers=agent.headers)
    assert sent.status_code == 201, sent.text
    assert sent.json()["payload"] is None  # a message, not an event

    entry = TimelineEntryOut.model_validate(sent.json())
    delivery = presenters.delivery_out(entry)
    assert delivery is not None and delivery.model_dump(mode="json") == sent.json()["delivery"]
    assert delivery.emailed == "reply"
    note = client.post(f"/api/v1/cases/{number}/notes", json={"body": "For later."}, headers=agent.headers)
    assert presenters.delivery_out(TimelineEntryOut.model_validate(note.json())) is None
