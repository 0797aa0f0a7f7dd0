"""Replies go where the customer prefers (P14): by email, on the portal with a notice, in an open chat, or
written down for someone who prefers a call — and the desk shows the agent how they like to be answered."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.jobs.models import Job
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.mail.models import OutboundMail
from tests.factories import Factory, Person
from tests.web.test_chat_identity import confirmation_token
from tests.web.test_desk import signed_in

NIGHT = datetime(2031, 3, 5, 23, 0, tzinfo=UTC)  # 23:00 in London


def prefer(client: TestClient, staff: Person, customer: Customer, **preferences: Any) -> None:
    changed = client.patch(f"/api/v1/customers/{customer.id}", json=preferences, headers=staff.headers)
    assert changed.status_code == 200, changed.text


def reply(client: TestClient, staff: Person, number: int, **body: Any) -> dict[str, Any]:
    answered = client.post(
        f"/api/v1/cases/{number}/replies", json={"body": "Your refund is on its way.", **body}, headers=staff.headers
    )
    assert answered.status_code == 201, answered.text
    result: dict[str, Any] = answered.json()
    return result


def mails(db: Database) -> list[tuple[str, str, str]]:
    """(purpose, recipient, text) of every email queued."""
    with db.unit_of_work(write=False) as s:
        found = []
        for mail in s.scalars(select(OutboundMail).order_by(OutboundMail.id)):
            body = email.message_from_bytes(mail.raw or b"", policy=email.policy.default).get_body(("plain",))
            found.append((mail.purpose, mail.recipient, str(body.get_content()) if body else ""))
        return found


def test_by_email_the_reply_is_emailed(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.SUPERVISOR)
    customer = make.customer("ana@example.com", name="Ana Silva")
    prefer(client, agent, customer, preferred_channel="email")
    number = make.case(customer, channel=Channel.PORTAL).id

    answered = reply(client, agent, number)

    assert answered["channel"] == "email"
    assert answered["delivery"] == {"channel": "email", "emailed": "reply", "held_until": None, "note": None}
    [(purpose, to, text)] = mails(db)
    assert (purpose, to) == ("reply", "ana@example.com")
    assert "Your refund is on its way." in text


def test_on_the_portal_the_email_is_a_notice_with_a_link(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.SUPERVISOR)
    customer = make.customer("ana@example.com", name="Ana Silva")
    prefer(client, agent, customer, preferred_channel="portal", form_of_address="Ms Silva")
    number = make.case(customer, channel=Channel.EMAIL).id

    answered = reply(client, agent, number)

    assert answered["channel"] == "portal"
    assert answered["delivery"]["emailed"] == "notice"
    [(purpose, _, text)] = mails(db)
    assert purpose == "reply_notice"
    assert text.startswith("Dear Ms Silva,")
    assert f"http://testserver/portal/cases/{number}" in text
    assert "Your refund is on its way." not in text  # they asked to keep the conversation on the portal
    # …where it is, at once.
    seen = client.get(f"/api/v1/cases/{number}", headers=make.customer_session(customer))
    assert "Your refund is on its way." in [e["body"] for e in seen.json()["timeline"]]


def test_in_an_open_chat_the_answer_stays_in_the_chat(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.SUPERVISOR)
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"start": {"name": "Bo Berg", "email": "bo@example.com", "message": "Is my order shipped?"}})
        number = ws.receive_json()["case"]

    answered = reply(client, agent, number)

    assert answered["delivery"] == {"channel": "chat", "emailed": None, "held_until": None, "note": None}
    assert [m[0] for m in mails(db)] == ["chat_confirmation"]  # only the link to prove the address


def test_a_chat_that_has_gone_quiet_is_answered_by_email_and_the_agent_told(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.SUPERVISOR)
    with clock.frozen(NIGHT - timedelta(hours=2)), client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"start": {"name": "Bo Berg", "email": "bo@example.com", "message": "Is my order shipped?"}})
        number = ws.receive_json()["case"]
        # Bo proves the address is his: only then may answers go to it.
        confirmed = TestClient(client.app).post(
            "/chat/confirm", data={"token": confirmation_token(db, "bo@example.com")}
        )
        assert confirmed.status_code == 200

    with clock.frozen(NIGHT):
        answered = reply(client, agent, number)
        refused = client.post(
            f"/api/v1/cases/{number}/replies", json={"body": "Hi!", "channel": "chat"}, headers=agent.headers
        )

    assert answered["delivery"]["channel"] == "email"
    assert answered["delivery"]["note"] == "The case came by chat, but they have no chat open: sent by email."
    assert [m[0] for m in mails(db)] == ["chat_confirmation", "reply"]
    assert refused.status_code == 422 and "no chat open" in refused.json()["detail"]


def test_a_quiet_chat_whose_visitor_proved_nothing_is_answered_on_the_case_only(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.SUPERVISOR)
    make.customer("bo@example.com", name="Bo Berg")
    with clock.frozen(NIGHT - timedelta(hours=2)), client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"start": {"name": "Bo?", "email": "bo@example.com", "message": "What did I order?"}})
        number = ws.receive_json()["case"]

    with clock.frozen(NIGHT):
        answered = reply(client, agent, number)

    # Whoever typed Bo's address gets nothing into Bo's inbox but the link to prove it.
    assert answered["delivery"]["channel"] == "chat" and answered["delivery"]["emailed"] is None
    assert "nothing was sent" in answered["delivery"]["note"]
    assert [m[0] for m in mails(db)] == ["chat_confirmation"]


def test_for_someone_who_prefers_a_call_the_reply_is_written_down_by_email(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.SUPERVISOR)
    customer = make.customer("cy@example.com", name="Cy Dahl")
    prefer(client, agent, customer, preferred_channel="phone")
    number = make.case(customer).id

    answered = reply(client, agent, number)
    called = reply(client, agent, number, body="Called: they will send photos.", channel="phone")

    assert answered["delivery"]["channel"] == "email"
    assert answered["delivery"]["note"] == "They prefer a phone call: this reply is written down by email."
    assert called["delivery"] == {"channel": "phone", "emailed": None, "held_until": None, "note": None}
    assert [m[0] for m in mails(db)] == ["reply"]  # the call written down sends nothing


def test_an_agent_may_choose_another_written_channel(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.SUPERVISOR)
    customer = make.customer()
    prefer(client, agent, customer, preferred_channel="portal")
    number = make.case(customer).id

    answered = reply(client, agent, number, channel="email")

    assert answered["delivery"]["channel"] == "email"
    assert [m[0] for m in mails(db)] == ["reply"]


def test_outside_their_contact_window_the_response_says_when_it_goes(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.SUPERVISOR)
    customer = make.customer()
    prefer(client, agent, customer, timezone="Europe/London", contact_window_start="08:30", contact_window_end="20:00")
    with clock.frozen(NIGHT - timedelta(hours=5)):
        number = make.case(customer).id

    with clock.frozen(NIGHT):
        held = reply(client, agent, number)
        urgent = reply(client, agent, number, send_now=True)

    assert held["delivery"]["held_until"] == "2031-03-06T08:30:00Z"
    assert held["data"]["held_until"] == "2031-03-06T08:30:00+00:00"
    assert urgent["delivery"]["held_until"] is None
    with db.unit_of_work(write=False) as s:
        runs = sorted(j.run_after for j in s.scalars(select(Job)))
    assert runs == [NIGHT, datetime(2031, 3, 6, 8, 30, tzinfo=UTC)]


def test_customers_cannot_choose_the_channel_or_skip_a_window(client: TestClient, make: Factory) -> None:
    customer = make.customer()
    number = make.case(customer).id
    headers = make.customer_session(customer)

    for extra in ({"channel": "email"}, {"send_now": True}):
        refused = client.post(f"/api/v1/cases/{number}/replies", json={"body": "Hi", **extra}, headers=headers)
        assert refused.status_code == 403

    mine = client.post(f"/api/v1/cases/{number}/replies", json={"body": "Hi"}, headers=headers)
    assert mine.status_code == 201 and mine.json()["delivery"] is None


# ---------------------------------------------------------------- the desk


def test_the_desk_preselects_their_channel_and_says_how_to_answer_them(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    customer = make.customer("ngozi@example.com", name="Ngozi Okafor")
    prefer(
        client,
        agent,
        customer,
        preferred_channel="portal",
        form_of_address="Dr. Okafor",
        accessibility_notes="Screen reader; no images without text, please.",
        timezone="Europe/London",
        contact_window_start="08:30",
        contact_window_end="20:00",
    )
    with clock.frozen(NIGHT - timedelta(hours=5)):
        number = make.case(customer).id

    with clock.frozen(NIGHT):
        csrf = signed_in(client, db, agent)
        page = client.get(f"/desk/cases/{number}").text
        sent = client.post(f"/desk/cases/{number}/reply", data={"csrf": csrf, "body": "Dr. Okafor, it is refunded."})
        urgent = client.post(
            f"/desk/cases/{number}/reply",
            data={"csrf": csrf, "body": "Sorry, one more thing.", "channel": "email", "send_now": "1"},
        )

    assert "Address them as <strong>Dr. Okafor</strong>." in page
    assert "Accessibility: Screen reader; no images without text, please." in page
    assert '<option value="portal" selected>' in page
    assert "It is 23:00 for them: an email now waits until tomorrow at 08:30 their time" in page
    assert 'name="send_now"' in page
    assert sent.status_code == 200 and urgent.status_code == 200
    assert "Will be emailed tomorrow at 08:30 their time (their contact window)." in sent.text
    assert [(m[0], "Sorry, one more thing." in m[2]) for m in mails(db)] == [("reply_notice", False), ("reply", True)]


def test_the_desk_says_when_someone_prefers_a_call(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    customer = make.customer()
    prefer(client, agent, customer, preferred_channel="phone")
    number = make.case(customer).id
    signed_in(client, db, agent)

    page = client.get(f"/desk/cases/{number}").text

    assert 'Prefers a phone call: <a href="/desk/callbacks">calls booked</a>.' in page
    assert '<option value="email" selected>' in page
    assert "They prefer a phone call: this reply is written down by email." in page


def test_a_caller_with_no_email_address_is_answered_on_the_case_and_nothing_is_sent(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.SUPERVISOR)
    opened = client.post(
        "/api/v1/cases",
        json={
            "customer": {"phone": "+49 30 1234567", "name": "Uta Vogel"},
            "channel": "phone",
            "subject": "Card declined",
            "body": "My card was declined at checkout.",
        },
        headers=agent.headers,
    )
    assert opened.status_code == 201, opened.text

    answered = reply(client, agent, opened.json()["number"])

    assert answered["delivery"]["channel"] == "phone" and answered["delivery"]["emailed"] is None
    assert "no email address" in answered["delivery"]["note"]
    assert mails(db) == []
    # Asking for email explicitly is still refused with the reason.
    refused = client.post(
        f"/api/v1/cases/{opened.json()['number']}/replies",
        json={"body": "By mail?", "channel": "email"},
        headers=agent.headers,
    )
    assert refused.status_code == 422 and "no email address" in refused.json()["detail"]


def test_someone_chatting_now_is_answered_in_the_chat_even_if_they_prefer_email_for_later(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.SUPERVISOR)
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"start": {"name": "Bo Berg", "email": "bo@example.com", "message": "Is my order shipped?"}})
        number = ws.receive_json()["case"]
    with db.unit_of_work(write=False) as s:
        customer_id = s.scalar(select(Customer.id).where(Customer.name == "Bo Berg"))
    changed = client.patch(
        f"/api/v1/customers/{customer_id}", json={"preferred_channel": "email"}, headers=agent.headers
    )
    assert changed.status_code == 200, changed.text

    answered = reply(client, agent, number)

    assert answered["delivery"] == {"channel": "chat", "emailed": None, "held_until": None, "note": None}
    assert [m[0] for m in mails(db)] == ["chat_confirmation"]


def test_a_contact_window_needs_a_time_zone_and_two_different_times(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.SUPERVISOR)
    customer = make.customer()
    no_zone = client.patch(
        f"/api/v1/customers/{customer.id}",
        json={"contact_window_start": "18:00", "contact_window_end": "21:00"},
        headers=agent.headers,
    )
    assert no_zone.status_code == 422 and "time zone" in no_zone.json()["detail"]
    empty = client.patch(
        f"/api/v1/customers/{customer.id}",
        json={"timezone": "Europe/Paris", "contact_window_start": "18:00", "contact_window_end": "18:00"},
        headers=agent.headers,
    )
    assert empty.status_code == 422 and "different from its start" in empty.json()["detail"]
    prefer(client, agent, customer, timezone="Europe/Paris", contact_window_start="18:00", contact_window_end="21:00")
