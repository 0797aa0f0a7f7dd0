"""The composer at the desk: the preview, the Cc field, Markdown on the timelines, and each email's state."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit.actors import CustomerActor, Role
from sameside.mail import outbox
from sameside.mail.models import CaseParticipant, OutboundMail, OutboundState
from sameside.mailboxes import bounces
from tests.factories import SYSTEM, Factory
from tests.web.test_desk import signed_in

HOSTILE = "Hi **Ana**, [track it](https://acme.example/t/41)\n<script>alert(1)</script> [x](javascript:alert(1))"


def ana_case(make: Factory, channel: Channel = Channel.EMAIL) -> int:
    return make.case(make.customer("ana@example.com", name="Ana Silva"), channel=channel).id


def test_the_preview_shows_the_reply_rendered_and_safe(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.AGENT)
    number = ana_case(make)
    csrf = signed_in(client, db, agent)

    shown = client.post(
        f"/desk/cases/{number}/preview",
        data={"csrf": csrf, "body": HOSTILE, "channel": "email", "cc": "ben@example.com"},
        headers={"HX-Request": "true"},
    )

    assert shown.status_code == 200
    assert "<strong>Ana</strong>" in shown.text
    assert '<a href="https://acme.example/t/41" rel="noopener noreferrer nofollow">track it</a>' in shown.text
    assert "<script>" not in shown.text and 'href="javascript' not in shown.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text
    assert "by email to ana@example.com, Cc ben@example.com" in shown.text
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(OutboundMail)).all() == [], "a preview sends nothing"


def test_the_preview_says_why_not_where_the_agent_looks(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.AGENT)
    number = ana_case(make)
    csrf = signed_in(client, db, agent)
    hx = {"HX-Request": "true"}

    forged = client.post(f"/desk/cases/{number}/preview", data={"csrf": "nope", "body": "Hi"}, headers=hx)
    portal_cc = client.post(
        f"/desk/cases/{number}/preview",
        data={"csrf": csrf, "body": "Hi", "channel": "portal", "cc": "ben@example.com"},
        headers=hx,
    )
    make.team("billing", email="billing@acme.example")
    ours = client.post(
        f"/desk/cases/{number}/preview", data={"csrf": csrf, "body": "Hi", "cc": "Billing@acme.example"}, headers=hx
    )
    empty = client.post(f"/desk/cases/{number}/preview", data={"csrf": csrf, "body": "  "}, headers=hx)

    assert "This form has expired" in forged.text and "Hi" not in forged.text.split('role="alert"')[-1][:40]
    assert "Cc goes only with a reply sent by email" in portal_cc.text
    assert "one of our own addresses" in ours.text
    assert "Nothing to preview yet" in empty.text
    assert all(r.status_code == 200 for r in (forged, portal_cc, ours, empty)), "htmx swaps only a 200 in"


def test_without_javascript_the_preview_comes_back_on_the_case_page_with_the_draft(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT)
    number = ana_case(make)
    csrf = signed_in(client, db, agent)

    drawn = client.post(
        f"/desk/cases/{number}/preview", data={"csrf": csrf, "body": "Your **refund**", "cc": "ben@example.com"}
    )

    assert drawn.status_code == 200
    assert ">Your **refund**</textarea>" in drawn.text
    assert 'value="ben@example.com"' in drawn.text
    assert '<div class="body markdown preview-body"><p>Your <strong>refund</strong></p>' in drawn.text
    assert 'aria-expanded="true"' in drawn.text


def test_a_reply_sent_with_cc_shows_rendered_with_its_emails_state_as_it_changes(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT)
    number = ana_case(make)
    csrf = signed_in(client, db, agent)
    with db.unit_of_work() as s:
        customer = s.scalars(select(Customer)).one()
        service.receive_message(s, CustomerActor(customer.id), case_for(s, SYSTEM, number), "I **want** <b>it</b>")

    sent = client.post(
        f"/desk/cases/{number}/reply",
        data={"csrf": csrf, "body": HOSTILE, "channel": "email", "cc": "Ben@Example.com"},
    )

    assert sent.status_code == 200
    assert '<div class="body markdown"><p>Hi <strong>Ana</strong>' in sent.text
    assert "<script>alert" not in sent.text.split('id="timeline"')[1].split("</ol>")[0]
    assert '<div class="body">I **want** &lt;b&gt;it&lt;/b&gt;</div>' in sent.text, "a customer's words stay text"
    assert "Email queued, going out now. To ana@example.com, Cc ben@example.com." in sent.text
    with db.unit_of_work() as s:
        mail = s.scalars(select(OutboundMail)).one()
        assert mail.cc == ["ben@example.com"]
        assert s.scalars(select(CaseParticipant.address)).all() == ["ben@example.com"]
        outbox.mark_sent(s, mail.id)
    page = client.get(f"/desk/cases/{number}").text
    assert "Email sent " in page and "To ana@example.com, Cc ben@example.com." in page

    with db.unit_of_work() as s:
        bounces.mark_bounced(s, s.scalars(select(OutboundMail)).one(), "550 5.1.1 <ana@example.com>: no such user")
    page = client.get(f"/desk/cases/{number}").text
    assert "Email bounced " in page and ": 550 5.1.1 &lt;ana@example.com&gt;: no such user." in page
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(OutboundMail)).one().state is OutboundState.BOUNCED


def test_a_cc_on_a_reply_that_is_not_emailed_is_refused_beside_the_form(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT)
    number = ana_case(make)
    csrf = signed_in(client, db, agent)

    refused = client.post(
        f"/desk/cases/{number}/reply",
        data={"csrf": csrf, "body": "On the portal", "channel": "portal", "cc": "ben@example.com"},
    )

    assert refused.status_code == 422
    assert "Cc goes only with a reply sent by email" in refused.text
    assert 'value="ben@example.com"' in refused.text and ">On the portal</textarea>" in refused.text
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(OutboundMail)).all() == []


def test_the_portal_shows_our_reply_rendered_and_the_customers_words_as_text(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT)
    customer = make.customer("ana@example.com", name="Ana Silva")
    number = make.case(customer, channel=Channel.EMAIL, body="My <i>order</i> **4411**").id
    csrf = signed_in(client, db, agent)
    client.post(f"/desk/cases/{number}/reply", data={"csrf": csrf, "body": HOSTILE, "channel": "email"})
    client.cookies.clear()

    shown = client.get(f"/portal/cases/{number}", headers=make.customer_session(customer)).text

    assert "<strong>Ana</strong>" in shown and "<script>alert" not in shown and 'href="javascript' not in shown
    assert "My &lt;i&gt;order&lt;/i&gt; **4411**" in shown
