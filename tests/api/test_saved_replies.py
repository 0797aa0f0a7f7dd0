"""Saved replies over the API: a supervisor shares one, an agent finds it, sees it filled in for a case and
answers with it — signed, its actions applied, its use counted; mistakes are refused when saved."""

from __future__ import annotations

import email
from email.message import Message

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.customers.models import Customer
from sameside.kit.actors import Role
from sameside.mail.models import OutboundMail
from tests.factories import Factory

SHARED = {
    "title": "Refund on its way",
    "body": "Dear {{ customer.form_of_address }},\n\nthe refund for case #{{ case.number }} is on its way. "
    "If anything else comes up, {{ team.name }} answers {{ team.typical_wait }}.\n\n{{ agent.first_name }}",
    "shared": True,
    "status": "resolved",
    "priority": "low",
    "tags": ["refund", "Refund"],
}


def _text_of(raw: bytes) -> str:
    message: Message = email.message_from_bytes(raw)
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8").replace("\r\n", "\n")
    raise AssertionError("no text part")


def test_an_agent_answers_a_case_with_a_shared_saved_reply(client: TestClient, make: Factory) -> None:
    team = make.team(name="Support")
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    agent = make.staff(Role.AGENT, team=team, password=None)
    customer = make.customer("ana@example.com", name="Ana Silva")
    with make.db.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        row.form_of_address = "Ms Silva"
    number = make.case(customer, team=team, owner=agent, tags=["billing"]).id

    made = client.post("/api/v1/saved-replies", headers=boss.headers, json=SHARED)
    assert made.status_code == 201, made.text
    reply = made.json()
    assert (reply["shared"], reply["owner_id"], reply["use_count"]) == (True, None, 0)
    assert reply["actions"] == {"status": "resolved", "priority": "low", "tags": ["refund"]}

    # The agent finds it by a word of its title, and sees it as it reads on the case.
    found = client.get("/api/v1/saved-replies?q=REFUND", headers=agent.headers).json()
    assert [r["id"] for r in found] == [reply["id"]]
    assert client.get("/api/v1/saved-replies?q=nothing-like-it", headers=agent.headers).json() == []
    filled = client.get(f"/api/v1/saved-replies/{reply['id']}/render?case={number}", headers=agent.headers)
    assert filled.status_code == 200, filled.text
    first_name = client.get("/api/v1/staff/me", headers=agent.headers).json()["name"].split()[0]
    assert filled.json()["text"] == (
        f"Dear Ms Silva,\n\nthe refund for case #{number} is on its way. If anything else comes up, "
        f"Support answers as soon as we can.\n\n{first_name}"
    )

    # Her signature, once set, goes under the email: on the timeline and in the mail alike.
    signature = client.put(
        "/api/v1/staff/me/signature", headers=agent.headers, json={"signature": "  Agent at Acme\nacme.example  "}
    )
    assert signature.json() == {"signature": "Agent at Acme\nacme.example"}
    sent = client.post(f"/api/v1/saved-replies/{reply['id']}/send", headers=agent.headers, json={"case_number": number})
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["body"] == filled.json()["text"] + "\n\nAgent at Acme\nacme.example"
    assert body["saved_reply"]["use_count"] == 1 and body["saved_reply"]["last_used_at"] is not None
    assert body["delivery"]["channel"] == "email"

    case = client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()
    assert (case["status"], case["priority"], sorted(case["tags"])) == ("resolved", "low", ["billing", "refund"])
    with make.db.unit_of_work(write=False) as s:
        mail = s.scalars(select(OutboundMail).where(OutboundMail.purpose == "reply")).one()
        assert mail.raw is not None
        answer = _text_of(mail.raw).split("\n-- \n")[0]  # the company footer follows the separator
        assert answer.rstrip().endswith("Agent at Acme\nacme.example")


