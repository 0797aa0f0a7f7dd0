"""The chat widget's articles beside a question (P13): any site may ask for them, and a visitor who opened one and
still started the chat is counted as the portal counts its readers; what the widget claims to have opened is
checked, never trusted."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.cases.models import Case
from sameside.db.engine import Database
from sameside.knowledge import reading
from tests.factories import Factory
from tests.knowledge.seed import article
from tests.web.test_chat import START, receive_until
from tests.web.test_chat_identity import OURS, confirmation_token, filed_on, portal_of

RETURNS = "You can send anything back within **30 days** of delivery, and we refund it in full."


def _start(client: TestClient, read: object) -> int:
    return int(_started(client, read)["case"])


def _started(client: TestClient, read: object) -> dict[str, object]:
    with client.websocket_connect("/ws/chat", headers={"origin": "https://shop.example"}) as ws:
        ws.send_json({"start": {**START["start"], "message": "Can I send the boots back?", "read": read}})
        started: dict[str, object] = ws.receive_json()
        assert started["type"] == "started", started
        receive_until(ws, "queue")
    return started


def _counted_on(db: Database, returns: int, number: int) -> None:
    with db.unit_of_work(write=False) as s:
        counted = reading.still_wrote(s, [returns])
        assert counted[returns].total == 1
        assert reading.cases_after_reading(s, returns) == [number]
        case = s.get(Case, number)
        assert case is not None
        assert [r.article_id for r in reading.read_before(s, case)] == [returns]  # the agent sees it was read


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


def test_the_reads_follow_the_chat_when_the_visitor_proves_who_they_are(
    client: TestClient, make: Factory, db: Database
) -> None:
    editor = make.staff(password=None)
    returns = article(db, editor.id, title="Sending something back", body=RETURNS)
    ana = make.customer("ana@example.com", name="Ana Silva")

    by_link = _start(TestClient(client.app), [returns])
    _counted_on(db, returns, by_link)
    token = confirmation_token(db, "ana@example.com")
    assert client.post("/chat/confirm", data={"token": token}, follow_redirects=False).status_code == 303
    assert filed_on(db, by_link) == ana.id
    _counted_on(db, returns, by_link)  # still counted, now on Ana's record

    by_signing_in = _started(TestClient(client.app), [returns])
    with portal_of(client, make, ana).websocket_connect("/ws/chat", headers=OURS) as ws:
        ws.send_json({"resume": by_signing_in["token"]})
        assert receive_until(ws, "queue")[-1]["verified"] is True
    number = int(str(by_signing_in["case"]))
    assert filed_on(db, number) == ana.id
    with db.unit_of_work(write=False) as s:
        assert reading.still_wrote(s, [returns])[returns].total == 2
        assert reading.cases_after_reading(s, returns) == [number, by_link]
