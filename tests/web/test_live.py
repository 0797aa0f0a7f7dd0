"""Live updates over /ws/live: changes reach open pages, only for what the viewer may see."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.staff.models import Staff
from tests.factories import Factory
from tests.web.test_desk import signed_in

ORIGIN = {"origin": "http://testserver"}


def test_a_customer_reply_reaches_the_agent_watching_the_case(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    customer = make.customer("ana@example.com")
    number = make.case(customer).id
    signed_in(client, db, agent)

    with client.websocket_connect("/ws/live", headers=ORIGIN) as ws:
        ws.send_json({"watch": f"case:{number}"})
        watching = ws.receive_json()
        assert watching["type"] == "watching"
        presence = ws.receive_json()
        assert presence == {"type": "presence", "topic": f"case:{number}:staff", "viewers": [agent_name(db, agent.id)]}

        reply = client.post(
            f"/api/v1/cases/{number}/replies", json={"body": "Any news?"}, headers=make.customer_session(customer)
        )
        assert reply.status_code == 201, reply.text
        heard = [ws.receive_json(), ws.receive_json()]

    assert {m["topic"] for m in heard} == {"desk", f"case:{number}"}
    assert all(m["type"] == "case.message" and m["case"] == number for m in heard)


def test_a_customer_cannot_watch_someone_elses_case_and_hears_no_internal_notes(
    client: TestClient, make: Factory, db: Database
) -> None:
    ana, bo = make.customer("ana@example.com"), make.customer("bo@example.com")
    theirs, mine = make.case(bo).id, make.case(ana).id
    supervisor = make.staff(Role.SUPERVISOR, password=None)
    client.cookies.set("sameside_session", make.customer_session(ana)["Cookie"].split("=", 1)[1])

    with client.websocket_connect("/ws/live", headers=ORIGIN) as ws:
        ws.send_json({"watch": f"case:{theirs}"})
        assert ws.receive_json() == {"type": "error", "detail": f"There is no case {theirs}."}
        ws.send_json({"watch": f"case:{mine}"})
        assert ws.receive_json()["type"] == "watching"

        note = client.post(f"/api/v1/cases/{mine}/notes", json={"body": "internal"}, headers=supervisor.headers)
        reply = client.post(f"/api/v1/cases/{mine}/replies", json={"body": "Hello Ana"}, headers=supervisor.headers)
        assert note.status_code == reply.status_code == 201
        heard = [ws.receive_json()["type"]]
        while heard[-1] != "case.message":
            heard.append(ws.receive_json()["type"])

    assert "case.note" not in heard  # the note came first, and never reached the customer's page


def test_the_socket_refuses_other_sites_and_strangers(client: TestClient, make: Factory, db: Database) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as foreign,
        client.websocket_connect("/ws/live", headers={"origin": "https://evil.example"}) as ws,
    ):
        ws.receive_json()
    assert foreign.value.code == 1008

    with pytest.raises(WebSocketDisconnect) as anonymous, client.websocket_connect("/ws/live", headers=ORIGIN) as ws:
        ws.receive_json()
    assert anonymous.value.code == 1008


def test_two_agents_on_one_case_see_each_other(client: TestClient, make: Factory, db: Database) -> None:
    dana = make.staff(Role.SUPERVISOR, password=None)
    sam = make.staff(Role.SUPERVISOR, password=None)
    number = make.case().id

    signed_in(client, db, dana)
    with client.websocket_connect("/ws/live", headers=ORIGIN) as first:
        first.send_json({"watch": f"case:{number}"})
        first.receive_json()
        first.receive_json()  # Dana alone
        signed_in(client, db, sam)
        with client.websocket_connect("/ws/live", headers=ORIGIN) as second:
            second.send_json({"watch": f"case:{number}"})
            seen_by_sam = second.receive_json()
            assert seen_by_sam["viewers"] == [agent_name(db, dana.id)]
            both = first.receive_json()
            assert both["viewers"] == sorted([agent_name(db, dana.id), agent_name(db, sam.id)])
        left = first.receive_json()
        assert left["viewers"] == [agent_name(db, dana.id)]


def test_a_customer_watching_their_case_never_hears_which_staff_open_it(
    client: TestClient, make: Factory, db: Database
) -> None:
    ana = make.customer("ana@example.com")
    number = make.case(ana).id
    dana = make.staff(Role.SUPERVISOR, password=None)
    client.cookies.set("sameside_session", make.customer_session(ana)["Cookie"].split("=", 1)[1])
    with client.websocket_connect("/ws/live", headers=ORIGIN) as customer:
        customer.send_json({"watch": f"case:{number}"})
        assert customer.receive_json() == {"type": "watching", "topic": f"case:{number}", "viewers": []}
        signed_in(client, db, dana)
        with client.websocket_connect("/ws/live", headers=ORIGIN) as staff:
            staff.send_json({"watch": f"case:{number}"})
            assert staff.receive_json()["type"] == "watching"
            assert staff.receive_json()["viewers"] == [agent_name(db, dana.id)]
        # Then something the customer may hear: it is the first thing to reach them, no presence before it.
        reply = client.post(f"/api/v1/cases/{number}/replies", json={"body": "Hello Ana"}, headers=dana.headers)
        assert reply.status_code == 201, reply.text
        first = customer.receive_json()
        assert first["type"] != "presence" and dana.email not in str(first) and "viewers" not in first


def agent_name(db: Database, staff_id: int) -> str:
    with db.unit_of_work(write=False) as s:
        staff = s.get(Staff, staff_id)
        assert staff is not None
        return staff.name


def test_a_notification_reaches_only_the_person_notified(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team()
    owner = make.staff(Role.AGENT, team=team, password=None)
    colleague = make.staff(Role.AGENT, team=team, password=None)
    customer = make.customer("ines@example.com")

    def heard_by(person: object) -> list[dict[str, object]]:
        """What `person`'s open page hears while a customer asks for someone senior on a new case of the owner's."""
        number = make.case(customer, team=team, owner=owner).id
        signed_in(client, db, person)  # type: ignore[arg-type]
        with client.websocket_connect("/ws/live", headers=ORIGIN) as ws:
            asked = client.post(
                f"/api/v1/cases/{number}/escalation",
                json={"reason": "Nobody has answered my question."},
                headers=make.customer_session(customer),
            )
            assert asked.status_code == 201, asked.text
            heard = [ws.receive_json()]
            ws.send_json({"watch": f"case:{number}"})
            while heard[-1]["type"] != "watching":
                heard.append(ws.receive_json())
            return heard

    # A colleague hears the queue change, not that someone else was notified.
    assert not [m for m in heard_by(colleague) if str(m.get("topic", "")).startswith("staff:")]
    # The owner hears, on their own topic, that they were notified: their page refreshes its count.
    assert {"topic": f"staff:{owner.id}", "type": "staff.notified"} in heard_by(owner)


def test_a_page_that_listens_only_after_a_change_is_told_to_fetch_itself_again(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    customer = make.customer("ana@example.com")
    number = make.case(customer).id
    signed_in(client, db, agent)
    page = client.get(f"/desk/cases/{number}")
    began = int(re.search(r'data-since="(\d+)"', page.text).group(1))  # type: ignore[union-attr]
    assert began > 0

    # The customer writes while the agent's page is still opening its socket.
    reply = client.post(
        f"/api/v1/cases/{number}/replies", json={"body": "Any news?"}, headers=make.customer_session(customer)
    )
    assert reply.status_code == 201, reply.text

    with client.websocket_connect("/ws/live", headers=ORIGIN) as late:
        late.send_json({"watch": f"case:{number}", "since": began})
        heard = [late.receive_json() for _ in range(3)]
    assert {"type": "changed", "topic": f"case:{number}", "missed": True} in heard

    with client.websocket_connect("/ws/live", headers=ORIGIN) as fresh:  # a page that read after it: nothing missed
        fresh.send_json({"watch": f"case:{number}", "since": began + 60_000})
        assert fresh.receive_json()["type"] == "watching"
        fresh.send_json({"watch": "case:not-a-number"})  # the next thing it hears is the answer to this
        assert fresh.receive_json()["type"] in {"presence", "error"}
