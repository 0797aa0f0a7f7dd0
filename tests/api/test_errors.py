"""Every failure is an RFC 9457 problem (application/problem+json) with a useful message, and never a 500.

Many inputs are checked per test (each test costs an app and a database clean-up); a failing test lists
every input that misbehaved, not just the first.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from sameside.http.middleware import MAX_BODY
from sameside.kit.actors import Role
from tests.factories import Factory, Person

PROBLEM = "application/problem+json"


def problem_of(response: httpx.Response, status: int | None = None) -> dict[str, Any]:
    """The response's problem document, after checking it is one (with `status`, or any 4xx)."""
    if status is None:
        assert 400 <= response.status_code < 500, response.text
    else:
        assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == response.status_code
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert "Traceback" not in response.text
    return body


def assert_client_errors(responses: dict[str, httpx.Response], *, allow_ok: bool = False) -> None:
    """Each response is a 4xx problem (or, if allowed, a success); lists every one that is not."""
    bad: list[str] = []
    for given, response in responses.items():
        if allow_ok and response.status_code < 400:
            continue
        is_problem = response.headers.get("content-type", "").startswith(PROBLEM)
        if not (400 <= response.status_code < 500 and is_problem):
            bad.append(f"{given}: {response.status_code} {response.text[:100]}")
    assert not bad, "\n".join(["these inputs were not answered with a 4xx problem:", *bad])


def fields(problem: dict[str, Any]) -> set[str]:
    return {e["field"] for e in problem["errors"]}


@pytest.fixture
def admin(make: Factory) -> Person:
    return make.staff(Role.ADMIN, password=None)


