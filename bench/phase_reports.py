"""Phase `reports`: the headline figures page over bulk-loaded cases, with the daily rollups built.

Set-up: `sameside init`, three teams, a supervisor with an API token, the
cases bulk-loaded (loaders.py; `--cases`) and moved forward in time so the
desk's three years end today. Each case resolved in the last 120 days gets a
first customer message (for the sentiment figure) and a tone; every 7th a
transfer, every 21st a restatement; every 3rd a survey (every 2nd of those
answered, scores 1–5); every 11th a consult due a day after it opened,
answered on time or late. Then the rollups are built once in-process (the
backlog a first worker round drains; its time is recorded), and with
`sameside serve` running the page `/desk/reports?days=90` (signed in by
cookie, HTML) and `GET /api/v1/reports/headline?days=90` are asked N times
in a row after a warm-up. Aim: p95 ≤ 300 ms at 1,000,000 cases. The page
reads only `report_days` (≤ teams × 90 rows), so its time does not grow
with the number of cases; the build does, once.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness import BenchError, Client, add_staff_with_token, cli, create_teams, log, serve, summary

TARGET_P95_MS = 300.0
TEAMS = ("support", "billing", "tech")
WARMUP = 10
SUPERVISOR = "reports-lead@bench.example"
TIME_COLUMNS = (
    "created_at",
    "updated_at",
    "first_human_reply_at",
    "last_customer_message_at",
    "resolved_at",
    "closed_at",
    "due_at",
)
FIRST_WORDS = (
    "My parcel never arrived and nobody answers, this is awful",
    "Could you help me change my address please?",
    "I was charged twice and I am really angry",
    "The app crashes when I upload a photo",
)


def run(args: Any, workdir: Path) -> dict[str, Any]:
    import loaders

    home = Path(tempfile.mkdtemp(prefix="reports-", dir=workdir))
    db_path = home / "reports.db"
    url = f"sqlite:///{db_path}"
    try:
        cli(url, "init")
        teams = create_teams(url, TEAMS)
        token = add_staff_with_token(url, SUPERVISOR, "supervisor")
        t0 = time.perf_counter()
        loaded = loaders.load_sqlite(str(db_path), list(teams.values()), args.cases)
        load_s = time.perf_counter() - t0
        log(f"reports: {args.cases:,} cases loaded in {load_s:.1f} s")
        t0 = time.perf_counter()
        extra = _timelines(db_path)
        log(f"reports: moved to today and gave timelines in {time.perf_counter() - t0:.1f} s: {extra}")
        build = _build(url)
        log(f"reports: rollups built in {build['build_s']:.1f} s ({build['days']} days)")
        cookie = _cookie(url)
        with serve(url, home, workers=1) as server:
            page = _measure(Client(server.port), "/desk/reports?days=90", min(args.requests, 200), cookie=cookie)
            page_30 = _measure(Client(server.port), "/desk/reports?days=30", min(args.requests, 200), cookie=cookie)
            api = _measure(Client(server.port, token), "/api/v1/reports/headline?days=90", min(args.requests, 200))
        result = {
            "cases": args.cases,
            "load_s": round(load_s, 1),
            "rows": loaded["rows"],
            "timelines": extra,
            **build,
            "desk page 90 days": page,
            "desk page 30 days": page_30,
            "api 90 days": api,
            "p95_target_ms": TARGET_P95_MS,
            "p95_target_met": page["p95_ms"] <= TARGET_P95_MS,
            "db_size_mb": round(db_path.stat().st_size / 2**20, 1),
        }
        log(
            f"reports: page p50 {page['p50_ms']:.1f} ms, p95 {page['p95_ms']:.1f} ms; "
            f"API p50 {api['p50_ms']:.1f} ms, p95 {api['p95_ms']:.1f} ms"
        )
        return result
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def _timelines(db_path: Path) -> dict[str, int]:
    """Move the synthetic desk's "now" to today, then give recent resolved cases what the figures count."""
    import loaders

    shift = (datetime.now(UTC).timestamp() - loaders.REFERENCE_NOW) / 86400
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        moved = ", ".join(
            f"{c} = strftime('%Y-%m-%d %H:%M:%S', {c}, '+{shift:.5f} days') || '.000000'" for c in TIME_COLUMNS
        )
        conn.execute(f"UPDATE cases SET {moved}")
        recent = "resolved_at >= strftime('%Y-%m-%d %H:%M:%S', 'now', '-120 days')"
        conn.execute(f"UPDATE cases SET sentiment = ((id % 9) - 4) / 5.0 WHERE {recent}")
        words = " ".join(f"WHEN {i} THEN '{w}'" for i, w in enumerate(FIRST_WORDS))
        counts = {}
        counts["messages"] = conn.execute(
            "INSERT INTO timeline_entries"
            " (case_id, kind, is_public, direction, channel, is_automatic, body, created_at)"
            f" SELECT id, 'message', 1, 'inbound', 'email', 0, CASE id % 4 {words} END, created_at"
            f" FROM cases WHERE {recent}"
        ).rowcount
        for every, event in ((7, "transferred"), (21, "restatement_detected")):
            counts[event] = conn.execute(
                "INSERT INTO timeline_entries (case_id, kind, is_public, is_automatic, event, data, created_at)"
                f" SELECT id, 'event', 0, 0, '{event}', '{{}}', created_at"
                f" FROM cases WHERE {recent} AND id % {every} = 0"
            ).rowcount
        counts["surveys"] = conn.execute(
            "INSERT INTO surveys (case_id, customer_id, team_id, owner_id, state, sent_at, score, answered_at,"
            " answers, created_at)"
            " SELECT id, customer_id, team_id, owner_id, CASE WHEN id % 2 = 0 THEN 'answered' ELSE 'sent' END,"
            " resolved_at, CASE WHEN id % 2 = 0 THEN id % 5 + 1 END,"
            " CASE WHEN id % 2 = 0 THEN resolved_at END, id % 2, resolved_at"
            f" FROM cases WHERE {recent} AND id % 3 = 0"
        ).rowcount
        department = conn.execute(
            "INSERT INTO departments (slug, name, service_level_hours, created_at)"
            " VALUES ('warehouse', 'Warehouse', 8, '2020-01-01 00:00:00')"
        ).lastrowid
        counts["consults"] = conn.execute(
            "INSERT INTO consults (case_id, department_id, question, asked_at, due_at, answer, answered_at)"
            f" SELECT id, {department}, 'Where is it?', created_at,"
            " strftime('%Y-%m-%d %H:%M:%S', created_at, '+1 day') || '.000000', 'Found',"
            " strftime('%Y-%m-%d %H:%M:%S', created_at, CASE WHEN id % 3 = 0 THEN '+30 hours' ELSE '+20 hours' END)"
            " || '.000000'"
            f" FROM cases WHERE {recent} AND id % 11 = 0"
        ).rowcount
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return counts


