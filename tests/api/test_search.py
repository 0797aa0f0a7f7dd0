"""GET /api/v1/search: staff find cases by anything in them; every bad query is a precise 422, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory


def test_staff_find_a_case_by_order_number_with_the_hit_highlighted(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent = make.staff(team=team)
    ana = make.customer("ana.lima@example.com", name="Ana Lima")
    number = make.case(ana, team=team, subject="Parcel <never> arrived", body="Order A-10023 was due Monday.").id
    make.case(team=team, subject="Something else", body="Order A-10024.")

    answer = client.get("/api/v1/search", params={"q": "a-10023"}, headers=agent.headers)

    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["total"] == 1 and page["total_is_exact"] is True and page["next_cursor"] is None
    (hit,) = page["items"]
    assert hit["case"]["number"] == number
    assert hit["case"]["customer"]["name"] == "Ana Lima"
    assert hit["subject_html"] == "Parcel &lt;never&gt; arrived"
    assert hit["snippet_html"] == "Order <mark>A-10023</mark> was due Monday."
    by_address = client.get("/api/v1/search", params={"q": "ana.lima@example.com"}, headers=agent.headers).json()
    assert [h["case"]["number"] for h in by_address["items"]] == [number]


def test_filters_and_pages_through_the_cursor(client: TestClient, make: Factory) -> None:
    team, other = make.team(), make.team()
    boss = make.staff(Role.SUPERVISOR)
    numbers = [make.case(team=team, subject=f"Refund please {n}").id for n in range(3)]
    make.case(team=other, subject="Refund elsewhere")

    first = client.get("/api/v1/search", params={"q": "refund", "team": team.id, "limit": 2}, headers=boss.headers)
    assert first.status_code == 200, first.text
    assert [h["case"]["number"] for h in first.json()["items"]] == numbers[:0:-1]
    assert first.json()["total"] == 3
    params = {"q": "refund", "team": team.id, "limit": 2, "cursor": first.json()["next_cursor"]}
    second = client.get("/api/v1/search", params=params, headers=boss.headers).json()
    assert [h["case"]["number"] for h in second["items"]] == [numbers[0]] and second["next_cursor"] is None
    closed = client.get("/api/v1/search", params={"q": "refund", "status": "closed"}, headers=boss.headers).json()
    assert closed["items"] == [] and closed["total"] == 0
    dated = {"q": "refund", "from": "2000-01-01", "to": "9999-12-31", "owner": "none"}
    assert client.get("/api/v1/search", params=dated, headers=boss.headers).json()["total"] == 4


@pytest.mark.parametrize(
    ("params", "field", "says"),
    [
        ({"q": "!!!"}, "q", "type a word"),
        ({"q": ""}, "q", "type a word"),
        ({"q": "x" * 201}, "q", "200"),
        ({"q": "a b c d e f g h i"}, "q", "at most 8"),
        ({"q": "refund", "status": "lost"}, "status", ""),
        ({"q": "refund", "from": "2025-02-30"}, "from", ""),
        ({"q": "refund", "from": "2025-03-02", "to": "2025-03-01"}, "to", "before the first"),
        ({"q": "refund", "owner": "somebody"}, "owner", ""),
        ({"q": "refund", "cursor": "not-a-cursor"}, None, "cursor"),
    ],
)
def test_a_bad_query_is_a_precise_problem(
    client: TestClient, make: Factory, params: dict[str, str], field: str | None, says: str
) -> None:
    agent = make.staff()
    answer = client.get("/api/v1/search", params=params, headers=agent.headers)
    assert answer.status_code in (400, 422), answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert says.lower() in problem["detail"].lower()
    if field is not None:
        assert answer.status_code == 422
        assert field in problem["detail"] or any(field in str(e) for e in problem.get("errors", []))


@pytest.mark.parametrize("q", ['"NEAR(a b)', "a AND OR NOT", "*", "col:umn", "^x", "a\x00b", "(((", "😀 ß ǅ"])
def test_fts_syntax_in_a_query_is_just_text(client: TestClient, make: Factory, q: str) -> None:
    agent = make.staff()
    make.case(subject="A NEAR miss", body="col umn x")
    answer = client.get("/api/v1/search", params={"q": q}, headers=agent.headers)
    assert answer.status_code in (200, 400, 422), answer.text


def test_customers_and_strangers_cannot_search(client: TestClient, make: Factory) -> None:
    customer = make.customer()
    make.case(customer, subject="My own case")
    answer = client.get("/api/v1/search", params={"q": "case"}, headers=make.customer_session(customer))
    assert answer.status_code == 403
    assert client.get("/api/v1/search", params={"q": "case"}).status_code == 401