def new_case(client: TestClient, who: Person, **overrides: Any) -> dict[str, Any]:
    body = {
        "customer": {"email": "ana@example.com", "name": "Ana"},
        "subject": "Charged twice",
        "body": "Two charges of 49 EUR.",
        "channel": "email",
        **overrides,
    }
    response = client.post("/api/v1/cases", headers=who.headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def post_raw(client: TestClient, who: Person, raw: bytes, path: str = "/api/v1/cases") -> httpx.Response:
    return client.post(path, headers={**who.headers, "content-type": "application/json"}, content=raw)


# ---------------------------------------------------------------- request bodies


def test_malformed_json_is_a_400(client: TestClient, admin: Person) -> None:
    for raw in (b"{not json", b'{"subject": "x",}', b"\xff\xfe{}", b'{"subject": "unterminated'):
        body = problem_of(post_raw(client, admin, raw), 400)
        assert body["detail"] == "The request body is not valid JSON.", raw


def test_wrong_types_are_a_422_naming_each_field(client: TestClient, admin: Person) -> None:
    response = client.post(
        "/api/v1/cases",
        headers=admin.headers,
        json={
            "customer": {"email": "ana@example.com"},
            "subject": 42,
            "body": ["not", "text"],
            "channel": "carrier-pigeon",
            "priority": "extreme",
            "tags": "billing",
            "team_id": "one",
        },
    )
    problem = problem_of(response, 422)
    assert fields(problem) == {"subject", "body", "channel", "priority", "tags", "team_id"}
    assert all(e["message"] for e in problem["errors"])
    assert "(and 5 more)" in problem["detail"]


def test_missing_fields_are_a_422_naming_them(client: TestClient, admin: Person) -> None:
    problem = problem_of(client.post("/api/v1/cases", headers=admin.headers, json={"channel": "email"}), 422)
    assert fields(problem) == {"subject", "body"}
    assert problem["detail"].startswith(("subject: ", "body: "))


def test_unknown_fields_are_refused_not_ignored(client: TestClient, admin: Person) -> None:
    response = client.post(
        "/api/v1/cases",
        headers=admin.headers,
        json={
            "customer": {"email": "ana@example.com", "is_vip": True},
            "subject": "Hi",
            "body": "Hello",
            "channel": "email",
            "status": "closed",
        },
    )
    assert fields(problem_of(response, 422)) == {"status", "customer.is_vip"}


def test_bodies_that_are_not_objects_or_hold_numbers_out_of_range_are_4xx(client: TestClient, admin: Person) -> None:
    responses = {repr(raw): post_raw(client, admin, raw) for raw in (b"[]", b"null", b'"a string"', b"42", b"")}
    base = {"customer": {"email": "a@example.com"}, "subject": "s", "body": "b", "channel": "email"}
    for field, value in (("team_id", 2**70), ("team_id", 0), ("team_id", -1), ("shared_with_organization", "maybe")):
        responses[f"{field}={value}"] = client.post("/api/v1/cases", headers=admin.headers, json={**base, field: value})
    assert_client_errors(responses)


# ---------------------------------------------------------------- case numbers and list parameters


def test_a_case_that_does_not_exist_is_a_404(client: TestClient, admin: Person) -> None:
    body = problem_of(client.get("/api/v1/cases/999999", headers=admin.headers), 404)
    assert body["detail"] == "There is no case #999999."


def test_huge_case_numbers_are_client_errors(client: TestClient, admin: Person) -> None:
    responses: dict[str, httpx.Response] = {}
    for number in (2**31 - 1, 2**31, 2**62, 2**62 + 1, 2**63, 2**64, int("9" * 40)):
        responses[f"GET {number}"] = client.get(f"/api/v1/cases/{number}", headers=admin.headers)
        responses[f"note {number}"] = client.post(
            f"/api/v1/cases/{number}/notes", headers=admin.headers, json={"body": "x"}
        )
        responses[f"customer {number}"] = client.get(f"/api/v1/customers/{number}", headers=admin.headers)
    assert_client_errors(responses)


def test_case_numbers_that_are_not_positive_numbers_are_client_errors(client: TestClient, admin: Person) -> None:
    responses = {
        number: client.get(f"/api/v1/cases/{number}", headers=admin.headers)
        for number in ("abc", "0", "-1", "1.5", "1e3", "0x10", "%00", "\u0661", "1%20", "one")
    }
    assert_client_errors(responses)


def test_bad_list_parameters_are_client_errors(client: TestClient, admin: Person) -> None:
    queries = [
        {"team": "abc"},
        {"team": "0"},
        {"team": str(2**63)},
        {"customer": "-5"},
        {"owner": "someone"},
        {"owner": str(2**63)},
        {"status": "pending"},
        {"sort": "subject"},
        {"limit": "0"},
        {"limit": "201"},
        {"limit": "ten"},
    ]
    responses = {str(q): client.get("/api/v1/cases", headers=admin.headers, params=q) for q in queries}
    assert_client_errors(responses)


def test_filtering_by_an_id_nothing_has_is_an_empty_list_or_a_client_error(client: TestClient, admin: Person) -> None:
    new_case(client, admin)
    responses = {
        f"{name}={value}": client.get("/api/v1/cases", headers=admin.headers, params={name: str(value)})
        for name in ("team", "customer", "owner")
        for value in (2**31, 2**62)
    }
    assert_client_errors(responses, allow_ok=True)
    for response in responses.values():
        if response.status_code == 200:
            assert response.json() == {"items": [], "next_cursor": None}


def _forged(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).rstrip(b"=").decode()


def test_a_malformed_cursor_is_a_400(client: TestClient, admin: Person) -> None:
    new_case(client, admin)
    for sort, cursor in [
        ("-created", "garbage!"),
        ("-created", _forged(["1"])),
        ("-created", _forged([1, 2])),
        ("-updated", _forged([1])),
        ("-updated", _forged(["2025-01-01T00:00:00", 1])),  # naive
        ("-updated", _forged(["yesterday", 1])),
    ]:
        response = client.get("/api/v1/cases", headers=admin.headers, params={"sort": sort, "cursor": cursor})
        assert problem_of(response, 400)["title"] == "Invalid cursor", (sort, cursor)


def test_a_forged_cursor_with_values_out_of_range_is_never_a_500(client: TestClient, admin: Person) -> None:
    new_case(client, admin)
    forged = {
        "id 10**30": ("-created", _forged([10**30])),
        "id -10**30": ("-created", _forged([-(10**30)])),
        "id 2**63": ("-created", _forged([2**63])),
        "id 2**31": ("created", _forged([2**31])),
        "updated, id 10**30": ("-updated", _forged(["2025-01-01T00:00:00+00:00", 10**30])),
        "year 1 at +14:00": ("updated", _forged(["0001-01-01T00:00:00+14:00", 1])),
        "year 9999 at -14:00": ("updated", _forged(["9999-12-31T23:59:59-14:00", 1])),
    }
    responses = {
        name: client.get("/api/v1/cases", headers=admin.headers, params={"sort": sort, "cursor": cursor})
        for name, (sort, cursor) in forged.items()
    }
    assert_client_errors(responses, allow_ok=True)


# ---------------------------------------------------------------- status moves


def test_an_illegal_status_move_is_a_409_saying_why(client: TestClient, admin: Person) -> None:
    number = new_case(client, admin)["number"]
    url = f"/api/v1/cases/{number}"

    body = problem_of(client.put(f"{url}/status", headers=admin.headers, json={"status": "closed"}), 409)
    assert body["detail"] == "A case cannot move from new to closed."
    assert body["title"] == "Status change not allowed"

    assert client.post(f"{url}/resolve", headers=admin.headers).status_code == 200
    body = problem_of(client.put(f"{url}/status", headers=admin.headers, json={"status": "waiting_on_customer"}), 409)
    assert body["detail"] == "A resolved case is reopened, not moved: use reopen."

    body = problem_of(client.post(f"{url}/resolve", headers=admin.headers), 409)
    assert body["detail"] == "The case is already resolved."

    assert client.put(f"{url}/status", headers=admin.headers, json={"status": "closed"}).status_code == 200
    body = problem_of(client.post(f"{url}/reopen", headers=admin.headers), 409)
    assert "closed case is final" in body["detail"]
    body = problem_of(client.post(f"{url}/replies", headers=admin.headers, json={"body": "Hello?"}), 409)
    assert "closed case is final" in body["detail"]

    # The refused requests changed nothing.
    detail = client.get(url, headers=admin.headers).json()
    assert detail["status"] == "closed"
    assert [e["body"] for e in detail["timeline"] if e["kind"] == "message"] == ["Two charges of 49 EUR."]


def test_an_unknown_status_is_a_422(client: TestClient, admin: Person) -> None:
    number = new_case(client, admin)["number"]
    response = client.put(f"/api/v1/cases/{number}/status", headers=admin.headers, json={"status": "done"})
    assert fields(problem_of(response, 422)) == {"status"}


# ---------------------------------------------------------------- size limits


def _too_big() -> bytes:
    return json.dumps({"subject": "s", "body": "x" * (MAX_BODY + 1), "channel": "email"}).encode()


def test_a_body_over_one_mib_is_a_413(client: TestClient, admin: Person) -> None:
    body = problem_of(post_raw(client, admin, _too_big()), 413)
    assert body["detail"] == "The request body may be at most 1,048,576 bytes."


def test_a_streamed_body_over_one_mib_without_content_length_is_a_413(client: TestClient, admin: Person) -> None:
    big = _too_big()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 64 * 1024):
            yield big[start : start + 64 * 1024]

    response = client.post(
        "/api/v1/cases", headers={**admin.headers, "content-type": "application/json"}, content=chunks()
    )
    assert "content-length" not in response.request.headers
    assert response.request.headers.get("transfer-encoding") == "chunked"
    problem_of(response, 413)


