"""The case page after a customer asks for someone senior (P3): the owner sees it until they answer."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.staff.models import Staff
from tests.factories import Factory
from tests.web.test_desk import signed_in


def test_the_owner_sees_who_asked_and_who_was_told_until_the_customer_is_answered(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    owner = make.staff(Role.AGENT, team=team, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    customer = make.customer("noor@example.com")
    number = make.case(customer, team=team, owner=owner).id
    said = client.post(
        f"/api/v1/cases/{number}/replies",
        json={"body": "Nothing has happened for days. I would like to speak to a manager, please."},
        headers=make.customer_session(customer),
    )
    assert said.status_code == 201

    signed_in(client, db, owner)
    html = client.get(f"/desk/cases/{number}").text
    with db.unit_of_work(write=False) as s:
        owner_name, supervisor_name = (s.get(Staff, p.id).name for p in (owner, supervisor))  # type: ignore[union-attr]
    assert "Someone senior was asked for" in html
    assert "The customer" in html and "speak to a manager" in html
    assert f"The case stays with {owner_name}" in html
    assert supervisor_name in html  # told, by name

    answered = client.post(
        f"/api/v1/cases/{number}/replies",
        json={"body": "I am sorry for the silence. I have it in hand and my manager is looking too."},
        headers=owner.headers,
    )
    assert answered.status_code == 201
    html = client.get(f"/desk/cases/{number}").text
    assert 'id="escalation-title"' not in html  # settled by answering the customer
    assert "Someone senior was asked for by the customer" in html  # the record stays on the timeline
