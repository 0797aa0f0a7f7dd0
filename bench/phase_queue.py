"""Phases `queue` and `pg`: an agent's queue over a million cases, sequential, over HTTP.

Set-up: `sameside init`, three teams, an agent of the first team with an API
token (CLI), then the cases bulk-loaded straight into the tables (see
loaders.py) and ANALYZE. With `sameside serve` running (one worker) the
agent's queue is asked N times in a row over one keep-alive connection,
after a short warm-up:

  team open, newest first     GET /api/v1/cases?team=T&status=open&limit=50
  team new, newest first      GET /api/v1/cases?team=T&status=new&limit=50
  team open, recently updated GET /api/v1/cases?team=T&status=open&sort=-updated&limit=50

and page 2 of each through its next_cursor. The same queries are also timed
in-process (the route's work: queries.list_cases and building the response
model, without HTTP or FastAPI), which is the server-side time; the query
plan of each is recorded.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from harness import (
    BenchError,
    Client,
    add_staff_with_token,
    cli,
    create_teams,
    log,
    serve,
    summary,
    tree_cpu_seconds,
)

TARGET_P95_MS = 20.0
TEAMS = ("support", "billing", "tech")
QUERIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("team open, -created", {"status": "open"}),
    ("team new, -created", {"status": "new"}),
    ("team open, -updated", {"status": "open", "sort": "-updated"}),
)
WARMUP = 50
DESK_VIEWS = ("team", "due", "unowned", "mine")
"""The desk's queue pages (HTML, with due times and the tab counts) timed after the API's lists."""
DESK_TARGET_P95_MS = 30.0


def run_sqlite(args: Any, workdir: Path) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="queue-", dir=workdir))
    db_path = home / "queue.db"
    url = f"sqlite:///{db_path}"
    try:
        result = _run(args, home, url, "sqlite", lambda team_ids: _load_sqlite(db_path, team_ids, args.cases))
        result["db_size_mb"] = round(db_path.stat().st_size / 2**20, 1)
        return result
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def _load_sqlite(db_path: Path, team_ids: list[int], cases: int) -> dict[str, Any]:
    import loaders

    return loaders.load_sqlite(str(db_path), team_ids, cases)


def run_postgres(args: Any, workdir: Path) -> dict[str, Any]:
    try:
        import psycopg
        from sqlalchemy.engine import make_url
    except ImportError as error:
        raise BenchError(f"psycopg or SQLAlchemy is missing: {error}") from error
    admin = make_url(args.pg_url)
    admin_dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            server_version = row[0] if row else "?"
    except psycopg.Error as error:
        raise BenchError(f"PostgreSQL is not reachable at {admin.render_as_string()}: {error}") from error
    name = f"sameside_bench_{secrets.token_hex(4)}"
    url = admin.set(database=name).render_as_string(hide_password=False)
    dsn = admin.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    home = Path(tempfile.mkdtemp(prefix="pg-", dir=workdir))
    log(f"pg: creating the throwaway database {name}")
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        result = _run(args, home, url, "postgresql", lambda team_ids: _load_pg(dsn, team_ids, args.cases))
        result["server_version"] = server_version
        result["database"] = name
        return result
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"pg: dropped {name}")
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def _load_pg(dsn: str, team_ids: list[int], cases: int) -> dict[str, Any]:
    import loaders

    return loaders.load_postgres(dsn, team_ids, cases)


def _run(args: Any, home: Path, url: str, backend: str, load: Any) -> dict[str, Any]:
    log(f"{backend}: sameside init, teams, agent + token")
    cli(url, "init")
    teams = create_teams(url, TEAMS)
    team_id = teams[TEAMS[0]]
    token = add_staff_with_token(url, "queue-agent@bench.example", "agent", team=TEAMS[0])
    log(f"{backend}: bulk-loading {args.cases:,} cases")
    t0 = time.perf_counter()
    loaded = load(list(teams.values()))
    load_s = time.perf_counter() - t0
    log(f"{backend}: loaded in {load_s:.1f} s; timing {args.requests} requests per query")
    result: dict[str, Any] = {
        "backend": backend,
        "cases": args.cases,
        "load_s": round(load_s, 1),
        "loaded_rows": loaded["rows"],
        "requests_per_query": args.requests,
        "page2_requests_per_query": _page2_n(args.requests),
        "target_p95_ms": TARGET_P95_MS,
        "queries": [],
    }
    with serve(url, home, workers=1) as server:
        client = Client(server.port, token)
        me, _ = client.expect("GET", "/api/v1/staff/me", 200)
        for label, params in QUERIES:
            cpu0 = tree_cpu_seconds(server.process.pid)
            entry = _measure_http(client, label, team_id, params, args.requests)
            cpu1 = tree_cpu_seconds(server.process.pid)
            if cpu0 is not None and cpu1 is not None:
                n = WARMUP + args.requests + WARMUP // 4 + _page2_n(args.requests)
                entry["server_cpu_ms_per_request"] = round(1000 * (cpu1 - cpu0) / n, 2)
            result["queries"].append(entry)
        client.close()
        result["desk"] = _measure_desk(server.port, url, args.requests)
    inproc = _in_process(url, me["id"], team_id, args.requests)
    for entry in result["queries"]:
        entry.update(inproc[entry["label"]])
        entry["p95_target_met"] = entry["page1"]["p95_ms"] <= TARGET_P95_MS
    return result


def _measure_desk(port: int, url: str, n: int) -> list[dict[str, Any]]:
    """The agent's queue pages as a browser asks for them: signed in by cookie, HTML with due times and tab counts."""
    from sameside.auth import service as auth
    from sameside.db.engine import Database
    from sameside.staff import queries as staff_queries

    database = Database(url)
    try:
        with database.unit_of_work() as session:
            agent = staff_queries.staff_by_email(session, "queue-agent@bench.example")
            if agent is None:
                raise BenchError("the queue agent is missing")
            cookie = auth.open_session(session, staff=agent, days=1).token
    finally:
        database.dispose()
    client = Client(port)
    client.headers = {"Cookie": f"sameside_session={cookie}", "Accept": "text/html"}
    out = []
    for view in DESK_VIEWS:
        path = f"/desk/queue/{view}"
        status, body, _ = client.request("GET", path)
        if status != 200:
            raise BenchError(f"GET {path} -> {status}")
        rows = body.count(b'<tr class="row')
        for _ in range(WARMUP // 2):
            client.request("GET", path)
        times = [client.request("GET", path)[2] for _ in range(n)]
        entry = {"label": f"desk page: {view}", "path": path, "rows": rows, "page": summary(times)}
        entry["p95_target_met"] = entry["page"]["p95_ms"] <= DESK_TARGET_P95_MS
        log(f"  desk {view}: {rows} rows, p50 {entry['page']['p50_ms']:.2f} ms, p95 {entry['page']['p95_ms']:.2f} ms")
        out.append(entry)
    client.close()
    return out


def _page2_n(n: int) -> int:
    return max(20, n // 5)


def _measure_http(client: Client, label: str, team_id: int, params: dict[str, str], n: int) -> dict[str, Any]:
    query = {"team": str(team_id), **params, "limit": "50"}
    path = f"/api/v1/cases?{urlencode(query)}"
    for _ in range(WARMUP):
        client.expect("GET", path, 200)
    times = []
    t0 = time.perf_counter()
    page: Any = None
    for _ in range(n):
        page, ms = client.expect("GET", path, 200)
        times.append(ms)
    wall = time.perf_counter() - t0
    items = page["items"]
    _check_page(items, team_id, params, label)
    cursor = page["next_cursor"]
    if cursor is None:
        raise BenchError(f"{label}: page 1 has no next_cursor (too few cases loaded?)")
    path2 = f"{path}&cursor={quote(cursor)}"
    for _ in range(WARMUP // 4):
        client.expect("GET", path2, 200)
    times2 = []
    page2: Any = None
    for _ in range(_page2_n(n)):
        page2, ms = client.expect("GET", path2, 200)
        times2.append(ms)
    items2 = page2["items"]
    _check_page(items2, team_id, params, label)
    if params.get("sort") != "-updated" and items2 and items2[0]["number"] >= items[-1]["number"]:
        raise BenchError(f"{label}: page 2 does not continue page 1")
    log(
        f"  {label}: p50 {summary(times)['p50_ms']:.2f} ms, p95 {summary(times)['p95_ms']:.2f} ms "
        f"(page 2 p95 {summary(times2)['p95_ms']:.2f} ms)"
    )
    return {
        "label": label,
        "path": path,
        "page1": summary(times, wall_s=wall),
        "page2": summary(times2),
        "raw_ms_page1": [round(t, 2) for t in times],
        "rows_page1": len(items),
        "rows_page2": len(items2),
    }


def _check_page(items: list[dict[str, Any]], team_id: int, params: dict[str, str], label: str) -> None:
    if len(items) != 50:
        raise BenchError(f"{label}: expected 50 rows, got {len(items)}")
    for item in items:
        if item["status"] != params["status"] or (item["team"] or {}).get("id") != team_id:
            raise BenchError(f"{label}: a row does not match the filter: {item}")
    key = "updated_at" if params.get("sort") == "-updated" else "number"
    values = [datetime.fromisoformat(item[key]) if key == "updated_at" else item[key] for item in items]
    if values != sorted(values, reverse=True):
        raise BenchError(f"{label}: rows are not in {key} descending order")


def _in_process(url: str, staff_id: int, team_id: int, n: int) -> dict[str, dict[str, Any]]:
    """The route's own work without HTTP: list_cases + building CasePage + JSON; and each query's plan."""
    from sqlalchemy import event

    from sameside.api import presenters
    from sameside.cases import queries
    from sameside.cases.queries import CaseFilter
    from sameside.cases.rules import CaseStatus
    from sameside.cases.schemas import CasePage
    from sameside.db.engine import Database
    from sameside.kit.actors import Role, StaffActor

    database = Database(url, pool_size=1)
    actor = StaffActor(staff_id, Role.AGENT, team_id)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "FROM cases" in statement and not captured:
            captured.append((statement, parameters))

    out: dict[str, dict[str, Any]] = {}
    try:
        for label, params in QUERIES:
            filters = CaseFilter(statuses=(CaseStatus(params["status"]),), team_id=team_id)
            sort = params.get("sort", "-created")

            def once(filters: CaseFilter = filters, sort: str = sort) -> None:
                with database.unit_of_work(write=False) as session:
                    page = queries.list_cases(session, actor, filters, sort=sort, limit=50)
                    body = CasePage(items=[presenters.case_out(c) for c in page.items], next_cursor=page.next_cursor)
                body.model_dump_json()

            for _ in range(WARMUP):
                once()
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                once()
                times.append((time.perf_counter() - t0) * 1000)
            captured.clear()
            event.listen(database.engine, "before_cursor_execute", capture)
            once()
            event.remove(database.engine, "before_cursor_execute", capture)
            out[label] = {"in_process": summary(times), "plan": _plan(database, *captured[0]) if captured else None}
    finally:
        database.dispose()
    return out


def _plan(database: Any, statement: str, parameters: Any) -> list[str]:
    with database.engine.connect() as conn:
        if database.is_sqlite:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return [str(row[-1]) for row in rows]
        rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
        return [str(row[0]) for row in rows]
