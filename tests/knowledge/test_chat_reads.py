"""The chat widget's articles beside a question (P13): any site may ask for them, and a visitor who opened one and
still started the chat is counted as the portal counts its readers; what the widget claims to have opened is
checked, never trusted."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.knowledge import reading
from tests.factories import Factory
from tests.knowledge.seed import article
from tests.web.test_chat import START, receive_until

RETURNS = "You can send anything back within **30 days** of delivery, and we refund it in full."


def _start(client: TestClient, read: object) -> int:
    with client.websocket_connect("/ws/chat", headers={"origin": "https://shop.example"}) as ws:
        ws.send_json({"start": {**START["start"], "message": "Can I send the boots back?", "read": read}})
        started = ws.receive_json()
        assert started["type"] == "started", started
        receive_until(ws, "queue")
    return int(started["case"])


def test_another_site_may_ask_which_public_articles_fit(client: TestClient, make: Factory, db: Database) -> None:
    editor = make.staff(password=None)
    article(db, editor.id, title="Sending something back", body=RETURNS)
    article(db, editor.id, title="Refunds for staff only", body=RETURNS, public=False)
    answer = client.get(
        "/help/suggest",
        params={"q": "Can I send back boots and get a refund?"},
        headers={"Origin": "https://shop.example"},
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "Sending something back" in answer.text
    assert "Refunds for staff only" not in answer.text  # the public help centre's articles only
    too_long = client.get("/help/suggest", params={"q": "refund " * 700})
    assert too_long.status_code == 422  # a precise refusal, never a 500


def test_a_visitor_who_opened_an_article_and_still_chatted_is_counted(
    client: TestClient, make: Factory, db: Database
) -> None:
    editor = make.staff(password=None)
    returns = article(db, editor.id, title="Sending something back", body=RETURNS)
    internal = article(db, editor.id, title="Refund desk notes", body=RETURNS, public=False)
    draft = article(db, editor.id, title="Returns, new wording", body=RETURNS, publish=False)

    number = _start(client, [returns, returns, internal, draft, 2**40, -1, True, "7"])

    with db.unit_of_work(write=False) as s:
        counted = reading.still_wrote(s, [returns, internal, draft])
        assert set(counted) == {returns}  # only a published public article counts, once
        assert (counted[returns].total, counted[returns].needs_review) == (1, True)
        assert reading.cases_after_reading(s, returns) == [number]


def test_what_the_widget_says_it_read_never_stops_a_chat(client: TestClient, make: Factory, db: Database) -> None:
    editor = make.staff(password=None)
    returns = article(db, editor.id, title="Sending something back", body=RETURNS)
    for claimed in (None, "everything", {"id": returns}, [[returns]], list(range(returns, returns + 500))):
        _start(client, claimed)
    with db.unit_of_work(write=False) as s:
        counted = reading.still_wrote(s, [returns])
        assert counted[returns].total == 1  # only the long list named it, among its first ten
