"""PostgreSQL kills the server's connections: at worst a 503, never a 500 or a hang, and then all is well again."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.faults.live import Desk, HealthWatch

pytestmark = pytest.mark.slow


def _kill_every_connection_but_mine(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            killed = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
            conn.commit()
            return int(killed)
    finally:
        engine.dispose()


def test_killed_database_connections_cost_at_most_a_503_and_writes_are_done_once(desk: Desk, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite is a file in the server's own process: there is no connection to kill")
    run = uuid.uuid4().hex[:6]
    for _ in range(4):  # connections in the pool, for the kill to find
        assert desk.call("GET", "/api/v1/cases")[0] == 200
    answers = []
    with HealthWatch(desk) as health:
        for round_ in range(3):
            assert _kill_every_connection_but_mine(desk.url) >= 1
            for i in range(4):
                subject = f"killed-{run}-{round_}-{i}"
                answers.append((subject, desk.open_case(subject)))
                answers.append(("", desk.call("GET", "/api/v1/cases")))
    health.assert_answered_throughout(within=1.0)

    statuses = [answer[0] for _, answer in answers]
    assert set(statuses) <= {200, 201, 503}, statuses
    for _, (status, headers, _, took) in answers:
        assert took < 5
        if status == 503:
            assert headers["retry-after"].isdigit()
    for subject, (status, *_) in answers:
        if subject:
            expected = 1 if status == 201 else 0
            assert desk.count("SELECT count(*) FROM cases WHERE subject = :s", s=subject) == expected, subject
    assert statuses[-2:] == [201, 200], "after the kills the server is back to normal"
