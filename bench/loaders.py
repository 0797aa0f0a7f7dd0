"""Bulk loading of synthetic cases straight into the tables, for SQLite (executemany) and PostgreSQL (COPY).

The rows are deterministic (one seeded RNG) and shaped like a desk that has
run for three years: old cases are mostly closed, the newest few percent are
mostly active, a thin tail of old cases was never finished. Cases spread over
the teams 50/30/20 (2 % untriaged), owners are ten agents per team, customers
one per ten cases. Timestamps are naive UTC text on SQLite, exactly as
SQLAlchemy writes them ('YYYY-MM-DD HH:MM:SS.ffffff'), and timestamptz on
PostgreSQL.
"""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SEED = 20240601
REFERENCE_NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC).timestamp()
"""The synthetic desk's "now" (fixed, so every run loads the same rows), in epoch seconds."""
DAY = 86400.0
SPAN = 3 * 365 * DAY
AGENTS_PER_TEAM = 10
BATCH = 20_000

CASE_COLUMNS = (
    "id",
    "subject",
    "status",
    "priority",
    "channel",
    "customer_id",
    "owner_id",
    "team_id",
    "shared_with_organization",
    "reopen_count",
    "created_at",
    "updated_at",
    "first_human_reply_at",
    "last_customer_message_at",
    "resolved_at",
    "closed_at",
    "customer_tier",
    "upset",
    "due_at",
)
SUBJECTS = (
    "Cannot log in to my account",
    "Password reset email never arrives",
    "Charged twice for my subscription",
    "Refund request for my order",
    "Order has not arrived",
    "Package arrived damaged",
    "App crashes when uploading a photo",
    "VPN disconnects every few minutes",
    "Please delete my account",
    "Invoice shows the wrong VAT number",
    "Export to CSV produces an empty file",
    "Dashboard is very slow",
)
ACTIVE = ("new", "open", "waiting_on_customer", "waiting_on_internal")
# (status, cumulative weight) for recent (newest 3 %) and older cases
RECENT = (("new", 25), ("open", 60), ("waiting_on_customer", 75), ("waiting_on_internal", 85), ("resolved", 100))
OLDER = (
    ("new", 1),
    ("open", 4),
    ("waiting_on_customer", 5),
    ("waiting_on_internal", 6),
    ("resolved", 16),
    ("closed", 100),
)
PRIORITIES = (("low", 20), ("normal", 80), ("high", 95), ("urgent", 100))
CHANNELS = (("email", 50), ("portal", 75), ("chat", 90), ("phone", 100))


def _pick(table: Sequence[tuple[str, int]], roll: float) -> str:
    for value, cumulative in table:
        if roll < cumulative:
            return value
    return table[-1][0]


def sqlite_stamp(ts: float) -> str:
    """How SQLAlchemy's SQLite DateTime stores a value (naive UTC, always with microseconds)."""
    return datetime.fromtimestamp(ts, UTC).isoformat(" ", "microseconds")[:26]


def pg_stamp(ts: float) -> str:
    """timestamptz text: '2025-06-01 11:58:45.316885+00:00'."""
    return datetime.fromtimestamp(ts, UTC).isoformat(" ", "microseconds")


