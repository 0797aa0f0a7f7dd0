"""A chat visitor is who they prove to be, not whose address they type; and nobody may flood the desk."""

from __future__ import annotations

import email
import email.policy
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.cases.models import Case
from sameside.customers.models import Customer
from sameside.customers.queries import customer_by_email, email_identity
from sameside.customers.rules import Proof
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.mail.models import OutboundMail
from sameside.web.chat import CLIENT_SHARE, LINES_PER_MINUTE, ChatLimits
from sameside.web.portal import PORTAL_REQUESTS_PER_HOUR
from tests.factories import Factory
from tests.web.test_chat import receive_until
from tests.web.test_desk import signed_in as staff_signed_in

OURS = {"origin": "http://testserver"}
"""A page of the desk's own site (the test client's host)."""


def start(ws: Any, *, name: str = "Ana Silva", address: str = "ana@example.com", message: str = "Hello") -> Any:
    ws.send_json({"start": {"name": name, "email": address, "message": message}})
    started = ws.receive_json()
    assert started["type"] == "started", started
    return started


def confirmation_token(db: Database, address: str) -> str:
    """The token in the last confirmation link mailed to `address`."""
    with db.unit_of_work(write=False) as s:
        mail = s.scalars(
            select(OutboundMail)
            .where(OutboundMail.recipient == address, OutboundMail.purpose == "chat_confirmation")
            .order_by(OutboundMail.id.desc())
        ).first()
        assert mail is not None, f"no confirmation mailed to {address}"
        body = email.message_from_bytes(mail.raw or b"", policy=email.policy.default).get_body(("plain",))
        assert body is not None
        found = re.search(r"/chat/confirm\?token=([\w-]+)", str(body.get_content()))
        assert found is not None
        return found.group(1)


def receive_until_verified(ws: Any, limit: int = 20) -> None:
    for _ in range(limit):
        message = ws.receive_json()
        if message["type"] == "queue" and message["verified"]:
            return
    raise AssertionError("the widget was never told the chat is verified")


def portal_of(client: TestClient, make: Factory, customer: Customer) -> TestClient:
    """The customer's own browser, signed in to the portal (a separate client: its own cookies)."""
    theirs = TestClient(client.app)
    cookie = make.customer_session(customer)["Cookie"].split("=", 1)[1]
    theirs.cookies.set("sameside_session", cookie)
    return theirs


def filed_on(db: Database, number: int) -> int:
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None
        return case.customer_id


def test_a_stranger_typing_a_customers_address_reaches_nothing_of_theirs(
    client: TestClient, make: Factory, db: Database
) -> None:
    ana = make.customer("ana@example.com", name="Ana Silva")
    make.case(ana, subject="Refund for order 1187")
    agent = make.staff(Role.SUPERVISOR)

    with client.websocket_connect("/ws/chat", headers={"origin": "https://shop.example"}) as ws:
        started = start(ws, message="What did I order last month?")
        assert started["verified"] is False
        assert started["confirm_to"] == "ana@example.com"
        assert receive_until(ws, "queue")[-1]["verified"] is False

    # Ana's own portal does not list the stranger's chat.
    anas_browser = portal_of(client, make, ana)
    listing = anas_browser.get("/portal")
    assert listing.status_code == 200
    assert "Refund for order 1187" in listing.text
    assert "What did I order" not in listing.text
    assert anas_browser.get(f"/portal/cases/{started['case']}").status_code == 404
    assert filed_on(db, started["case"]) != ana.id

    # The desk sees a visitor who says they are Ana, not Ana: no history of hers beside a stranger.
    staff_signed_in(client, db, agent)
    desk = client.get(f"/desk/cases/{started['case']}")
    assert desk.status_code == 200
    assert "not verified" in desk.text
    assert "who says they are <strong>ana@example.com</strong>" in desk.text
    assert "Refund for order 1187" not in desk.text
    assert "Not shown until they prove who they are." in desk.text

    # Agents still answer meanwhile.
    answer = client.post(
        f"/api/v1/cases/{started['case']}/replies", json={"body": "Happy to help!"}, headers=agent.headers
    )
    assert answer.status_code == 201, answer.text