def _build(url: str) -> dict[str, Any]:
    """The rollups built as a first worker's rounds would, here in one go (timed)."""
    from sqlalchemy import text

    from sameside import wiring  # noqa: F401
    from sameside.db.engine import Database
    from sameside.kit import clock
    from sameside.reports import service

    database = Database(url)
    try:
        t0 = time.perf_counter()
        with database.unit_of_work() as session:
            days = service.roll_up(session, clock.now())
        build_s = time.perf_counter() - t0
        with database.unit_of_work(write=False) as session:
            rows = session.execute(text("SELECT count(*) FROM report_days")).scalar_one()
    finally:
        database.dispose()
    if not days:
        raise BenchError("no day was rolled up")
    return {"build_s": round(build_s, 1), "days": days, "rollup_rows": int(rows)}


def _cookie(url: str) -> str:
    from sameside.auth import service as auth
    from sameside.db.engine import Database
    from sameside.staff import queries as staff_queries

    database = Database(url)
    try:
        with database.unit_of_work() as session:
            lead = staff_queries.staff_by_email(session, SUPERVISOR)
            if lead is None:
                raise BenchError("the supervisor is missing")
            return auth.open_session(session, staff=lead, days=1).token
    finally:
        database.dispose()


def _measure(client: Client, path: str, n: int, *, cookie: str | None = None) -> dict[str, Any]:
    if cookie:
        client.headers = {"Cookie": f"sameside_session={cookie}", "Accept": "text/html"}
    status, body, _ = client.request("GET", path)
    if status != 200:
        raise BenchError(f"GET {path} -> {status}: {str(body)[:300]}")
    if cookie and b"How customers are treated" not in body:
        raise BenchError(f"GET {path} is not the reports page")
    for _ in range(WARMUP):
        client.request("GET", path)
    times = [client.request("GET", path)[2] for _ in range(n)]
    client.close()
    out = summary(times)
    out["path"] = path
    return out
