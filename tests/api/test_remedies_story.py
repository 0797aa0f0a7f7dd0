"""The customer's side, part 2, as one story over the API (P5, P6, P7).

An upset customer; the agent grants goodwill within budget at once; a larger
remedy goes to the supervisor and is approved inside the case; the customer
picks one of three offers from the email link (the link's page only asks; its
POST chooses, once); a later unreasonable demand is declined with a final
decision; the customer writes again and the case lands with its owner, the
decision shown and standing until a supervisor revises it.
"""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from sameside.cases import service as cases
from sameside.cases.models import Case
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role
from sameside.offers import service as offers
from tests.factories import Factory

LINK = re.compile(r"http://testserver(/offers/\d+/(?:\d+|other)\?expires=\d+&signature=[\w-]+)")


def test_an_upset_customer_is_made_whole_chooses_their_remedy_and_a_decision_holds(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    admin = make.staff(Role.ADMIN, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    agent = make.staff(Role.AGENT, team=team, password=None)
    customer = make.customer("dana@example.com", name="Dana")
    case = make.case(
        customer, team=team, owner=agent, subject="Broken again", body="Second broken kettle. I am furious."
    )
    client.put(
        "/api/v1/budgets", json={"role": "agent", "amount_minor": 5000, "currency": "EUR"}, headers=admin.headers
    )

    goodwill = {"kind": "voucher", "purpose": "goodwill", "amount_minor": 1500, "currency": "EUR", "reason": "Sorry"}
    assert (
        client.post(f"/api/v1/cases/{case.id}/grants", json=goodwill, headers=agent.headers).json()["state"] == "issued"
    )
    remedy = {"kind": "refund", "purpose": "remedy", "amount_minor": 8000, "currency": "EUR", "reason": "Faulty twice"}
    asked = client.post(f"/api/v1/cases/{case.id}/grants", json=remedy, headers=agent.headers).json()
    assert asked["state"] == "requested"
    approved = client.post(
        f"/api/v1/grants/{asked['id']}/review",
        json={"verdict": "approve", "reason": "Our fault"},
        headers=supervisor.headers,
    )
    assert approved.json()["state"] == "issued"

    offer = client.post(
        f"/api/v1/cases/{case.id}/offers",
        json={
            "intro": "We are sorry, Dana. Which would suit you best?",
            "options": [
                {"label": "A new kettle by Friday"},
                {
                    "label": "A refund of 30 €",
                    "grant": {"kind": "refund", "purpose": "remedy", "amount_minor": 3000, "currency": "EUR"},
                },
                {
                    "label": "A voucher of 40 €",
                    "grant": {"kind": "voucher", "purpose": "remedy", "amount_minor": 4000, "currency": "EUR"},
                },
            ],
        },
        headers=agent.headers,
    )
    assert offer.status_code == 201, offer.text
    options = offer.json()["options"]
    detail = client.get(f"/api/v1/cases/{case.id}", headers=agent.headers).json()
    sent = next(e for e in reversed(detail["timeline"]) if e["kind"] == "message" and e["direction"] == "outbound")
    assert sent["body"].startswith("We are sorry, Dana. Which would suit you best?")
    links = LINK.findall(sent["body"])
    assert len(links) == 4 and links[-1].split("?")[0].endswith("/other")

    # A mail scanner opening every link chooses nothing.
    for link in links:
        assert client.get(link).status_code == 200
    assert client.get(f"/api/v1/cases/{case.id}/offers", headers=agent.headers).json()[0]["state"] == "open"
    page = client.get(links[2])
    assert "A voucher of 40 €" in page.text and "Yes, I choose this" in page.text
    expires, signature = re.search(r"expires=(\d+)&signature=([\w-]+)", links[2]).groups()  # type: ignore[union-attr]
    forged = client.post(links[2].split("?")[0], data={"expires": expires, "signature": signature[:-2] + "xx"})
    assert forged.status_code == 404
    chosen = client.post(links[2].split("?")[0], data={"expires": expires, "signature": signature})
    assert chosen.status_code == 200 and "you chose" in chosen.text and "A voucher of 40 €" in chosen.text
    twice = client.post(
        links[1].split("?")[0],
        data=dict(
            zip(
                ("expires", "signature"), re.search(r"expires=(\d+)&signature=([\w-]+)", links[1]).groups(), strict=True
            )
        ),
    )  # type: ignore[union-attr]
    assert twice.status_code == 409 and "answered already" in twice.text
    state = client.get(f"/api/v1/cases/{case.id}/offers", headers=agent.headers).json()[0]
    assert (state["state"], state["chosen_option_id"], state["via"]) == ("chosen", options[2]["id"], "email")
    grants = client.get(f"/api/v1/cases/{case.id}/grants", headers=agent.headers).json()
    assert [(g["kind"], g["amount_minor"], g["state"]) for g in grants][-1] == (
        "voucher",
        4000,
        "requested",
    )  # 15 € left

    # A later unreasonable demand, declined politely and for good.
    with db.unit_of_work() as session:
        fresh = session.get(Case, case.id)
        assert fresh is not None
        cases.receive_message(session, CustomerActor(customer.id), fresh, "I want a lifetime supply of kettles.")
    words = "We cannot offer a lifetime supply, Dana; the voucher and refund stand."
    declined = client.post(
        f"/api/v1/cases/{case.id}/decisions",
        json={
            "kind": "decline",
            "customer_text": words,
            "rationale": "Beyond any remedy",
            "policy": "Remedies 4.2",
            "resolve": True,
        },
        headers=agent.headers,
    )
    assert declined.status_code == 201, declined.text
    mine = make.customer_session(customer)
    told = client.get(f"/api/v1/cases/{case.id}", headers=mine).json()
    assert told["status"] == "resolved" and words in [e.get("body") for e in told["timeline"]]
    assert client.get(f"/api/v1/cases/{case.id}/decisions", headers=mine).json()[0]["rationale"] == ""

    # They write again: the case reopens with its owner, the decision standing; the agent cannot overturn it.
    assert client.post(f"/api/v1/cases/{case.id}/replies", json={"body": "I insist."}, headers=mine).status_code == 201
    again = client.get(f"/api/v1/cases/{case.id}", headers=agent.headers).json()
    assert again["status"] == "open" and again["owner"]["id"] == agent.id
    standing = client.get(f"/api/v1/cases/{case.id}/decisions", headers=agent.headers).json()
    assert [(d["kind"], d["standing"]) for d in standing] == [("decline", True)]
    overturn = {"kind": "final", "customer_text": "Fine, kettles for life.", "rationale": "Tired", "policy": "none"}
    assert client.post(f"/api/v1/cases/{case.id}/decisions", json=overturn, headers=agent.headers).status_code == 403
    no_reason = client.post(f"/api/v1/cases/{case.id}/decisions", json=overturn, headers=supervisor.headers)
    assert no_reason.status_code == 422 and "why the decision is revised" in no_reason.json()["detail"]
    revised = client.post(
        f"/api/v1/cases/{case.id}/decisions",
        json={**overturn, "revision_reason": "Goodwill, on the record"},
        headers=supervisor.headers,
    )
    assert revised.status_code == 201 and revised.json()["revises_id"] == declined.json()["id"]


def test_an_offer_warns_before_it_expires_then_expires_and_can_no_longer_be_chosen(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    customer = make.customer()
    case = make.case(customer, team=team, owner=agent)
    made = client.post(
        f"/api/v1/cases/{case.id}/offers",
        json={"options": [{"label": "Repair"}, {"label": "Exchange"}], "expires_in_hours": 8},
        headers=agent.headers,
    ).json()

    with db.unit_of_work() as session:
        assert offers.settle_due(session, clock.now() + timedelta(hours=5)) == 0  # warned 2 h before: not yet
        assert offers.settle_due(session, clock.now() + timedelta(hours=6, minutes=1)) == 1
        assert offers.settle_due(session, clock.now() + timedelta(hours=6, minutes=2)) == 0  # once
        assert offers.settle_due(session, clock.now() + timedelta(hours=8, minutes=1)) == 1
    timeline = client.get(f"/api/v1/cases/{case.id}", headers=agent.headers).json()["timeline"]
    bodies = " ".join(e.get("body") or "" for e in timeline)
    assert "A reminder: the options we offered" in bodies and "The options we offered have expired" in bodies
    late = client.post(
        f"/api/v1/offers/{made['id']}/choice",
        json={"option_id": made["options"][0]["id"]},
        headers=make.customer_session(customer),
    )
    assert late.status_code == 409 and "expired" in late.json()["detail"]


def test_offers_hold_to_policy_and_only_the_cases_customer_answers_them(client: TestClient, make: Factory) -> None:
    team = make.team()
    admin = make.staff(Role.ADMIN, password=None)
    agent = make.staff(Role.AGENT, team=team, password=None)
    customer, stranger = make.customer(), make.customer()
    case = make.case(customer, team=team, owner=agent)
    client.put("/api/v1/grant-ceilings/refund", json={"currency": "EUR", "max_minor": 10000}, headers=admin.headers)
    too_much = {
        "label": "Refund 200 €",
        "grant": {"kind": "refund", "purpose": "remedy", "amount_minor": 20000, "currency": "EUR"},
    }
    refused = client.post(
        f"/api/v1/cases/{case.id}/offers", json={"options": [{"label": "Repair"}, too_much]}, headers=agent.headers
    )
    assert refused.status_code == 422 and "at most 100.00 €" in refused.json()["detail"]
    one = client.post(f"/api/v1/cases/{case.id}/offers", json={"options": [{"label": "Repair"}]}, headers=agent.headers)
    assert one.status_code == 422
    same = client.post(
        f"/api/v1/cases/{case.id}/offers",
        json={"options": [{"label": "Repair"}, {"label": "repair "}]},
        headers=agent.headers,
    )
    assert same.status_code == 422 and "same thing" in same.json()["detail"]

    made = client.post(
        f"/api/v1/cases/{case.id}/offers",
        json={"options": [{"label": "Repair"}, {"label": "Exchange"}]},
        headers=agent.headers,
    ).json()
    theirs = client.post(
        f"/api/v1/offers/{made['id']}/counter", json={"text": "Just fix it"}, headers=make.customer_session(stranger)
    )
    assert theirs.status_code == 404
    countered = client.post(
        f"/api/v1/offers/{made['id']}/counter",
        json={"text": "Repair, and a loan kettle meanwhile"},
        headers=make.customer_session(customer),
    )
    assert countered.status_code == 200 and countered.json()["state"] == "countered"
    seen = client.get(f"/api/v1/cases/{case.id}", headers=agent.headers).json()
    assert seen["status"] == "open"
    assert any(
        "a loan kettle meanwhile" in (e.get("body") or "") for e in seen["timeline"] if e["direction"] == "inbound"
    )
    told = client.get("/api/v1/notifications", headers=agent.headers).json()["items"]
    assert any("proposed their own way" in n["text"] for n in told)