def test_long_texts_are_judged_by_their_length_in_characters(client: TestClient, admin: Person) -> None:
    base = {"customer": {"email": "a@example.com"}, "subject": "s", "body": "b", "channel": "email"}
    for field, length in (("subject", 301), ("subject", 500_000), ("body", 100_001)):
        response = client.post("/api/v1/cases", headers=admin.headers, json={**base, field: "s" * length})
        assert fields(problem_of(response, 422)) == {field}, (field, length)
    # Exactly at the limit, in characters, however many bytes they take.
    subject = "é" * 150 + "🦆" * 150
    assert new_case(client, admin, subject=subject)["subject"] == subject


# ---------------------------------------------------------------- routes and methods


def test_an_unknown_route_is_a_404_problem(client: TestClient, admin: Person) -> None:
    for path in ("/api/v1/nothing-here", "/api/v1/cases/1/nothing", "/api/v2/cases", "/nope"):
        problem_of(client.get(path, headers=admin.headers), 404)


def test_a_wrong_method_is_a_405_problem_saying_what_is_allowed(client: TestClient, admin: Person) -> None:
    for method, path in (("DELETE", "/api/v1/cases"), ("PUT", "/api/v1/cases"), ("DELETE", "/api/v1/cases/1")):
        response = client.request(method, path, headers=admin.headers)
        problem_of(response, 405)
        assert response.headers["allow"], (method, path)
        assert method not in response.headers["allow"]


# ---------------------------------------------------------------- hostile text


def test_nul_bytes_in_a_body_are_refused_or_dropped_never_stored_and_never_a_500(
    client: TestClient, admin: Person
) -> None:
    base = {"customer": {"email": "bob@example.com"}, "subject": "s", "body": "b", "channel": "email"}
    attempts = {
        "subject": {"subject": "Re\x00fund"},
        "body": {"body": "Hel\x00lo"},
        "customer name": {"customer": {"email": "ana@example.com", "name": "Ana\x00Silva"}},
        "customer email": {"customer": {"email": "an\x00a@example.com"}},
        "tag": {"tags": ["bill\x00ing"]},
    }
    responses = {
        name: client.post("/api/v1/cases", headers=admin.headers, json={**base, **change})
        for name, change in attempts.items()
    }
    assert_client_errors(responses, allow_ok=True)
    stored = {
        name: client.get(f"/api/v1/cases/{r.json()['number']}", headers=admin.headers).text
        for name, r in responses.items()
        if r.status_code == 201
    }
    assert [name for name, text in stored.items() if "\\u0000" in text] == []


def test_nul_bytes_in_query_parameters_are_never_a_500(client: TestClient, admin: Person) -> None:
    new_case(client, admin, tags=["billing"])
    queries = [{"tag": "bill\x00ing"}, {"owner": "\x00"}, {"cursor": "\x00"}, {"status": "new\x00"}]
    responses = {str(q): client.get("/api/v1/cases", headers=admin.headers, params=q) for q in queries}
    assert_client_errors(responses, allow_ok=True)


def test_a_subject_with_line_breaks_is_stored_on_one_line(client: TestClient, admin: Person) -> None:
    for subject in (
        "Refund\r\nBcc: evil@example.com",
        "Refund\nBcc: evil@example.com",
        "Refund\rBcc: evil@example.com",
        "\r\nRefund\r\n\r\nagain\n",
    ):
        case = new_case(client, admin, subject=subject)
        stored = client.get(f"/api/v1/cases/{case['number']}", headers=admin.headers).json()["subject"]
        assert stored == case["subject"]
        assert "\r" not in stored
        assert "\n" not in stored
        assert stored.startswith("Refund")
        listed = client.get("/api/v1/cases", headers=admin.headers).json()["items"][0]["subject"]
        assert listed == stored
