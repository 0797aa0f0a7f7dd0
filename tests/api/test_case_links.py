"""Merging, linking and splitting cases, as stories over the API, on both databases."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.db.engine import Database
from sameside.kit.actors import CustomerActor, Role, SystemActor
from tests.factories import Factory

SYSTEM = SystemActor("tests")


def write(db: Database, number: int, customer_id: int, body: str) -> None:
    with db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        cases.receive_message(s, CustomerActor(customer_id, case.customer.organization_id), case, body)


def timeline(client: TestClient, number: int, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/cases/{number}", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["timeline"])


def bodies(entries: list[dict[str, Any]]) -> list[str]:
    return [e["body"] for e in entries if e["kind"] == "message"]


def test_a_duplicate_merges_into_the_customers_other_case_in_time_order(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    dana = make.customer("dana@example.com", name="Dana")
    first = make.case(dana, team=team, subject="Parcel late", body="1 Where is my parcel?").id
    second = make.case(dana, team=team, subject="Parcel???", body="2 Still no parcel.").id
    write(db, first, dana.id, "3 Tracking says lost.")
    write(db, second, dana.id, "4 Please answer.")

    before = len(timeline(client, second, agent.headers))
    merged = client.post(f"/api/v1/cases/{second}/merge", json={"into": first}, headers=agent.headers)
    assert merged.status_code == 200, merged.text
    assert merged.json()["number"] == first

    survivor = timeline(client, first, agent.headers)
    assert bodies(survivor) == [
        "1 Where is my parcel?",
        "2 Still no parcel.",
        "3 Tracking says lost.",
        "4 Please answer.",
    ]
    stamps = [e["created_at"] for e in survivor]
    assert stamps == sorted(stamps)
    assert survivor[-1]["payload"] == {"kind": "merged_from", "from": second, "moved": before}

    duplicate = client.get(f"/api/v1/cases/{second}", headers=agent.headers).json()
    assert duplicate["status"] == "closed"
    assert bodies(duplicate["timeline"]) == []
    assert [e["payload"]["kind"] for e in duplicate["timeline"] if e["payload"]][:1] == ["merged_into"]
    links = client.get(f"/api/v1/cases/{second}/links", headers=agent.headers).json()
    assert links["merged_into"]["number"] == first
    assert [
        c["number"] for c in client.get(f"/api/v1/cases/{first}/links", headers=agent.headers).json()["merged_from"]
    ] == [second]

    # Dana reads everything she wrote on the case that stays, and is told on the old one where it went.
    dana_headers = make.customer_session(dana)
    assert bodies(timeline(client, first, dana_headers))[-1] == "4 Please answer."
    told = [e["body"] for e in timeline(client, second, dana_headers) if e["event"] == "merged_into"]
    assert told and f"request #{first}" in told[0]

    again = client.post(f"/api/v1/cases/{second}/merge", json={"into": first}, headers=agent.headers)
    assert again.status_code == 409, again.text
    assert f"already merged into case #{first}" in again.json()["detail"]


def test_another_customers_case_is_refused_and_an_organisation_merge_shows_nobody_the_others_words(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    make.organization("Globex", domain="globex.example")
    alice = make.customer("alice@globex.example", name="Alice")
    bob = make.customer("bob@globex.example", name="Bob")
    stranger = make.customer("sam@elsewhere.example", name="Sam")
    alices = make.case(alice, team=team, subject="VPN down", body="Alice: our VPN is down, password is hunter2").id
    bobs = make.case(bob, team=team, subject="VPN", body="Bob: the VPN does not connect").id
    sams = make.case(stranger, team=team, subject="VPN", body="Sam: VPN").id

    refused = client.post(f"/api/v1/cases/{sams}/merge", json={"into": alices}, headers=agent.headers)
    assert refused.status_code == 422, refused.text
    assert "Link them instead" in refused.json()["detail"]
    assert client.get(f"/api/v1/cases/{sams}", headers=agent.headers).json()["status"] == "new"

    merged = client.post(f"/api/v1/cases/{bobs}/merge", json={"into": alices}, headers=agent.headers)
    assert merged.status_code == 200, merged.text

    bob_headers = make.customer_session(bob)
    assert client.get(f"/api/v1/cases/{alices}", headers=bob_headers).status_code == 404
    bob_sees = timeline(client, bobs, bob_headers)
    assert bodies(bob_sees) == ["Bob: the VPN does not connect"]  # his own words stay his
    said = " ".join(e["body"] or "" for e in bob_sees)
    assert "hunter2" not in said and str(alices) not in said.replace(str(bobs), "")
    alice_sees = timeline(client, alices, make.customer_session(alice))
    assert bodies(alice_sees) == ["Alice: our VPN is down, password is hunter2"]
    # Staff find Bob's case from Alice's.
    links = client.get(f"/api/v1/cases/{alices}/links", headers=agent.headers).json()
    assert [c["number"] for c in links["merged_from"]] == [bobs]


def test_related_cases_link_both_ways_once_and_unlink(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    a = make.case(make.customer(), team=team).id
    b = make.case(make.customer(), team=make.team()).id  # another customer, another team: still related

    made = client.post(f"/api/v1/cases/{a}/links", json={"case": b}, headers=agent.headers)
    assert made.status_code == 201, made.text
    assert [c["number"] for c in made.json()["related"]] == [b]
    assert [c["number"] for c in client.get(f"/api/v1/cases/{b}/links", headers=agent.headers).json()["related"]] == [a]
    twice = client.post(f"/api/v1/cases/{a}/links", json={"case": b}, headers=agent.headers)
    assert twice.status_code == 409 and "already linked" in twice.json()["detail"]
    # From the other team's case it is that team's call.
    assert client.post(f"/api/v1/cases/{b}/links", json={"case": a}, headers=agent.headers).status_code == 403
    assert client.post(f"/api/v1/cases/{a}/links", json={"case": a}, headers=agent.headers).status_code == 422
    assert client.post(f"/api/v1/cases/{a}/links", json={"case": 999_999}, headers=agent.headers).status_code == 404

    assert client.delete(f"/api/v1/cases/{a}/links/{b}", headers=agent.headers).status_code == 204
    assert client.get(f"/api/v1/cases/{b}/links", headers=agent.headers).json()["related"] == []
    assert client.delete(f"/api/v1/cases/{a}/links/{b}", headers=agent.headers).status_code == 404
    events = [e["event"] for e in timeline(client, b, agent.headers)]
    assert events[-2:] == ["linked", "unlinked"]


def test_a_later_message_splits_off_into_a_new_case_of_the_same_customer(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    dana = make.customer("dana@example.com", name="Dana")
    number = make.case(dana, team=team, subject="Parcel late", body="Where is my parcel?").id
    write(db, number, dana.id, "Also, my invoice shows the wrong address.\nPlease fix it.")
    entries = timeline(client, number, agent.headers)
    opening = next(e for e in entries if e["kind"] == "message")
    invoice = [e for e in entries if e["kind"] == "message"][-1]

    refused = client.post(f"/api/v1/cases/{number}/split", json={"message_id": opening["id"]}, headers=agent.headers)
    assert refused.status_code == 422 and "opened this case" in refused.json()["detail"]

    split = client.post(
        f"/api/v1/cases/{number}/split",
        json={"message_id": invoice["id"]},
        headers={**agent.headers, "Idempotency-Key": "split-1"},
    )
    assert split.status_code == 201, split.text
    new = split.json()
    assert new["subject"] == "Also, my invoice shows the wrong address."
    assert new["customer"]["id"] == dana.id and new["team"]["id"] == team.id
    replay = client.post(
        f"/api/v1/cases/{number}/split",
        json={"message_id": invoice["id"]},
        headers={**agent.headers, "Idempotency-Key": "split-1"},
    )
    assert replay.json()["number"] == new["number"]

    moved = timeline(client, new["number"], agent.headers)
    assert moved[0]["id"] == invoice["id"] and moved[0]["body"] == invoice["body"]
    assert bodies(moved) == [invoice["body"]]
    old = timeline(client, number, agent.headers)
    assert bodies(old) == ["Where is my parcel?"]
    assert old[-1]["payload"] == {"kind": "split_off", "into": new["number"], "entry_id": invoice["id"]}
    assert (
        client.get(f"/api/v1/cases/{new['number']}/links", headers=agent.headers).json()["split_from"]["number"]
        == number
    )
