"""A request's id: in its answer, on each of its log lines (JSON ones too), and on the lines of the jobs it enqueued."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.config import Settings
from sameside.customers.rules import Channel
from sameside.db.engine import Database
from sameside.kit import logs
from sameside.kit.actors import Role, SystemActor
from sameside.worker.delivery import Deliverer
from sameside.worker.transport import ConsoleTransport
from tests.factories import Factory

SYSTEM = SystemActor("test")
FRESH = re.compile(r"^[0-9a-f]{16}$")


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the root logger writes, as `--log-format json` has it write (the same formatter and filter)."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logs.formatter("json"))
    handler.addFilter(logs.RequestIdFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield written
    root.removeHandler(handler)
    root.setLevel(level)


def lines(written: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in written.getvalue().splitlines() if line.strip()]


def test_every_answer_carries_a_request_id_a_sane_one_sent_is_kept(client: TestClient) -> None:
    kept = client.get("/api/v1/ping", headers={"X-Request-ID": "lb-7f3a.42:x"})
    made = client.get("/api/v1/ping")
    too_long = client.get("/api/v1/ping", headers={"X-Request-ID": "a" * 65})
    unsafe = client.get("/api/v1/ping", headers={"X-Request-ID": "<script>"})
    refused = client.get("/nowhere", headers={"X-Request-ID": "lost-1"})

    assert kept.headers["x-request-id"] == "lb-7f3a.42:x"
    assert FRESH.match(made.headers["x-request-id"])
    assert FRESH.match(too_long.headers["x-request-id"]) and FRESH.match(unsafe.headers["x-request-id"])
    assert refused.status_code == 404 and refused.headers["x-request-id"] == "lost-1"
    assert len({made.headers["x-request-id"], too_long.headers["x-request-id"]}) == 2


def test_json_log_lines_parse_and_carry_the_request_id(client: TestClient, json_log: io.StringIO) -> None:
    def noisy() -> dict[str, str]:
        logging.getLogger("sameside.tests").warning("looked at %s", "the parcel")
        return {}

    client.app.add_api_route("/noisy-for-this-test", noisy)  # type: ignore[attr-defined]
    answer = client.get("/noisy-for-this-test", headers={"X-Request-ID": "req-json-1"})

    [line] = [line for line in lines(json_log) if line["logger"] == "sameside.tests"]
    assert answer.headers["x-request-id"] == "req-json-1"
    assert line["message"] == "looked at the parcel"
    assert (line["level"], line["request_id"]) == ("WARNING", "req-json-1")
    assert str(line["time"]).endswith("+00:00")


def test_an_unexpected_error_is_logged_and_answered_under_one_request_id(
    client: TestClient, json_log: io.StringIO
) -> None:
    def broken() -> None:
        raise RuntimeError("the printer is on fire")

    client.app.add_api_route("/broken-for-this-test", broken)  # type: ignore[attr-defined]
    answer = client.get("/broken-for-this-test")

    request_id = answer.headers["x-request-id"]
    assert answer.status_code == 500 and request_id in answer.json()["detail"]
    assert answer.headers.get_list("x-request-id") == [request_id]
    [line] = [line for line in lines(json_log) if "unhandled error" in str(line["message"])]
    assert line["request_id"] == request_id and "the printer is on fire" in str(line["exc_info"])


def test_a_job_a_request_enqueued_logs_under_that_request_id_when_the_worker_runs_it(
    client: TestClient, make: Factory, settings: Settings, db: Database, json_log: io.StringIO
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    number = make.case(channel=Channel.EMAIL).id
    replied = client.post(
        f"/api/v1/cases/{number}/replies",
        json={"body": "Refunded today.", "send_now": True},
        headers={**admin.headers, "X-Request-ID": "req-reply-9"},
    )
    assert replied.status_code == 201, replied.text

    assert Deliverer(db, settings, ConsoleTransport(io.StringIO())).deliver_next()

    [sent] = [line for line in lines(json_log) if "console transport" in str(line["message"])]
    assert sent["request_id"] == "req-reply-9"
    assert logs.request_id() is None, "the job's id does not outlive the job"


def test_a_job_enqueued_outside_a_request_runs_under_an_id_of_its_own(
    make: Factory, settings: Settings, db: Database, json_log: io.StringIO
) -> None:
    number = make.case(channel=Channel.EMAIL).id
    with db.unit_of_work() as s:
        cases.reply(s, SYSTEM, case_for(s, SYSTEM, number), "Refunded.", send_now=True)

    assert Deliverer(db, settings, ConsoleTransport(io.StringIO())).deliver_next()

    [sent] = [line for line in lines(json_log) if "console transport" in str(line["message"])]
    assert FRESH.match(str(sent["request_id"]))