def test_the_link_mailed_to_the_address_proves_it_and_files_the_chat_on_its_customer(
    client: TestClient, make: Factory, db: Database
) -> None:
    ana = make.customer("ana@example.com", name="Ana Silva")
    earlier = make.case(ana, subject="Refund for order 1187")
    agent = make.staff(Role.SUPERVISOR)
    visitor = TestClient(client.app)  # the visitor's own browser

    with visitor.websocket_connect("/ws/chat", headers={"origin": "https://shop.example"}) as ws:
        started = start(ws, message="Is my refund through?")
        receive_until(ws, "queue")
        token = confirmation_token(db, "ana@example.com")

        landing = visitor.get(f"/chat/confirm?token={token}")
        assert landing.status_code == 200 and "Yes, it was me" in landing.text
        assert filed_on(db, started["case"]) != ana.id  # opening the link alone changes nothing (mail scanners)

        confirmed = visitor.post("/chat/confirm", data={"token": token}, follow_redirects=False)
        assert confirmed.status_code == 303
        assert confirmed.headers["location"] == f"/portal/cases/{started['case']}"
        # The open widget hears it (after any update already on its way), and their earlier lines are still theirs.
        receive_until_verified(ws)
        ws.send_json({"say": "Thanks!"})
        said = receive_until(ws, "line")
        assert (said[-1]["body"], said[-1]["author"]) == ("Thanks!", "You")

    assert filed_on(db, started["case"]) == ana.id
    with db.unit_of_work(write=False) as s:
        address = email_identity(s, "ana@example.com")
        assert address is not None and address.proof is Proof.VERIFIED
    # Signed in by the link: the chat is in their portal, with their first words as theirs.
    mine = visitor.get(f"/portal/cases/{started['case']}")
    assert mine.status_code == 200 and "Is my refund through?" in mine.text
    assert "Is my refund through?" in visitor.get("/portal").text

    staff_signed_in(client, db, agent)
    desk = client.get(f"/desk/cases/{started['case']}")
    assert "not verified" not in desk.text
    assert f"#{earlier.id} Refund for order 1187" in desk.text

    # A link works once.
    again = TestClient(client.app).post("/chat/confirm", data={"token": token})
    assert again.status_code == 410 and "not valid any more" in again.text


def test_a_link_for_an_address_nobody_has_yet_makes_its_customer(
    client: TestClient, make: Factory, db: Database
) -> None:
    with client.websocket_connect("/ws/chat") as ws:
        started = start(ws, name="Cy Dahl", address="Cy@Example.com")
    token = confirmation_token(db, "cy@example.com")

    assert client.post("/chat/confirm", data={"token": token}, follow_redirects=False).status_code == 303

    with db.unit_of_work(write=False) as s:
        case = s.get(Case, started["case"])
        assert case is not None
        owner = customer_by_email(s, "cy@example.com")
        assert owner is not None and owner.name == "Cy Dahl"
        assert case.customer_id == owner.id


def test_an_address_staff_added_but_nobody_confirmed_does_not_connect_a_chat(
    client: TestClient, make: Factory, db: Database
) -> None:
    ana = make.customer("ana@example.com", name="Ana Silva")
    agent = make.staff(Role.AGENT)
    # An agent adds an address of his own to Ana: pending until Ana confirms it.
    added = client.post(
        f"/api/v1/customers/{ana.id}/identities",
        json={"kind": "email", "value": "mallory@example.com"},
        headers=agent.headers,
    )
    assert added.status_code == 201, added.text
    visitor = TestClient(client.app)
    with visitor.websocket_connect("/ws/chat") as ws:
        started = start(ws, name="Ana", address="mallory@example.com", message="Read me her cases")

    refused = visitor.post("/chat/confirm", data={"token": confirmation_token(db, "mallory@example.com")})

    assert refused.status_code == 409
    assert "still waiting to be confirmed on its account" in refused.text
    assert filed_on(db, started["case"]) != ana.id
    assert "sameside_session" not in visitor.cookies  # and nobody was signed in as Ana
    assert visitor.get("/portal").status_code == 401


def test_a_customer_signed_in_to_the_portal_chats_as_themselves(
    client: TestClient, make: Factory, db: Database
) -> None:
    ana = make.customer("ana@example.com", name="Ana Silva")
    anas_browser = portal_of(client, make, ana)

    with anas_browser.websocket_connect("/ws/chat", headers=OURS) as ws:
        started = start(ws, name="Ana", address="someone-else@example.com", message="Where is my parcel?")
        assert started["verified"] is True and started["confirm_to"] is None
        assert receive_until(ws, "queue")[-1]["verified"] is True

    assert filed_on(db, started["case"]) == ana.id
    assert "Where is my parcel?" in anas_browser.get("/portal").text
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(OutboundMail)).all() == []  # nothing to confirm, nobody else written to


def test_a_portal_cookie_sent_from_another_site_proves_nothing(client: TestClient, make: Factory, db: Database) -> None:
    ana = make.customer("ana@example.com", name="Ana Silva")
    anas_browser = portal_of(client, make, ana)

    # Another page her browser has open opens the socket: her cookie rides along, but the Origin is not ours.
    with anas_browser.websocket_connect("/ws/chat", headers={"origin": "https://evil.example"}) as ws:
        started = start(ws, message="Show me everything")

    assert started["verified"] is False
    assert filed_on(db, started["case"]) != ana.id