@dataclass
class Plan:
    """Who exists before the cases are loaded: team ids, and the id ranges to give new rows."""

    team_ids: Sequence[int]
    first_staff_id: int
    first_customer_id: int
    first_identity_id: int
    first_case_id: int
    cases: int

    @property
    def customers(self) -> int:
        return max(100, self.cases // 10)

    def owner_ids(self, team_index: int) -> list[int]:
        start = self.first_staff_id + team_index * AGENTS_PER_TEAM
        return list(range(start, start + AGENTS_PER_TEAM))


def staff_rows(plan: Plan, stamp: Callable[[float], str], true: Any) -> Iterator[tuple[Any, ...]]:
    created = stamp(REFERENCE_NOW - SPAN - 30 * DAY)
    for t, team_id in enumerate(plan.team_ids):
        for k, staff_id in enumerate(plan.owner_ids(t)):
            yield (
                staff_id,
                f"owner{t}-{k}@bench.example",
                f"Owner {t}-{k}",
                "agent",
                team_id,
                None,
                None,
                true,
                created,
                "[]",
                "[]",
                "offline",
                3,
            )


STAFF_COLUMNS = (
    "id",
    "email",
    "name",
    "role",
    "team_id",
    "department_id",
    "password_hash",
    "is_active",
    "created_at",
    "languages",
    "products",
    "presence",
    "chat_capacity",
)
CUSTOMER_COLUMNS = ("id", "name", "organization_id", "tier", "created_at")
IDENTITY_COLUMNS = ("id", "customer_id", "kind", "value", "created_at")


def customer_rows(plan: Plan, stamp: Callable[[float], str]) -> Iterator[tuple[Any, ...]]:
    created = stamp(REFERENCE_NOW - SPAN)
    for k in range(plan.customers):
        yield (plan.first_customer_id + k, f"Customer {k}", None, "standard", created)


def identity_rows(plan: Plan, stamp: Callable[[float], str]) -> Iterator[tuple[Any, ...]]:
    created = stamp(REFERENCE_NOW - SPAN)
    for k in range(plan.customers):
        yield (
            plan.first_identity_id + k,
            plan.first_customer_id + k,
            "email",
            f"customer{k}@bulk.bench.example",
            created,
        )


def case_rows(plan: Plan, stamp: Callable[[float], str], true: Any, false: Any) -> Iterator[tuple[Any, ...]]:
    """The cases, oldest first (ids ascending with created_at, as on a real desk)."""
    rng = random.Random(SEED)
    n = plan.cases
    start = REFERENCE_NOW - SPAN
    step = SPAN / n
    random_ = rng.random
    teams = plan.team_ids
    owners = [plan.owner_ids(t) for t in range(len(teams))]
    for i in range(n):
        age_fraction = i / n
        created = start + step * (i + 0.9 * random_())
        roll = random_() * 100
        team_index = 0 if roll < 49 else 1 if roll < 78.5 else 2 if roll < 98 else None
        status = _pick(RECENT if age_fraction > 0.97 else OLDER, random_() * 100)
        room = min(REFERENCE_NOW - created, (7 if status in ACTIVE else 30) * DAY)
        updated = created + room * random_()
        owner = None
        if status != "new" and team_index is not None and random_() < 0.95:
            owner = owners[team_index][rng.randrange(AGENTS_PER_TEAM)]
        reopened = status != "new" and random_() < 0.03
        first_reply = stamp((created + updated) / 2) if status != "new" else None
        resolved = stamp(updated) if status in ("resolved", "closed") else None
        # The service-level clock: cases waiting on us are due 8 hours after they last moved (many overdue).
        due = stamp(updated + 8 * 3600) if status in ACTIVE and status != "waiting_on_customer" else None
        yield (
            plan.first_case_id + i,
            SUBJECTS[i % len(SUBJECTS)],
            status,
            _pick(PRIORITIES, random_() * 100),
            _pick(CHANNELS, random_() * 100),
            plan.first_customer_id + rng.randrange(plan.customers),
            owner,
            teams[team_index] if team_index is not None else None,
            false,
            1 if reopened else 0,
            stamp(created),
            stamp(updated),
            first_reply,
            stamp(created),
            resolved,
            resolved if status == "closed" else None,
            "standard",
            false,
            due,
        )


def _chunks(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ------------------------------------------------------------------ SQLite


def sqlite_plan(conn: sqlite3.Connection, team_ids: Sequence[int], cases: int) -> Plan:
    def next_id(table: str) -> int:
        (top,) = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
        return int(top) + 1

    return Plan(
        team_ids, next_id("staff"), next_id("customers"), next_id("customer_identities"), next_id("cases"), cases
    )


def _insert(conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> int:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    n = 0
    for chunk in _chunks(rows, BATCH):
        conn.executemany(sql, chunk)
        n += len(chunk)
    return n


def load_sqlite(path: str, team_ids: Sequence[int], cases: int) -> dict[str, Any]:
    """Load into a SQLite file made by `sameside init`, in one transaction; then ANALYZE and checkpoint."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-1000000")
        conn.execute("PRAGMA foreign_keys=ON")
        plan = sqlite_plan(conn, team_ids, cases)
        conn.execute("BEGIN IMMEDIATE")
        counts = {
            "staff": _insert(conn, "staff", STAFF_COLUMNS, staff_rows(plan, sqlite_stamp, 1)),
            "customers": _insert(conn, "customers", CUSTOMER_COLUMNS, customer_rows(plan, sqlite_stamp)),
            "customer_identities": _insert(
                conn, "customer_identities", IDENTITY_COLUMNS, identity_rows(plan, sqlite_stamp)
            ),
            "cases": _insert(conn, "cases", CASE_COLUMNS, case_rows(plan, sqlite_stamp, 1, 0)),
        }
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    # The load ran with synchronous=OFF: write the file out now, so the kernel's writeback of a few
    # hundred MB does not run under the timed requests that follow.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return {"rows": counts, "first_case_id": plan.first_case_id}


# ------------------------------------------------------------------ PostgreSQL


def load_postgres(dsn: str, team_ids: Sequence[int], cases: int) -> dict[str, Any]:
    """COPY into a PostgreSQL database made by `sameside init`; then fix the id sequences and ANALYZE."""
    import psycopg

    with psycopg.connect(dsn, autocommit=False) as conn:

        def next_id(table: str) -> int:
            row = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
            assert row is not None
            return int(row[0]) + 1

        plan = Plan(
            team_ids, next_id("staff"), next_id("customers"), next_id("customer_identities"), next_id("cases"), cases
        )
        counts = {}
        sources = (
            ("staff", STAFF_COLUMNS, staff_rows(plan, pg_stamp, True)),
            ("customers", CUSTOMER_COLUMNS, customer_rows(plan, pg_stamp)),
            ("customer_identities", IDENTITY_COLUMNS, identity_rows(plan, pg_stamp)),
            ("cases", CASE_COLUMNS, case_rows(plan, pg_stamp, True, False)),
        )
        with conn.cursor() as cur:
            for table, columns, rows in sources:
                n = 0
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
                counts[table] = n
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return {"rows": counts, "first_case_id": plan.first_case_id}
