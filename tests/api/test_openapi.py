"""The OpenAPI document tells the truth about errors, so a client generated from it handles them as they are.

Every operation lists the problem statuses it can answer, each in the one
shared `Problem` shape; that shape fits the problems the server really sends;
and the schemas are named so a generated client's types say what they are.
Whether every status the server answers is listed is the fuzzer's to find
(`tests/api/test_fuzz.py`).
"""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import jsonschema_rs
from fastapi.testclient import TestClient

from sameside.cases.events import PAYLOAD_TYPES
from sameside.http.middleware import MAX_BODY
from sameside.kit.actors import Role
from tests.api.test_errors import PROBLEM
from tests.factories import Factory

PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
METHODS = ("get", "post", "put", "patch", "delete")


def _document(client: TestClient) -> dict[str, Any]:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def _template(path: str, document: dict[str, Any]) -> str:
    """The document's path template that `path` (a real URL path) belongs to."""
    parts = path.split("/")
    for template in document["paths"]:
        pattern = template.split("/")
        if len(pattern) == len(parts) and all(
            p == q or (q.startswith("{") and q.endswith("}")) for p, q in zip(parts, pattern, strict=True)
        ):
            return template
    raise AssertionError(f"{path} is not in the document")


def test_every_operation_lists_the_problems_it_can_answer_in_one_shape(client: TestClient) -> None:
    document = _document(client)
    missing: list[str] = []
    for (method, path), operation in _operations(document).items():
        responses = operation["responses"]
        expected = {"400", "500", "503"}
        if operation.get("security"):
            expected |= {"401", "403"}
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            expected |= {"404", "422"}
        if "requestBody" in operation:
            expected |= {"413", "422"}
        if not expected <= responses.keys():
            missing.append(f"{method.upper()} {path}: lacks {sorted(expected - responses.keys())}")
        for status, response in responses.items():
            if int(status) >= 400:
                assert response["content"] == {PROBLEM: {"schema": PROBLEM_SCHEMA}}, (method, path, status)
                assert response["description"]
        assert "integer" in str(responses["503"]["headers"]["Retry-After"])
    assert not missing, "\n".join(missing)
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert {"type", "title", "status", "detail", "instance", "errors"} <= schemas["Problem"]["properties"].keys()


def test_the_doors_that_count_attempts_say_they_may_answer_429(client: TestClient) -> None:
    operations = _operations(_document(client))
    for path in ("/api/v1/auth/sign-in", "/api/v1/auth/magic-link", "/api/v1/auth/magic-link/redeem"):
        assert "Retry-After" in operations["post", path]["responses"]["429"]["headers"]
    assert "429" not in operations["get", "/api/v1/cases"]["responses"]


def test_the_problem_schema_fits_what_the_server_sends_and_each_status_is_listed(
    client: TestClient, make: Factory
) -> None:
    """Real failures of each kind: each is the shared shape, and its status is on its operation's list."""
    admin = make.staff(Role.ADMIN, password=None)
    customer = make.customer_session(make.customer())
    team = {"slug": "billing", "name": "Billing"}
    assert client.post("/api/v1/teams", headers=admin.headers, json=team).status_code == 201
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("get", "/api/v1/cases", {}),  # 401
        ("get", "/api/v1/cases", {"headers": {"Authorization": "Bearer nonsense"}}),  # 401
        ("get", "/api/v1/staff", {"headers": customer}),  # 403
        ("get", "/api/v1/cases/4711", {"headers": admin.headers}),  # 404
        ("post", "/api/v1/teams", {"headers": admin.headers, "json": team}),  # 409
        ("post", "/api/v1/cases", {"headers": admin.headers, "json": {"subject": 7}}),  # 422 with errors
        ("post", "/api/v1/cases", {"headers": {**admin.headers, "Content-Type": "application/json"}, "content": b"{"}),
        ("get", "/api/v1/cases", {"headers": admin.headers, "params": {"tag": "a\x00b"}}),  # 400 from the middleware
        ("post", "/api/v1/tokens", {"headers": admin.headers, "content": b" " * (MAX_BODY + 1)}),  # 413
    ]
    calls += [("post", "/api/v1/auth/sign-in", {"json": {"email": "a@b.example", "password": "x"}})] * 12  # 401s, 429
    document = _document(client)
    validator = jsonschema_rs.validator_for({**PROBLEM_SCHEMA, "components": document["components"]})
    operations = _operations(document)
    seen: set[int] = set()
    for method, path, kwargs in calls:
        answer: httpx.Response = client.request(method, path, **kwargs)
        client.cookies.clear()
        assert answer.status_code >= 400, answer.text
        assert answer.headers["content-type"] == PROBLEM
        errors = [e.message for e in validator.iter_errors(answer.json())]
        assert not errors, (method, path, answer.text, errors)
        listed = operations[method, _template(path, document)]["responses"]
        assert str(answer.status_code) in listed, (method, path, answer.status_code, sorted(listed))
        seen.add(answer.status_code)
    assert seen == {400, 401, 403, 404, 409, 413, 422, 429}


