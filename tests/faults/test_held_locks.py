"""Another session holds the write lock: writes are done once or refused with 503, and health answers throughout."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.faults.live import LIMITS, Desk, HealthWatch

pytestmark = pytest.mark.slow

LOCK_TIMEOUT = float(LIMITS["SAMESIDE_DB_LOCK_TIMEOUT_SECONDS"])
WRITERS = 8


@contextmanager
def write_lock_held_elsewhere(url: str, seconds: float = 30) -> Iterator[None]:
    """Another session takes the database's write lock on cases and keeps it until the block ends (or `seconds`)."""
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        if url.startswith("sqlite"):
            conn = sqlite3.connect(make_url(url).database or "", isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            held.set()
            release.wait(seconds)
            conn.execute("ROLLBACK")
            conn.close()
            return
        engine = create_engine(url)
        with engine.connect() as conn, conn.begin():
            conn.execute(text("LOCK TABLE cases IN EXCLUSIVE MODE"))  # reads go on; writes wait
            held.set()
            release.wait(seconds)
        engine.dispose()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        yield
    finally:
        release.set()
        holder.join(30)


def test_a_held_write_lock_refuses_writes_quickly_and_nothing_is_half_written(desk: Desk) -> None:
    run = uuid.uuid4().hex[:6]
    subjects = [f"held-{run}-{i}" for i in range(WRITERS)]
    assert desk.call("GET", "/api/v1/cases")[0] == 200  # the token's use is recorded: reads that follow only read
    waited = [f"waited-{run}-{i}" for i in range(2)]
    with HealthWatch(desk) as health:
        with write_lock_held_elsewhere(desk.url):
            started = time.monotonic()
            with ThreadPoolExecutor(WRITERS) as pool:
                answers = dict(zip(subjects, pool.map(desk.open_case, subjects), strict=True))
            during = time.monotonic() - started
            listed = desk.call("GET", "/api/v1/cases")  # reads go on while writes cannot
        # A lock let go within the lock timeout: the writes waiting for it are done.
        with write_lock_held_elsewhere(desk.url, seconds=LOCK_TIMEOUT / 2), ThreadPoolExecutor(2) as pool:
            answers.update(zip(waited, pool.map(desk.open_case, waited), strict=True))
    health.assert_answered_throughout(within=1.0)

    statuses = {subject: answer[0] for subject, answer in answers.items()}
    assert set(statuses.values()) <= {201, 503}, statuses
    refused = [s for s, status in statuses.items() if status == 503]
    assert set(refused) >= set(subjects), "the lock was held past the lock timeout: these writes must be refused"
    assert any(statuses[s] == 201 for s in waited), statuses
    for subject in refused:
        _, headers, body, _ = answers[subject]
        assert headers["retry-after"].isdigit() and b"busy" in body
    # Each waited at most the lock timeout for the lock; with more writers than request threads, those
    # queued for a thread waited for one first (two rounds here), and a loaded machine adds its share.
    assert max(answer[3] for answer in answers.values()) < 4 * LOCK_TIMEOUT + 2.5, during
    assert listed[0] == 200 and listed[3] < 1.0

    for subject, status in statuses.items():
        cases = desk.count("SELECT count(*) FROM cases WHERE subject = :s", s=subject)
        customers = desk.count("SELECT count(*) FROM customer_identities WHERE value = :v", v=f"{subject}@example.com")
        assert (cases, customers) == ((1, 1) if status == 201 else (0, 0)), (subject, status)

    assert desk.open_case(f"after-{run}")[0] == 201  # the lock let go, writes go through again
