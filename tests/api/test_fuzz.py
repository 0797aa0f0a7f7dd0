"""The whole API fuzzed from its own OpenAPI document, as every role: no input makes it answer 5xx.

Schemathesis generates requests from `/api/v1/openapi.json` — valid ones and
ones that break the schema — and each is sent as every kind of caller (admin,
supervisor, agent, back office, customer, anonymous) with real credentials,
against a database seeded with one of everything, so a path parameter can hit
a real case, customer, consult… as well as a missing one. Every answer must
be no 5xx, one of the statuses the document lists for the operation, and
shaped as the document says.

Bounded: a fixed seed (`derandomize`), a few examples per operation and a
time limit per operation, so a run costs about the same every time (about
half a minute a backend). Schemathesis' own pytest integration is not used:
it does not run under this pytest; its strategies and checks are.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sameside.app import create_app
from sameside.auth import service as auth_service
from sameside.cases.access import case_for
from sameside.config import Settings
from sameside.consults import service as consult_service
from sameside.db.engine import Database
from sameside.http.links import DOWNLOAD
from sameside.kit import signing
from sameside.kit.actors import Role
from sameside.kit.hours import parse_hours
from sameside.mail.models import Attachment, InboundMail, InboundState
from sameside.mailboxes.store import receive
from sameside.staff import notifications as notice_service
from sameside.staff.models import Department, Staff
from tests.factories import SYSTEM, Factory

EXAMPLES_PER_OPERATION = 12
SECONDS_PER_OPERATION = 3.0
"""A bound on a slow machine; on a usual one every example runs well within it (about 0.5 s an operation)."""
ROLES = ("admin", "supervisor", "agent", "back_office", "customer", "anonymous")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class World:
    """One of everything the API can point at, and each role's credentials."""

    make: Factory
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    customer: Any = None
    signature: str = ""

    def credentials(self, role: str) -> dict[str, str]:
        if role == "customer":  # a fresh session each time: a fuzzed sign-out may end the last one
            return self.make.customer_session(self.customer)
        return dict(self.headers.get(role, {}))


def _seed(make: Factory, app: FastAPI) -> World:
    world = World(make)
    team, department = make.team(), make.department()
    people = {
        "admin": make.staff(Role.ADMIN, password=None),
        "supervisor": make.staff(Role.SUPERVISOR, team=team, password=None),
        "agent": make.staff(Role.AGENT, team=team, password=None),
        "back_office": make.staff(Role.AGENT, department=department, password=None),
    }
    world.headers = {role: person.headers for role, person in people.items()}
    world.customer = make.customer("casey@example.com", name="Casey Customer")
    number = make.case(world.customer, team=team, owner=people["agent"]).id
    with make.db.unit_of_work() as s:
        consult = consult_service.ask(
            s,
            SYSTEM,
            case_for(s, SYSTEM, number),
            s.get(Department, department.id),  # type: ignore[arg-type]
            "Has it shipped?",
            parse_hours("Mon-Sun 00:00-23:59", "UTC"),
        )
        [notice] = notice_service.notify(s, [people["agent"].id], kind="test", text="Look at this")
        staff = s.get(Staff, people["agent"].id)
        assert staff is not None
        token, _ = auth_service.create_api_token(s, SYSTEM, staff, "spare")
        received = receive(s, b"not mail at all", source="smtp")
        inbound = s.get(InboundMail, received.inbound_id)
        assert inbound is not None
        inbound.state, inbound.reason = InboundState.QUARANTINED, "Unreadable: no header block"
        sha = app.state.blobs.put(b"%PDF-1.4 receipt")
        attachment = Attachment(
            sha256=sha, size=16, filename="receipt.pdf", content_type="application/pdf", case_id=number
        )
        s.add(attachment)
        s.flush()
        world.ids = {
            "number": number,
            "customer_id": world.customer.id,
            "staff_id": people["agent"].id,
            "team_id": team.id,
            "department_id": department.id,
            "token_id": token.id,
            "inbound_id": received.inbound_id,
            "attachment_id": attachment.id,
            "consult_id": consult.id,
            "notification_id": notice.id,
        }
    expires = int(time.time()) + 3600
    world.ids["expires"] = expires
    world.signature = signing.sign(app.state.link_key, DOWNLOAD, world.ids["attachment_id"], expires)
    return world


@pytest.fixture
def fuzz_app(settings: Settings, db: Database) -> Iterator[FastAPI]:
    app = create_app(settings, database=db)
    yield app
    asgi.shutdown_lifespans()


@pytest.fixture
def api_schema(fuzz_app: FastAPI) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": 12,
            "generation": {"mode": "all", "deterministic": True, "max-examples": EXAMPLES_PER_OPERATION},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app, config=config)


@pytest.fixture
def world(make: Factory, fuzz_app: FastAPI, api_schema: Any) -> World:
    return _seed(make, fuzz_app)  # after the schema is loaded: that started the app (its link key)


def _fuzz(operation: Any, world: World) -> None:
    """Send `operation` a bounded, seeded run of generated requests as every role; raises on the first bad answer."""
    until = time.monotonic() + SECONDS_PER_OPERATION
    failing = False
    requests = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @given(case=requests, known=st.booleans())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, known: bool) -> None:
        if known:  # half the time, point at things that exist
            for name in case.path_parameters or {}:
                if name in world.ids:
                    case.path_parameters[name] = world.ids[name]
            if case.query and "signature" in case.query:
                case.query.update(expires=world.ids["expires"], signature=world.signature)
        nonlocal failing
        if time.monotonic() > until and not failing:
            return  # this operation's share of the time is spent: the rest of its examples pass untried
        for role in ROLES:
            response = case.call(headers=world.credentials(role))
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException:
                failing = True  # shrinking and the final replay must run, whatever the time
                raise

    run()


@pytest.mark.slow
def test_no_operation_answers_5xx_or_what_its_document_does_not_say(api_schema: Any, world: World) -> None:
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, world)
        except BaseExceptionGroup as error:  # one operation's failure must not hide the others'
            failures.append(f"{operation.label}: {error}")
    assert not failures, f"{len(failures)} operations misbehaved:\n\n" + "\n\n".join(failures)
