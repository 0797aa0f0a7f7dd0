"""The disk is (nearly) full: the server says it is not ready and why, refuses writes with 503, and reads go on.

"Full" here is the free space where data is kept falling below
`SAMESIDE_DISK_MIN_FREE_MB`, which the test sets above what the disk has
free: what an operator meets first, before SQLite or PostgreSQL run out of
room mid-transaction. (The database's own "disk is full" answer is
`tests/http/test_disk_full.py`.)
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest

from tests.faults.live import Desk, HealthWatch, serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def short_of_space(database_url: str, backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    folder = tmp_path_factory.mktemp(f"full-{backend}")
    free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    with serving(database_url, folder, "full", SAMESIDE_DISK_MIN_FREE_MB=str(free_mb + 100_000)) as desk:
        yield desk


def test_a_full_disk_makes_the_server_not_ready_and_refuses_writes(short_of_space: Desk) -> None:
    desk = short_of_space
    with HealthWatch(desk) as health:
        status, headers, body, _ = desk.call("GET", "/readyz")
        assert status == 503 and headers["retry-after"].isdigit()
        reasons = json.loads(body)["reasons"]
        assert any("low disk space" in reason and "MB free" in reason for reason in reasons), reasons

        refused = desk.open_case("while-full")
        assert refused[0] == 503 and refused[1]["retry-after"].isdigit()
        assert "disk is nearly full" in json.loads(refused[2])["detail"]

        assert desk.call("GET", "/api/v1/cases")[0] == 200  # reads go on
    health.assert_answered_throughout(within=1.0)
    assert desk.count("SELECT count(*) FROM cases WHERE subject = 'while-full'") == 0


def test_with_room_on_disk_the_same_database_is_ready(desk: Desk) -> None:
    status, _, body, _ = desk.call("GET", "/readyz")
    assert (status, json.loads(body)) == (200, {"status": "ready", "reasons": []})
