"""Live chat over /ws/chat: start, hear the queue honestly, talk with a person, come back later."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.callbacks.models import Callback
from sameside.cases.models import Case
from sameside.cases.routing import homes
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.staff import presence
from sameside.staff.models import Presence, Staff, Team
from tests.factories import Factory

START = {"start": {"name": "Ana Silva", "email": "ana@example.com", "message": "My parcel is late.\nOrder 4411."}}


def receive_until(ws: Any, kind: str, limit: int = 20) -> list[dict[str, Any]]:
    seen = []
    for _ in range(limit):
        message = ws.receive_json()
        seen.append(message)
        if message["type"] == kind:
            return seen
    raise AssertionError(f"no {kind!r} in {seen}")


def test_a_visitor_starts_a_chat_and_a_person_answers(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)

    with client.websocket_connect("/ws/chat", headers={"origin": "https://shop.example"}) as ws:
        ws.send_json(START)
        started = ws.receive_json()
        assert started["type"] == "started" and len(started["token"]) > 30
        first = receive_until(ws, "queue")
        assert [m["body"] for m in first if m["type"] == "line"] == ["My parcel is late.\nOrder 4411."]
        queue = first[-1]
        assert queue["position"] == 0  # nobody online: no place in a queue nobody works
        assert queue["typical_seconds"] is None  # no history yet: no invented number
        assert queue["people_online"] is False  # nobody is online for chat

        answer = client.post(
            f"/api/v1/cases/{started['case']}/replies", json={"body": "Hi Ana, I'm on it."}, headers=agent.headers
        )
        assert answer.status_code == 201
        heard = receive_until(ws, "queue")
        [line] = [m for m in heard if m["type"] == "line"]
        assert (line["body"], line["mine"]) == ("Hi Ana, I'm on it.", False)
        assert heard[-1]["position"] == 0

        ws.send_json({"say": "Thank you!"})
        seen = receive_until(ws, "line", limit=10)  # earlier updates may still be on their way
        assert (seen[-1]["body"], seen[-1]["mine"], seen[-1]["author"]) == ("Thank you!", True, "You")

    with db.unit_of_work(write=False) as s:
        case = s.get(Case, started["case"])
        assert case is not None
        assert case.channel is Channel.CHAT and case.subject == "Chat: My parcel is late."


def test_a_visitor_comes_back_with_their_token_and_strangers_cannot(client: TestClient) -> None:
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json(START)
        token = ws.receive_json()["token"]
        receive_until(ws, "queue")

    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"resume": token})
        lines = [m for m in receive_until(ws, "queue") if m["type"] == "line"]
        assert [m["body"] for m in lines] == ["My parcel is late.\nOrder 4411."]

    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"resume": "guessed-token"})
        assert ws.receive_json()["type"] == "expired"


def test_the_queue_says_where_you_stand_and_what_the_wait_has_really_been(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    support = make.team("support")
    full = make.staff(Role.AGENT, team=support, password=None)
    with db.unit_of_work() as s:
        homes.set_home(s, SystemActor("test"), homes.DEFAULT, s.get(Team, support.id))
    then = clock.now() - timedelta(hours=2)
    # Ten chats answered after 2 to 11 minutes: fewer, and there is too little history to state a wait at all.
    with clock.frozen(then):
        for minutes in range(2, 12):
            with client.websocket_connect("/ws/chat") as ws:
                ws.send_json({"start": {"name": "Bo", "email": f"bo{minutes}@example.com", "message": "Hello"}})
                number = ws.receive_json()["case"]
            with clock.frozen(then + timedelta(minutes=minutes)):
                client.post(f"/api/v1/cases/{number}/replies", json={"body": "Hi"}, headers=agent.headers)
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"start": {"name": "Cy", "email": "cy@example.com", "message": "First in line"}})
        receive_until(ws, "queue")
        with db.unit_of_work() as s:  # someone is online, but has no room for another chat: both wait
            presence.set_presence(s, StaffActor(full.id, Role.AGENT, support.id), Presence.ONLINE)
            presence.set_capacity(s, SystemActor("test"), s.get(Staff, full.id), 0)  # type: ignore[arg-type]
        with client.websocket_connect("/ws/chat") as second:
            second.send_json(START)
            queue = receive_until(second, "queue")[-1]

    assert queue["position"] == 2
    assert queue["typical_seconds"] == 6 * 60
    assert queue["people_online"] is True


def test_bad_input_gets_a_clear_answer_and_no_case(client: TestClient, db: Database) -> None:
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"start": {"name": "", "email": "ana@example.com", "message": "hi"}})
        assert ws.receive_json() == {"type": "error", "detail": "Please tell us your name."}
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"start": {"name": "Ana", "email": "not an address", "message": "hi"}})
        assert ws.receive_json()["type"] == "error"
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_text("x" * 20_000)
        assert "too long" in ws.receive_json()["detail"]
    with db.unit_of_work(write=False) as s:
        assert s.scalars(select(Case)).all() == []


def test_the_widget_script_is_served_for_any_site(client: TestClient) -> None:
    script = client.get("/widget.js")

    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "/ws/chat" in script.text
    assert "innerHTML" not in script.text  # visitor and agent text is only ever set as text


def test_with_nobody_online_a_visitor_can_book_a_call_from_the_chat(
    client: TestClient, make: Factory, db: Database
) -> None:
    make.staff(Role.AGENT, team=make.team("support"), password=None)  # on duty, but not at the workspace

    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json(START)
        queue = receive_until(ws, "queue")[-1]
        assert queue["people_online"] is False
        assert queue["callback_slots"], "free times within business hours are offered"
        ws.send_json({"callback": {"slot": "tomorrow-ish", "phone": "+49 30 5550101"}})
        assert ws.receive_json() == {"type": "error", "detail": "Pick a time from the list."}
        ws.send_json({"callback": {"slot": queue["callback_slots"][0]["value"], "phone": "+49 30 5550101"}})
        confirmed = receive_until(ws, "callback")[-1]
        assert queue["callback_slots"][0]["label"] in confirmed["when"]

    with db.unit_of_work(write=False) as s:
        [call] = s.scalars(select(Callback)).all()
        assert call.phone == "+49305550101"
