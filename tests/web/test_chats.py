"""The Chats page and its count, presence at the desk, and the widget telling only what is true."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from sameside.cases.models import Case
from sameside.cases.routing import homes
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit.actors import Role, SystemActor
from sameside.staff.models import Presence, Staff, Team
from tests.factories import Factory
from tests.web.test_chat import START, receive_until
from tests.web.test_desk import signed_in

SYSTEM = SystemActor("test")


def chat_home(db: Database, team: Team) -> None:
    with db.unit_of_work() as s:
        homes.set_home(s, SYSTEM, "chat", s.get(Team, team.id))


def presence_of(db: Database, staff_id: int) -> Presence:
    with db.unit_of_work(write=False) as s:
        staff = s.get(Staff, staff_id)
        assert staff is not None
        return staff.presence


def test_a_visitors_chat_shows_in_the_chat_teams_queue_with_its_count(
    client: TestClient, make: Factory, db: Database
) -> None:
    live = make.team("live", name="Live")
    chat_home(db, live)
    agent = make.staff(Role.AGENT, team=live)
    outsider = make.staff(Role.AGENT, team=make.team("billing"))
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json(START)
        number = ws.receive_json()["case"]
        receive_until(ws, "queue")

    signed_in(client, db, agent)
    page = client.get("/desk/chats")
    assert page.status_code == 200
    assert f"#{number} Chat: My parcel is late." in page.text
    assert 'id="waiting-count">1<' in page.text
    assert "Nobody in your team is online now: visitors are told so" in page.text
    count = client.get("/desk/chats/count")
    assert count.headers["cache-control"] == "no-store"
    assert 'data-waiting="1"' in count.text and "1<span" in count.text
    assert "data-presence-beat=" in count.text  # every desk page showing the count keeps presence true

    signed_in(client, db, outsider)  # another team's agent: not their chat
    assert f"#{number}" not in client.get("/desk/chats").text
    assert 'data-waiting="0"' in client.get("/desk/chats/count").text
    client.cookies.clear()
    stranger = client.get("/desk/chats/count")
    assert stranger.status_code == 200 and "data-presence-beat" not in stranger.text


def test_going_online_on_the_page_takes_waiting_chats_and_a_bad_choice_is_refused_beside_the_control(
    client: TestClient, make: Factory, db: Database
) -> None:
    live = make.team("live")
    chat_home(db, live)
    agent = make.staff(Role.AGENT, team=live)
    number = make.case(channel=Channel.CHAT).id
    csrf = signed_in(client, db, agent)

    bad = client.post("/desk/chats/presence", data={"csrf": csrf, "presence": "asleep"})
    assert bad.status_code == 422
    assert 'id="presence-error">Choose online, away or offline.<' in bad.text
    expired = client.post("/desk/chats/presence", data={"csrf": "stale", "presence": "online"})
    assert expired.status_code == 403

    done = client.post("/desk/chats/presence", data={"csrf": csrf, "presence": "online"}, follow_redirects=False)
    assert done.status_code == 303
    assert presence_of(db, agent.id) is Presence.ONLINE
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None and case.owner_id == agent.id  # waiting, now theirs
    page = client.get("/desk/chats")
    assert "You: Online" in page.text and "you have 1 now" in page.text


def test_take_the_next_chat_and_nothing_waiting_says_so_beside_the_button(
    client: TestClient, make: Factory, db: Database
) -> None:
    live = make.team("live")
    chat_home(db, live)
    agent = make.staff(Role.AGENT, team=live)
    csrf = signed_in(client, db, agent)
    offline = client.post("/desk/chats/take", data={"csrf": csrf})
    assert offline.status_code == 422 and 'id="take-error">Set yourself online' in offline.text

    client.post("/desk/chats/presence", data={"csrf": csrf, "presence": "away"})
    empty = client.post("/desk/chats/take", data={"csrf": csrf})
    assert empty.status_code == 422 and "No chat is waiting" in empty.text

    number = make.case(channel=Channel.CHAT).id  # away: routing gives them nothing, but they may take it
    taken = client.post("/desk/chats/take", data={"csrf": csrf}, follow_redirects=False)
    assert taken.status_code == 303 and taken.headers["location"] == f"/desk/cases/{number}"


def test_the_heartbeat_keeps_the_desk_online_and_wants_a_valid_form(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, team=make.team())
    csrf = signed_in(client, db, agent)
    assert client.post("/desk/chats/beat", data={"csrf": csrf, "active": "1"}).status_code == 204
    assert client.post("/desk/chats/beat", data={"csrf": "nope"}).status_code == 403
    with db.unit_of_work(write=False) as s:
        staff = s.get(Staff, agent.id)
        assert staff is not None and staff.seen_at is not None and staff.active_at is not None


def test_a_beat_from_someone_online_with_room_brings_them_the_next_waiting_chat(
    client: TestClient, make: Factory, db: Database
) -> None:
    live = make.team("live")
    chat_home(db, live)
    agent = make.staff(Role.AGENT, team=live)
    csrf = signed_in(client, db, agent)
    client.post("/desk/chats/presence", data={"csrf": csrf, "presence": "online"})
    with db.unit_of_work() as s:
        staff = s.get(Staff, agent.id)
        assert staff is not None
        staff.chat_capacity = 0  # full for now
    number = make.case(channel=Channel.CHAT).id
    with db.unit_of_work() as s:
        staff = s.get(Staff, agent.id)
        assert staff is not None
        staff.chat_capacity = 1  # a chat resolved: room again

    assert client.post("/desk/chats/beat", data={"csrf": csrf, "active": "0"}).status_code == 204
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None and case.owner_id == agent.id


def test_the_widget_greets_in_the_companys_words_and_has_a_close_control(client: TestClient) -> None:
    script = client.get("/widget.js")
    assert script.status_code == 200
    assert '"greeting": "Hello! Ask us anything' in script.text
    assert "Close the chat" in script.text
    assert "/*CONFIG*/" not in script.text


def state(client: TestClient) -> dict[str, Any]:
    with client.websocket_connect("/ws/chat") as ws:
        ws.send_json(START)
        queue: dict[str, Any] = receive_until(ws, "queue")[-1]
        return queue


def test_the_widget_gives_a_place_only_while_someone_online_works_the_queue(
    client: TestClient, make: Factory, db: Database
) -> None:
    live = make.team("live")
    chat_home(db, live)
    agent = make.staff(Role.AGENT, team=live)

    nobody = state(client)
    assert (nobody["people_online"], nobody["position"], nobody["typical_seconds"]) == (False, 0, None)
    assert nobody["callback_slots"] is not None

    csrf = signed_in(client, db, agent)
    client.post("/desk/chats/presence", data={"csrf": csrf, "presence": "online"})
    client.cookies.clear()
    with db.unit_of_work() as s:  # full: chats wait, in a queue someone works
        staff = s.get(Staff, agent.id)
        assert staff is not None
        staff.chat_capacity = 1
    waiting = state(client)
    assert waiting["people_online"] is True and waiting["position"] == 1 and waiting["callback_slots"] == []
    assert waiting["person"] is None
