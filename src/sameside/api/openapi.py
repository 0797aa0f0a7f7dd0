"""The API's OpenAPI document, telling the truth about errors.

FastAPI documents each operation's success and a validation error in its own
shape; ours answer every failure as an RFC 9457 problem
(`application/problem+json`, `http.problems`). This module builds the
document with FastAPI's `get_openapi`, then lists on each operation the
problem statuses it can really answer, all pointing at one `Problem` schema,
so a client generated from the document handles our errors as they are.

The statuses are derived from the route itself, where it shows them:

- every operation: 400 (a NUL in the URL, a malformed cursor), 500 (a fault
  of ours, with `X-Request-Id`) and 503 (the database is busy or away, with
  `Retry-After`): any request may meet these;
- input of any kind (path, query, body): 422, the input's rules broken;
- a body: 413, too large, and 400, not JSON;
- a path parameter, or a body or query field naming something by id
  (`team_id`, …): 404;
- someone must be signed in (`User`, `StaffUser`, `Admin`, `CustomerUser`),
  or may be (`MaybeUser`): 401 (no or a bad credential) and 403 (the wrong
  kind of user or role, or a cookie without its CSRF token);
- a route that counts attempts at its door (`http.limits.doorman`): 429, with
  `Retry-After`;
- a change to a case (an unsafe method under `/cases/{number}`): 409, the
  case's status machine refusing it;
- an `Idempotency-Key` header: 409 (the first request with the key is still
  running) and 422 (the key was used for another request).

What a route cannot show — a unique name, a credential checked in the body,
a signed link — it says in `responses=` on its decorator, or `ALSO` below
says it for it. Statuses a route declares in `responses=` are kept and
given the problem shape too. `tests/api/test_fuzz.py` checks, by fuzzing,
that every status answered is one the document lists.

The document also names its schemas so that a generated client's types say
what they are: a timeline event's details are `<Kind>Event`, and names that
mean little alone (`Brief`, `Placement`, `Author`…) get their context.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from sameside.api.webhooks import documented as webhook_messages
from sameside.cases.events import PAYLOAD_TYPES
from sameside.http import deps
from sameside.http.limits import doorman

PROBLEM = "Problem"
PROBLEM_REF = f"#/components/schemas/{PROBLEM}"
MEDIA_TYPE = "application/problem+json"

_SIGNED_IN = {deps.require_user, deps.require_staff, deps.require_admin, deps.require_customer}
_MAYBE_SIGNED_IN = {deps.optional_user}
_UNSAFE = {"post", "put", "patch", "delete"}
_CASE_PATH = re.compile(r"^/api/v1/cases/\{number\}(/|$)")

WHEN: dict[int, str] = {
    400: "Bad request: a NUL character in the URL, a body that is not JSON, or a malformed cursor.",
    401: "Authentication required: no credential, or one that is unknown, revoked or expired.",
    403: "Forbidden: the wrong kind of user or role for this, or a session cookie without its CSRF token.",
    404: "Not found: it does not exist, or it is not yours to see (the same answer, so ids cannot be probed).",
    409: "Conflict: the change clashes with what is there (a name or address in use, a case's status).",
    413: "Request too large: the body is over the size limit.",
    422: "Invalid request: the input breaks a rule; `errors` lists each field and what is wrong with it.",
    429: "Too many requests: wait `Retry-After` seconds before trying again.",
    500: "Internal error: a fault on our side, logged under the `X-Request-Id` it answers with.",
    503: "Service unavailable: the database is busy or unreachable; nothing was changed. Retry after `Retry-After`.",
}

ALSO: dict[tuple[str, str], frozenset[int]] = {
    # Credentials checked in the body, signed links and one-time tokens.
    ("post", "/api/v1/auth/sign-in"): frozenset({401}),
    ("post", "/api/v1/auth/magic-link/redeem"): frozenset({401}),
    ("get", "/api/v1/attachments/{attachment_id}/download"): frozenset({403}),
    # Names, slugs and addresses that must be unique; an answer given once.
    ("post", "/api/v1/staff"): frozenset({409}),
    ("post", "/api/v1/teams"): frozenset({409}),
    ("patch", "/api/v1/teams/{team_id}"): frozenset({409}),
    ("post", "/api/v1/departments"): frozenset({409}),
    ("post", "/api/v1/organizations"): frozenset({409}),
    ("post", "/api/v1/customers/{customer_id}/identities"): frozenset({409}),
    ("post", "/api/v1/consults/{consult_id}/answer"): frozenset({409}),
    # A customer's last identity cannot go; one already proven needs no vouching.
    ("delete", "/api/v1/customers/{customer_id}/identities/{identity_id}"): frozenset({409}),
    ("post", "/api/v1/customers/{customer_id}/identities/{identity_id}/vouch"): frozenset({409}),
}
"""Statuses a route cannot show by its shape, keyed by (method, path) as in the document."""

NAMES: dict[str, str] = {
    "Author": "TimelineAuthor",
    "Brief": "HandoffBrief",
    "BriefIn": "HandoffBriefIn",
    "LatestBrief": "LatestHandoffBrief",
    "Placement": "CasePlacement",
    "Asker": "EscalationAsker",
    "Preferences": "CustomerPreferences",
    "Routing": "TeamRouting",
    "Role": "StaffRole",
    "Tier": "CustomerTier",
    "Channel": "ContactChannel",
    "Priority": "CasePriority",
    **{payload.__name__: f"{payload.__name__}Event" for payload in PAYLOAD_TYPES},
}
"""Schema names that mean little alone, and what a generated client calls them instead."""


def install(app: FastAPI) -> None:
    """Serve `document(app)` at the app's `openapi_url`, built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document for `app`, with each operation's problem answers and clearer schema names."""
    doc = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        description=app.description,
        routes=app.routes,
        webhooks=webhook_messages.routes,  # what a subscriber's receiver is sent, one entry per type
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(_problem_schemas())
    for context in routing.iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        route: Any = context  # reads as the route, with its prefixes and dependencies applied
        if not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = doc["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                _add_problems(operation, statuses(route, method.lower(), operation, doc))
    for message in doc.get("webhooks", {}).values():
        for operation in message.values():
            operation["responses"].pop("422", None)  # sent by us: a receiver answers 2xx, or we try again
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return _renamed(doc, NAMES)


def statuses(route: Any, method: str, operation: dict[str, Any], doc: dict[str, Any]) -> set[int]:
    """The problem statuses `route` can answer to `method` (see the module's docstring for the rules)."""
    found = {400, 500, 503}
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    if parameters or body:
        found.add(422)
    if body:
        found |= {400, 413}
    if any(p["in"] == "path" for p in parameters) or any(name.endswith("_id") for name in _input_names(operation, doc)):
        found.add(404)
    calls = set(_calls(route.dependant))
    if calls & (_SIGNED_IN | _MAYBE_SIGNED_IN):
        found |= {401, 403}
    if _knocks(route):
        found.add(429)
    if method in _UNSAFE and _CASE_PATH.match(route.path_format):
        found.add(409)
    if any(p["in"] == "header" and p["name"].lower() == "idempotency-key" for p in parameters):
        found |= {409, 422}  # the first request with this key is still running; the key reused for another body
    found |= ALSO.get((method, route.path_format), frozenset())
    found |= {int(code) for code in route.responses if str(code).isdigit() and int(code) >= 400}
    return found


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _knocks(route: Any) -> bool:
    """Whether the route's own code counts attempts with the doorman (and so may answer 429)."""
    endpoint = inspect.unwrap(route.endpoint)
    code = getattr(endpoint, "__code__", None)
    return code is not None and doorman.__name__ in code.co_names


def _input_names(operation: dict[str, Any], doc: dict[str, Any]) -> Iterator[str]:
    for parameter in operation.get("parameters", []):
        yield parameter["name"]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body is not None:
        yield from _properties(body, doc, depth=0)


def _properties(schema: dict[str, Any], doc: dict[str, Any], *, depth: int) -> Iterator[str]:
    if depth > 3:
        return
    ref = schema.get("$ref")
    if ref is not None:
        schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    for alternative in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        yield from _properties(alternative, doc, depth=depth + 1)
    for name, sub in schema.get("properties", {}).items():
        yield name
        yield from _properties(sub, doc, depth=depth + 1)


def _add_problems(operation: dict[str, Any], codes: set[int]) -> None:
    responses = operation.setdefault("responses", {})
    for code in sorted(codes):
        declared = responses.get(str(code), {})
        answer: dict[str, Any] = {
            "description": declared.get("description") or WHEN.get(code, "A problem."),
            "content": {MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
        }
        if code in (429, 503):
            answer["headers"] = {
                "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
            }
        if code == 500:
            answer["headers"] = {
                "X-Request-Id": {"description": "Where this failure is in our logs.", "schema": {"type": "string"}}
            }
        responses[str(code)] = answer


def _problem_schemas() -> dict[str, Any]:
    return {
        PROBLEM: {
            "title": PROBLEM,
            "type": "object",
            "description": "An error, as RFC 9457 describes (`application/problem+json`).",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {
                    "type": "string",
                    "description": "What kind of problem: `urn:sameside:problem:<slug>`, or `about:blank`.",
                },
                "title": {"type": "string", "description": "A short summary of the kind of problem."},
                "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "The HTTP status."},
                "detail": {"type": "string", "description": "What went wrong this time, and what to do about it."},
                "instance": {"type": "string", "description": "The occurrence, when it has a reference."},
                "errors": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/ProblemFieldError"},
                    "description": "For 422: every field that broke a rule, not just the first.",
                },
                "retry_after": {"type": "integer", "description": "For 429 and 503: seconds to wait."},
            },
            "additionalProperties": True,
        },
        "ProblemFieldError": {
            "title": "ProblemFieldError",
            "type": "object",
            "required": ["field", "message"],
            "properties": {
                "field": {"type": "string", "description": "Where: `subject`, `brief.problem`, `limit`…"},
                "message": {"type": "string", "description": "The rule it broke, in words."},
                "type": {"type": ["string", "null"], "description": "The rule's code, e.g. `string_too_long`."},
            },
        },
    }


def _renamed(doc: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """`doc` with schemas renamed, every `$ref` and discriminator mapping pointing at the new names."""
    schemas = doc["components"]["schemas"]
    names = {old: new for old, new in names.items() if old in schemas and new not in schemas}
    prefix = "#/components/schemas/"

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        if isinstance(node, str) and node.startswith(prefix) and node[len(prefix) :] in names:
            return prefix + names[node[len(prefix) :]]
        return node

    renamed: dict[str, Any] = walk(doc)
    renamed["components"]["schemas"] = {
        names.get(name, name): ({**schema, "title": names[name]} if name in names else schema)
        for name, schema in sorted(
            renamed["components"]["schemas"].items(), key=lambda item: names.get(item[0], item[0])
        )
    }
    return renamed
