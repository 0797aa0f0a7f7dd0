"""One way for a page to know who is asking, act and refuse: what a person at the browser notices of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import event

from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import Factory
from tests.web.test_desk import signed_in


@contextmanager
def sessions_and_statements(db: Database) -> Iterator[dict[str, int]]:
    """Count what a request costs the database: statements, and how many times a session cookie is looked up."""
    seen = {"statements": 0, "session_lookups": 0}

    def counter(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen["statements"] += 1
        if "FROM sign_in_sessions" in statement:
            seen["session_lookups"] += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)


def test_a_desk_page_looks_up_who_is_asking_once(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team("support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team, owner=agent).id
    signed_in(client, db, agent)
    with sessions_and_statements(db) as seen:
        page = client.get(f"/desk/cases/{number}")
    assert page.status_code == 200
    assert seen["session_lookups"] == 1
    with sessions_and_statements(db) as queue:
        assert client.get("/desk/queue/mine").status_code == 200
    assert queue["session_lookups"] == 1


def test_the_portal_looks_up_its_customer_once(client: TestClient, make: Factory, db: Database) -> None:
    customer = make.customer("casey@example.com")
    make.case(customer)
    client.cookies.set("sameside_session", make.customer_session(customer)["Cookie"].split("=", 1)[1])
    with sessions_and_statements(db) as seen:
        assert client.get("/portal").status_code == 200
    assert seen["session_lookups"] == 1


def test_a_page_address_that_is_not_one_answers_with_a_page(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.AGENT, team=make.team("support"), password=None)
    signed_in(client, db, agent)
    for address in ("/desk/cases/not-a-number", "/desk/cases/0", "/desk/queue/nowhere", "/desk/nothing-here"):
        answer = client.get(address)
        assert answer.status_code in (404, 422), address
        assert answer.headers["content-type"].startswith("text/html"), address
        assert 'role="alert"' in answer.text, address
    # The API still answers its own way.
    api = client.get("/api/v1/cases/not-a-number")
    assert api.headers["content-type"].startswith("application/problem+json")


def test_a_stale_form_is_refused_where_the_agent_acted_with_their_draft(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team, owner=agent).id
    signed_in(client, db, agent)
    answer = client.post(f"/desk/cases/{number}/reply", data={"csrf": "old", "body": "Half a thought I typed"})
    assert answer.status_code == 403
    assert "This form has expired" in answer.text
    assert "Half a thought I typed" in answer.text  # the draft is still in the composer


def test_a_desk_form_not_about_a_case_refuses_a_stranger_and_a_stale_token(
    client: TestClient, make: Factory, db: Database
) -> None:
    stranger = client.post("/desk/notifications/read-all", data={"csrf": "x"}, follow_redirects=False)
    assert stranger.status_code == 303 and stranger.headers["location"].startswith("/?next=")
    agent = make.staff(Role.AGENT, team=make.team("support"), password=None)
    signed_in(client, db, agent)
    stale = client.post("/desk/notifications/read-all", data={"csrf": "x"})
    assert stale.status_code == 403 and "This form has expired" in stale.text


def test_htmx_swaps_in_a_refusal_page_so_errors_show_with_javascript_on(client: TestClient) -> None:
    """htmx ignores 4xx answers unless told otherwise: every page tells it to draw them (error, draft and all)."""
    import json
    import re

    front = client.get("/")
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", front.text).group(1))  # type: ignore[union-attr]
    four = next(rule for rule in config["responseHandling"] if rule["code"].startswith("4"))
    assert four["swap"] is True
