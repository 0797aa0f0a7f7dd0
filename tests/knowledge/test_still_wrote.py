"""A customer who read an article and still wrote to us is counted, the article flagged for review, and the
agent on their case sees what they already read (P13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.kit import clock
from tests.factories import Factory
from tests.knowledge.seed import article
from tests.web.test_desk import signed_in

HTML = {"Accept": "text/html"}
NOON = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
"""After the articles are written (at the real time), and while the customers' day-long sessions last."""


def _read(client: TestClient, headers: dict[str, str], number: int) -> None:
    page = client.get(f"/help/articles/{number}", headers={**HTML, **headers})
    assert page.status_code == 200


def test_a_reader_who_still_writes_is_counted_and_the_article_flagged(
    client: TestClient, make: Factory, db: Database
) -> None:
    editor = make.staff(password=None)
    number = article(db, editor.id)
    reader = make.customer(name="Rhea Reader")
    cookie = make.customer_session(reader)

    with clock.frozen(NOON):
        _read(client, cookie, number)
        _read(client, cookie, number)  # read twice in an hour: one read
    with clock.frozen(NOON + timedelta(hours=3)):
        written = make.case(reader, subject="The returns page did not say how", body="How do I send it back?")

    counted = client.get(f"/api/v1/knowledge/articles/{number}/still-wrote", headers=editor.headers).json()
    assert counted["total"] == 1 and counted["since_review"] == 1 and counted["needs_review"] is True
    assert counted["cases"] == [written.id]

    # The editor sees the flag in the list and the cases on the article's page.
    signed_in(client, db, editor)
    listed = client.get("/desk/knowledge?review=1", headers=HTML)
    assert "Returns within 30 days" in listed.text and "review: 1 since it changed" in listed.text
    history = client.get(f"/desk/knowledge/{number}/revisions", headers=HTML)
    assert f'href="/desk/cases/{written.id}"' in history.text.split('id="still-wrote"')[1]

    # The agent on the case sees what the customer already read.
    case_page = client.get(f"/desk/cases/{written.id}", headers=HTML)
    assert "Before writing, they read" in case_page.text
    assert f'href="/help/articles/{number}/' in case_page.text.split('id="read-first"')[1]

    # Reviewed: the flag goes; the count of all time stays.
    with clock.frozen(NOON + timedelta(hours=5)):
        reviewed = client.post(f"/api/v1/knowledge/articles/{number}/reviewed", headers=editor.headers).json()
    assert reviewed["total"] == 1 and reviewed["since_review"] == 0 and reviewed["needs_review"] is False
    assert "review:" not in client.get("/desk/knowledge", headers=HTML).text
    assert "Returns within 30 days" not in client.get("/desk/knowledge?review=1", headers=HTML).text


def test_only_a_case_within_a_day_of_reading_counts_and_anonymous_reads_count_nothing(
    client: TestClient, make: Factory, db: Database
) -> None:
    editor = make.staff(password=None)
    number = article(db, editor.id)
    late, anonymous = make.customer(), make.customer()

    with clock.frozen(NOON):
        _read(client, make.customer_session(late), number)
        _read(client, {}, number)
    with clock.frozen(NOON + timedelta(hours=25)):
        make.case(late, subject="Something else a day later")
        make.case(anonymous, subject="Wrote without being signed in when reading")
    with clock.frozen(NOON - timedelta(hours=1)):
        make.case(late, subject="Wrote before reading")

    counted = client.get(f"/api/v1/knowledge/articles/{number}/still-wrote", headers=editor.headers).json()
    assert counted == {
        "total": 0,
        "since_review": 0,
        "needs_review": False,
        "reviewed_at": counted["reviewed_at"],
        "cases": [],
    }


def test_changing_the_article_counts_again_from_the_change(client: TestClient, make: Factory, db: Database) -> None:
    editor = make.staff(password=None)
    number = article(db, editor.id)
    reader = make.customer()
    cookie = make.customer_session(reader)
    with clock.frozen(NOON):
        _read(client, cookie, number)
    with clock.frozen(NOON + timedelta(minutes=30)):
        make.case(reader, subject="Still unclear")
    with clock.frozen(NOON + timedelta(hours=2)):
        version = client.get(f"/api/v1/knowledge/articles/{number}", headers=editor.headers).json()["version"]
        edited = client.patch(
            f"/api/v1/knowledge/articles/{number}",
            json={"body": "Send it back within 30 days: print the label from your order page.", "version": version},
            headers=editor.headers,
        )
        assert edited.status_code == 200
    counted = client.get(f"/api/v1/knowledge/articles/{number}/still-wrote", headers=editor.headers).json()
    assert counted["total"] == 1 and counted["since_review"] == 0

    with clock.frozen(NOON + timedelta(hours=3)):
        _read(client, cookie, number)
    with clock.frozen(NOON + timedelta(hours=4)):
        make.case(reader, subject="Still unclear after the change")
    counted = client.get(f"/api/v1/knowledge/articles/{number}/still-wrote", headers=editor.headers).json()
    assert counted["total"] == 2 and counted["since_review"] == 1 and counted["needs_review"] is True


def test_a_customer_cannot_read_the_counts_or_mark_an_article_reviewed(client: TestClient, make: Factory) -> None:
    editor = make.staff(password=None)
    number = article(make.db, editor.id)
    cookie = make.customer_session(make.customer())
    assert client.get(f"/api/v1/knowledge/articles/{number}/still-wrote", headers=cookie).status_code == 403
    assert client.post(f"/api/v1/knowledge/articles/{number}/reviewed", headers=cookie).status_code == 403
    missing = client.post("/api/v1/knowledge/articles/999999/reviewed", headers=editor.headers)
    assert missing.status_code == 404