def test_schemas_are_named_for_what_they_are(client: TestClient) -> None:
    schemas = _document(client)["components"]["schemas"]
    for short in ("Created", "Brief", "Placement", "Author", "Asker", "Preferences", "Role", "Tier", "Routing"):
        assert short not in schemas
    for payload in PAYLOAD_TYPES:
        assert schemas[f"{payload.__name__}Event"]["title"] == f"{payload.__name__}Event"
    entry = schemas["TimelineEntryOut"]
    assert entry["properties"]["author"]["$ref"] == "#/components/schemas/TimelineAuthor"
    [union] = [s for s in entry["properties"]["payload"]["anyOf"] if s.get("type") != "null"]
    assert union["discriminator"]["mapping"]["transferred"] == "#/components/schemas/TransferredEvent"
    assert schemas["TransferredEvent"]["properties"]["brief"]["$ref"] == "#/components/schemas/HandoffBrief"


def _request_schema(document: dict[str, Any], method: str, path: str) -> Any:
    schema = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({**schema, "components": document["components"]})


def test_the_input_rules_the_server_enforces_are_in_the_schema(client: TestClient, make: Factory) -> None:
    """For each sample, the request schema and the server agree: what the schema allows is taken, what not, refused."""
    admin = make.staff(Role.ADMIN, password=None)
    customer = make.customer()
    number = make.case(customer).id
    document = _document(client)
    window = {"contact_window_end": "17:00", "timezone": "Europe/Berlin"}
    samples: list[tuple[str, str, dict[str, Any]]] = [
        *[
            ("post", "/api/v1/teams", {"slug": slug, "name": "Billing"})
            for slug in ("billing", "b-2", "a" * 63, "Billing", "bill ing", "-x", "b_2", "a" * 64)
        ],
        *[
            ("post", "/api/v1/staff", {"email": f"s{n}@desk.example", "name": "S", "role": "agent", **extra})
            for n, extra in enumerate(
                [
                    {"languages": ["de", "pt-BR"]},
                    {"password": "x" * 10},
                    {"languages": ["german"]},
                    {"languages": ["d"]},
                    {"password": "too short"},
                ]
            )
        ],
        *[("patch", "/api/v1/cases/{number}", {"tags": [tag]}) for tag in ("vip", "router-x2", "two words", "ta\tb")],
        *[
            ("post", "/api/v1/cases", {"subject": "S", "body": "B", "channel": "phone", "customer": customer})
            for customer in ({"phone": "+49 30 1234567"}, {"email": "casey@example.com"}, {"name": "Nobody"})
        ],
        *[
            ("patch", "/api/v1/customers/{customer_id}", body)
            for body in (
                {"language": "de-CH"},
                {"contact_window_start": "09:00", **window},
                {"tier": "premium"},
                {"language": "german"},
                {"contact_window_start": "9:00", **window},
                {"contact_window_start": "24:00", **window},
                {"name": None},
                {"tier": None},
            )
        ],
    ]
    disagreements: list[str] = []
    for method, template, body in samples:
        allowed = _request_schema(document, method, template).is_valid(body)
        answer = client.request(
            method, template.format(number=number, customer_id=customer.id), headers=admin.headers, json=body
        )
        if allowed != answer.is_success:
            disagreements.append(f"{method.upper()} {template} {body}: schema {allowed}, server {answer.status_code}")
    assert not disagreements, "\n".join(disagreements)