def test_a_status_given_when_sending_wins_and_actions_can_be_left_off(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    mine = client.post(
        "/api/v1/saved-replies",
        headers=agent.headers,
        json={"title": "Checking", "body": "Checking with the courier.", "status": "resolved", "tags": ["courier"]},
    ).json()
    assert (mine["shared"], mine["owner_id"]) == (False, agent.id)
    first = make.case(team=team, owner=agent).id
    sent = client.post(
        f"/api/v1/saved-replies/{mine['id']}/send",
        headers=agent.headers,
        json={"case_number": first, "status": "waiting_on_customer", "body": "Checking with the courier today."},
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["body"] == "Checking with the courier today."  # no signature set: nothing under it
    case = client.get(f"/api/v1/cases/{first}", headers=agent.headers).json()
    assert (case["status"], case["tags"]) == ("waiting_on_customer", ["courier"])
    second = make.case(team=team, owner=agent).id
    client.post(
        f"/api/v1/saved-replies/{mine['id']}/send",
        headers=agent.headers,
        json={"case_number": second, "apply_actions": False},
    )
    case = client.get(f"/api/v1/cases/{second}", headers=agent.headers).json()
    assert (case["status"], case["tags"]) == ("open", [])
    assert client.get(f"/api/v1/saved-replies/{mine['id']}", headers=agent.headers).json()["use_count"] == 2


def test_an_unknown_placeholder_is_refused_when_saved_naming_it(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.AGENT, password=None)
    refused = client.post(
        "/api/v1/saved-replies", headers=agent.headers, json={"title": "Hi", "body": "Hello {{ customer.nickname }}!"}
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "{{ customer.nickname }} is not a placeholder we know" in refused.json()["detail"]
    sneaky = client.post(
        "/api/v1/saved-replies", headers=agent.headers, json={"title": "Hi", "body": "{{ ''.__class__.__mro__ }}"}
    )
    assert sneaky.status_code == 422
    made = client.post("/api/v1/saved-replies", headers=agent.headers, json={"title": "Hi", "body": "Hello"}).json()
    broken = client.patch(
        f"/api/v1/saved-replies/{made['id']}", headers=agent.headers, json={"body": "Hello {% for x in y %}"}
    )
    assert broken.status_code == 422 and "do not read right" in broken.json()["detail"]
    closing = client.patch(f"/api/v1/saved-replies/{made['id']}", headers=agent.headers, json={"status": "closed"})
    assert closing.status_code == 422


def test_who_sees_and_keeps_which(client: TestClient, make: Factory) -> None:
    support, billing = make.team(), make.team()
    agent = make.staff(Role.AGENT, team=support, password=None)
    other = make.staff(Role.AGENT, team=billing, password=None)
    boss = make.staff(Role.SUPERVISOR, team=support, password=None)
    shared = {"title": "Team hello", "body": "Hello", "shared": True}
    assert client.post("/api/v1/saved-replies", headers=agent.headers, json=shared).status_code == 403
    for_support = client.post(
        "/api/v1/saved-replies", headers=boss.headers, json={**shared, "team_id": support.id}
    ).json()
    for_all = client.post("/api/v1/saved-replies", headers=boss.headers, json={**shared, "title": "All"}).json()
    own = client.post("/api/v1/saved-replies", headers=agent.headers, json={"title": "Mine", "body": "x"}).json()

    def titles(person: object) -> list[str]:
        return sorted(r["title"] for r in client.get("/api/v1/saved-replies", headers=person.headers).json())  # type: ignore[attr-defined]

    assert titles(agent) == ["All", "Mine", "Team hello"]
    assert titles(other) == ["All"]
    assert titles(boss) == ["All", "Team hello"]  # a colleague's own reply is theirs alone
    mine_only = client.get("/api/v1/saved-replies?scope=mine", headers=agent.headers).json()
    assert [r["title"] for r in mine_only] == ["Mine"]
    assert client.get(f"/api/v1/saved-replies/{own['id']}", headers=boss.headers).status_code == 404
    assert client.get(f"/api/v1/saved-replies/{for_support['id']}", headers=other.headers).status_code == 404
    assert (
        client.patch(
            f"/api/v1/saved-replies/{for_all['id']}", headers=agent.headers, json={"title": "Mine now"}
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/saved-replies/{own['id']}", headers=boss.headers).status_code == 404
    assert client.delete(f"/api/v1/saved-replies/{own['id']}", headers=agent.headers).status_code == 204
    assert client.delete(f"/api/v1/saved-replies/{for_all['id']}", headers=boss.headers).status_code == 204
    assert titles(agent) == ["Team hello"]


def test_a_chat_reply_is_not_signed(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    client.put("/api/v1/staff/me/signature", headers=agent.headers, json={"signature": "Agent"})
    number = make.case(team=team, owner=agent).id
    phoned = client.post(
        f"/api/v1/cases/{number}/replies",
        headers=agent.headers,
        json={"body": "Called: all sorted.", "channel": "phone"},
    )
    assert phoned.json()["body"] == "Called: all sorted."  # the cases API sends exactly what it is given
    made = client.post("/api/v1/saved-replies", headers=agent.headers, json={"title": "Call", "body": "Called."}).json()
    sent = client.post(
        f"/api/v1/saved-replies/{made['id']}/send",
        headers=agent.headers,
        json={"case_number": number, "channel": "phone"},
    ).json()
    assert sent["body"] == "Called."
    portal = client.post(
        f"/api/v1/saved-replies/{made['id']}/send",
        headers=agent.headers,
        json={"case_number": number, "channel": "portal"},
    ).json()
    assert portal["body"] == "Called.\n\nAgent"
    assert client.put("/api/v1/staff/me/signature", headers=agent.headers, json={"signature": ""}).json() == {
        "signature": None
    }
