"""Idempotency-Key: a retry after a lost answer gets the first answer, and nothing is created twice."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sameside.auth.models import ApiToken
from sameside.cases.models import Case, TimelineEntry
from sameside.db.engine import Database
from sameside.idempotency.models import StoredAnswer
from sameside.idempotency.service import forget_expired
from sameside.kit import clock
from sameside.kit.actors import Role
from tests.factories import Factory, Person

NEW_CASE = {
    "subject": "Charged twice",
    "body": "My card shows two payments for order 5512.",
    "channel": "phone",
    "customer": {"email": "ana@example.com", "name": "Ana Silva"},
}


def open_case(
    client: TestClient, person: Person, key: str | None, body: dict[str, object] = NEW_CASE
) -> httpx.Response:
    headers = {**person.headers, **({"Idempotency-Key": key} if key is not None else {})}
    return client.post("/api/v1/cases", json=body, headers=headers)


def count(db: Database, model: type[object], *where: object) -> int:
    with db.unit_of_work(write=False) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def test_a_retried_case_opening_answers_with_the_first_case_and_opens_one(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, password=None)

    first = open_case(client, agent, "9a1f6c3e-retry")
    retry = open_case(client, agent, "9a1f6c3e-retry")

    assert first.status_code == retry.status_code == 201, retry.text
    assert retry.content == first.content
    assert retry.headers["content-type"] == first.headers["content-type"] == "application/json"
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert count(db, Case) == 1

    without_key = open_case(client, agent, None)
    assert without_key.status_code == 201 and without_key.json()["number"] != first.json()["number"]
    assert count(db, Case) == 2


def test_the_same_key_with_another_body_is_refused_and_creates_nothing(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, password=None)
    assert open_case(client, agent, "key-1").status_code == 201

    changed = open_case(client, agent, "key-1", {**NEW_CASE, "subject": "Charged three times"})

    assert changed.status_code == 422
    assert changed.headers["content-type"].startswith("application/problem+json")
    assert changed.json()["type"] == "urn:sameside:problem:idempotency-key-reused"
    assert "different request body" in changed.json()["detail"]
    assert count(db, Case) == 1
    # Spacing and key order are not a different body.
    reordered = client.post(
        "/api/v1/cases",
        content='{"customer": {"name": "Ana Silva", "email": "ana@example.com"}, "channel": "phone",'
        '  "body": "My card shows two payments for order 5512.", "subject": "Charged twice"}',
        headers={**agent.headers, "Idempotency-Key": "key-1", "Content-Type": "application/json"},
    )
    assert reordered.status_code == 201 and reordered.headers["idempotent-replayed"] == "true"


def test_a_key_belongs_to_its_caller_and_to_its_path(client: TestClient, make: Factory, db: Database) -> None:
    ana, ben = make.staff(Role.AGENT, password=None), make.staff(Role.AGENT, password=None)

    by_ana = open_case(client, ana, "shared-key")
    by_ben = open_case(client, ben, "shared-key")

    assert by_ana.status_code == by_ben.status_code == 201
    assert "idempotent-replayed" not in by_ben.headers
    assert by_ana.json()["number"] != by_ben.json()["number"]
    # Ana's key on another path (a note on her new case) is another key too.
    note = client.post(
        f"/api/v1/cases/{by_ana.json()['number']}/notes",
        json={"body": "Called the bank."},
        headers={**ana.headers, "Idempotency-Key": "shared-key"},
    )
    assert note.status_code == 201 and "idempotent-replayed" not in note.headers
    assert count(db, Case) == 2


def test_a_customer_retrying_a_message_adds_it_once(client: TestClient, make: Factory, db: Database) -> None:
    customer = make.customer()
    number = make.case(customer).id
    headers = {**make.customer_session(customer), "Idempotency-Key": '"msg-7"'}  # the draft's quoted form

    sent = client.post(f"/api/v1/cases/{number}/replies", json={"body": "Any news?"}, headers=headers)
    again = client.post(
        f"/api/v1/cases/{number}/replies", json={"body": "Any news?"}, headers={**headers, "Idempotency-Key": "msg-7"}
    )

    assert sent.status_code == again.status_code == 201, again.text
    assert again.json() == sent.json() and again.headers["idempotent-replayed"] == "true"
    assert count(db, TimelineEntry, TimelineEntry.case_id == number, TimelineEntry.body == "Any news?") == 1


@pytest.mark.parametrize(("key", "says"), [("", "empty"), ("k" * 256, "256 characters"), ("   ", "empty")])
def test_a_malformed_key_is_refused_before_anything_is_created(
    client: TestClient, make: Factory, db: Database, key: str, says: str
) -> None:
    agent = make.staff(Role.AGENT, password=None)

    refused = open_case(client, agent, key)

    assert refused.status_code == 422
    assert refused.json()["type"] == "urn:sameside:problem:idempotency-key-malformed"
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert says in refused.json()["detail"]
    assert count(db, Case) == 0
    assert open_case(client, agent, "k" * 255).status_code == 201


def test_a_new_token_is_shown_again_to_a_retry_but_never_stored_readable(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, password=None)
    headers = {**agent.headers, "Idempotency-Key": "token-for-ci"}

    made = client.post("/api/v1/tokens", json={"name": "CI"}, headers=headers)
    again = client.post("/api/v1/tokens", json={"name": "CI"}, headers=headers)

    assert made.status_code == again.status_code == 201
    assert again.json()["token"] == made.json()["token"] and again.headers["idempotent-replayed"] == "true"
    assert count(db, ApiToken, ApiToken.name == "CI") == 1
    with db.unit_of_work(write=False) as s:
        [stored] = s.scalars(select(StoredAnswer.body)).all()
    assert made.json()["token"].encode() not in stored and b"CI" not in stored


def test_an_answer_is_kept_for_a_day_then_forgotten(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.AGENT, password=None)
    start = clock.now()
    with clock.frozen(start):
        assert open_case(client, agent, "daily").status_code == 201
    with clock.frozen(start + timedelta(hours=23, minutes=59)):
        assert open_case(client, agent, "daily").headers.get("idempotent-replayed") == "true"
    with clock.frozen(start + timedelta(hours=24, minutes=1)):
        with db.unit_of_work() as s:
            assert forget_expired(s) == 1
        late = open_case(client, agent, "daily")
    assert late.status_code == 201 and "idempotent-replayed" not in late.headers
    assert count(db, Case) == 2


def test_the_answer_is_kept_in_the_transaction_that_creates(client: TestClient, make: Factory, db: Database) -> None:
    """If the answer cannot be stored, the case is not created either: a retry cannot create a second one."""
    agent = make.staff(Role.AGENT, password=None)
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_answers BEFORE INSERT ON idempotency_answers "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_answers() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_answers BEFORE INSERT ON idempotency_answers "
                "FOR EACH ROW EXECUTE FUNCTION refuse_answers()"
            )
    try:
        failed = open_case(client, agent, "lost")
    finally:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "DROP TRIGGER refuse_answers" if db.is_sqlite else "DROP TRIGGER refuse_answers ON idempotency_answers"
            )
            if not db.is_sqlite:
                conn.exec_driver_sql("DROP FUNCTION refuse_answers()")
    assert failed.status_code >= 500
    assert count(db, Case) == 0

    retried = open_case(client, agent, "lost")
    assert retried.status_code == 201 and count(db, Case) == 1


def test_the_same_key_at_once_creates_one_reply(client: TestClient, make: Factory, db: Database) -> None:
    """Two requests with one key while the first is still running: one reply; the other waits or is told 409."""
    agent = make.staff(Role.SUPERVISOR, password=None)
    number = make.case(owner=agent).id
    headers = {**agent.headers, "Idempotency-Key": "double-click"}
    answers: list[httpx.Response] = []

    def send() -> None:
        answers.append(client.post(f"/api/v1/cases/{number}/replies", json={"body": "On its way."}, headers=headers))

    # On PostgreSQL, hold the case so that the first request is still running (it has claimed the key and
    # waits for the case) when the second arrives. SQLite runs one write at a time: the second comes after.
    with db.unit_of_work() as held:
        if not db.is_sqlite:
            held.execute(select(Case.id).where(Case.id == number).with_for_update())
        senders = [threading.Thread(target=send) for _ in range(2)]
        for sender in senders:
            sender.start()
        time.sleep(1.0)
    for sender in senders:
        sender.join(30)

    created = [a for a in answers if a.status_code == 201 and "idempotent-replayed" not in a.headers]
    others = [a for a in answers if a not in created]
    assert len(created) == 1 and len(others) == 1, [(a.status_code, a.text) for a in answers]
    [other] = others
    if other.status_code == 409:
        assert other.json()["type"] == "urn:sameside:problem:idempotency-key-in-flight"
        assert other.headers["retry-after"] == "1"
        retry = client.post(f"/api/v1/cases/{number}/replies", json={"body": "On its way."}, headers=headers)
        assert retry.headers["idempotent-replayed"] == "true" and retry.content == created[0].content
    else:
        assert other.headers["idempotent-replayed"] == "true" and other.content == created[0].content
    assert count(db, TimelineEntry, TimelineEntry.case_id == number, TimelineEntry.body == "On its way.") == 1


def test_every_creating_post_documents_the_header(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    creating = [
        "/api/v1/cases",
        "/api/v1/cases/{number}/replies",
        "/api/v1/cases/{number}/notes",
        "/api/v1/cases/{number}/transfer",
        "/api/v1/cases/{number}/consults",
        "/api/v1/cases/{number}/escalation",
        "/api/v1/tokens",
        "/api/v1/customers/{customer_id}/identities",
        "/api/v1/organizations",
        "/api/v1/staff",
        "/api/v1/teams",
        "/api/v1/departments",
    ]
    for path in creating:
        headers = [p["name"] for p in paths[path]["post"].get("parameters", []) if p["in"] == "header"]
        assert "Idempotency-Key" in headers, path


def test_a_retried_take_next_does_not_take_a_second_case(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    first, second = make.case(team=team).id, make.case(team=team).id
    headers = {**agent.headers, "Idempotency-Key": "next-please"}

    taken = client.post("/api/v1/cases/next", headers=headers)
    again = client.post("/api/v1/cases/next", headers=headers)

    assert taken.status_code == again.status_code == 200, again.text
    assert again.json()["number"] == taken.json()["number"] and again.headers["idempotent-replayed"] == "true"
    with db.unit_of_work(write=False) as s:
        owners = list(s.scalars(select(Case.owner_id).where(Case.id.in_([first, second])).order_by(Case.id)))
    assert owners.count(agent.id) == 1 and owners.count(None) == 1
