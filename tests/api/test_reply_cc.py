"""`cc` on the reply endpoint: an emailed reply copied to more people, refused where nobody would get it."""

from __future__ import annotations

import email
import email.policy
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.mail.models import CaseParticipant, OutboundMail
from tests.factories import Factory


def post_reply(client: TestClient, headers: dict[str, str], number: int, **body: Any) -> Any:
    return client.post(
        f"/api/v1/cases/{number}/replies", json={"body": "Your **refund** is on its way.", **body}, headers=headers
    )


def test_a_staff_reply_with_cc_copies_the_email_and_the_people_join_the_case(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT)
    number = make.case(make.customer("ana@example.com", name="Ana Silva"), channel=Channel.EMAIL).id

    answered = post_reply(client, agent.headers, number, cc=["Ben@Example.com", "accounts@silva.example"])

    assert answered.status_code == 201, answered.text
    assert answered.json()["data"]["cc"] == ["ben@example.com", "accounts@silva.example"]
    with db.unit_of_work(write=False) as s:
        [mail] = s.scalars(select(OutboundMail)).all()
        assert mail.cc == ["ben@example.com", "accounts@silva.example"]
        message = email.message_from_bytes(mail.raw or b"", policy=email.policy.default)
        assert message["Cc"] == "ben@example.com, accounts@silva.example"
        assert "<strong>refund</strong>" in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        joined = set(s.scalars(select(CaseParticipant.address).where(CaseParticipant.case_id == number)))
        assert joined == {"ben@example.com", "accounts@silva.example"}
    timeline = client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()["timeline"]
    assert [e["data"]["cc"] for e in timeline if e["direction"] == "outbound"] == [
        ["ben@example.com", "accounts@silva.example"]
    ]


def test_cc_is_refused_where_nobody_would_get_it_and_nothing_is_kept(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT)
    customer = make.customer("ana@example.com", name="Ana Silva")
    number = make.case(customer, channel=Channel.EMAIL).id

    on_portal = post_reply(client, agent.headers, number, cc=["ben@example.com"], channel="portal")
    not_an_address = post_reply(client, agent.headers, number, cc=["ben at example"])
    too_many = post_reply(client, agent.headers, number, cc=[f"p{n}@example.com" for n in range(11)])
    by_customer = post_reply(client, make.customer_session(customer), number, cc=["x@example.com"])

    assert on_portal.status_code == 422 and "Cc goes only with a reply sent by email" in on_portal.text
    assert not_an_address.status_code == 422
    assert too_many.status_code == 422
    assert by_customer.status_code == 403
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(OutboundMail)).all() == []
        assert s.scalars(select(CaseParticipant)).all() == []