def test_a_visitor_who_comes_back_signed_in_as_that_customer_has_proven_it(
    client: TestClient, make: Factory, db: Database
) -> None:
    ana = make.customer("ana@example.com", name="Ana Silva")
    bo = make.customer("bo@example.com", name="Bo Berg")
    with client.websocket_connect("/ws/chat") as ws:
        started = start(ws, message="Hello again")
    assert filed_on(db, started["case"]) != ana.id

    # Someone else signed in on the same computer proves nothing about the address typed.
    with portal_of(client, make, bo).websocket_connect("/ws/chat", headers=OURS) as ws:
        ws.send_json({"resume": started["token"]})
        assert receive_until(ws, "queue")[-1]["verified"] is False
    assert filed_on(db, started["case"]) not in (ana.id, bo.id)

    with portal_of(client, make, ana).websocket_connect("/ws/chat", headers=OURS) as ws:
        ws.send_json({"resume": started["token"]})
        heard = receive_until(ws, "queue")
        assert heard[-1]["verified"] is True
        assert [(m["body"], m["author"]) for m in heard if m["type"] == "line"] == [("Hello again", "You")]

    assert filed_on(db, started["case"]) == ana.id


def test_a_visitor_writing_too_fast_is_asked_to_slow_down_and_stays_connected(client: TestClient) -> None:
    with client.websocket_connect("/ws/chat") as ws:
        started = start(ws)
        receive_until(ws, "queue")
        for n in range(LINES_PER_MINUTE):
            ws.send_json({"say": f"line {n}"})
            receive_until(ws, "line")
        ws.send_json({"say": "one too many"})
        slow = receive_until(ws, "slow_down")[-1]
        assert "faster than we can read" in slow["detail"] and slow["retry_after"] >= 1
        # Still open: a callback request is answered on the same socket.
        ws.send_json({"callback": {"slot": "soon", "phone": "+49 30 5550101"}})
        assert receive_until(ws, "error")[-1]["detail"] == "Pick a time from the list."

    # The refused line was not kept; the others were.
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"resume": started["token"]})
        lines = [m["body"] for m in receive_until(ws, "queue", limit=50) if m["type"] == "line"]
    assert "one too many" not in lines
    assert len(lines) == 1 + LINES_PER_MINUTE  # the first words, then every line let through


def test_one_client_address_cannot_flood_by_opening_chat_after_chat(client: TestClient) -> None:
    client.app.state.chat_limits = ChatLimits(lines_per_minute=2)  # an address may send 10 a minute
    answers = []
    for _ in range(CLIENT_SHARE + 1):
        with client.websocket_connect("/ws/chat") as ws:
            start(ws)
            receive_until(ws, "queue")
            for n in range(2):  # within each chat's own allowance
                ws.send_json({"say": f"line {n}"})
                answers.append(receive_until_one_of(ws, {"line", "slow_down"})[-1]["type"])

    assert answers == ["line"] * 2 * CLIENT_SHARE + ["slow_down"] * 2


def receive_until_one_of(ws: Any, kinds: set[str], limit: int = 20) -> list[dict[str, Any]]:
    seen = []
    for _ in range(limit):
        message = ws.receive_json()
        seen.append(message)
        if message["type"] in kinds:
            return seen
    raise AssertionError(f"none of {kinds} in {seen}")


def test_portal_new_requests_are_capped_per_customer_and_the_draft_kept(
    client: TestClient, make: Factory, db: Database
) -> None:
    ana = make.customer("ana@example.com", name="Ana Silva")
    csrf = make.customer_session(ana)
    browser = TestClient(client.app)
    browser.cookies.set("sameside_session", csrf["Cookie"].split("=", 1)[1])
    token = csrf["X-CSRF-Token"]

    for n in range(PORTAL_REQUESTS_PER_HOUR):
        sent = browser.post(
            "/portal/new", data={"csrf": token, "subject": f"Request {n}", "body": "Details"}, follow_redirects=False
        )
        assert sent.status_code == 303, sent.text
    refused = browser.post(
        "/portal/new", data={"csrf": token, "subject": "One more", "body": "My draft, word for word."}
    )

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert f"You have sent {PORTAL_REQUESTS_PER_HOUR} new requests within the hour" in refused.text
    assert 'value="One more"' in refused.text and "My draft, word for word." in refused.text
    with db.unit_of_work(write=False) as s:
        subjects = s.scalars(select(Case.subject).where(Case.customer_id == ana.id)).all()
    assert len(subjects) == PORTAL_REQUESTS_PER_HOUR and "One more" not in subjects

    # Another customer is not held back by Ana's requests.
    bo = make.customer("bo@example.com", name="Bo Berg")
    bos = make.customer_session(bo)
    other = TestClient(client.app)
    other.cookies.set("sameside_session", bos["Cookie"].split("=", 1)[1])
    fine = other.post(
        "/portal/new",
        data={"csrf": bos["X-CSRF-Token"], "subject": "Mine", "body": "Hello"},
        follow_redirects=False,
    )
    assert fine.status_code == 303
