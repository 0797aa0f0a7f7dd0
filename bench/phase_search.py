"""Phase `search`: GET /api/v1/search over 1,000,000 bulk-loaded messages, on SQLite and on PostgreSQL.

Set-up per backend: `sameside init`, three teams, an agent of the first team
with an API token (CLI); then, as the queue phase does, rows straight into
the tables: 200,000 cases with their customers (loaders.py) and five
messages each (1,000,000: the customer's and our replies, one in ten an
internal note), about 300 characters of support English each with order
numbers (`A-12345`, `ORD123456`), towns and a long tail of rarer words. The
search triggers are dropped for the load and the index is built afterwards
in one pass (`db.search_index.fill`, what migration 0015 does on a desk with
history), then the triggers come back.

With `sameside serve` (one worker) the agent searches N times in a row over
one keep-alive connection, after a warm-up, for each query below; the same
searches are timed in-process too (the route's work: parse, search, build the
page, JSON), and each query's plan is recorded. Target: p95 <= 50 ms.

The peer's own search figure (django-helpdesk, `icontains` over 20,000
tickets) is shown beside ours when an earlier `--only peer` run left its
results in the peer's WORKDIR (peer.json).
"""

from __future__ import annotations

import json
import random
import secrets
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import loaders
from harness import (
    BenchError,
    Client,
    add_staff_with_token,
    cli,
    create_teams,
    log,
    serve,
    summary,
    table,
    tree_cpu_seconds,
)

TARGET_P95_MS = 50.0
MESSAGES_PER_CASE = 5
TEAMS = ("support", "billing", "tech")
WARMUP = 20
SEED = 20241205
TOWNS = (
    "Leeds",
    "Lyon",
    "Porto",
    "Graz",
    "Turku",
    "Malmo",
    "Utrecht",
    "Bergen",
    "Cork",
    "Gdansk",
    *(f"Town{k}" for k in range(40)),
)
OPENINGS = (
    "I asked for a refund for order {order} two weeks ago and nothing has happened.",
    "My parcel {order} was marked delivered in {town} but the courier never came.",
    "The package arrived damaged, the box was crushed and the screen is cracked.",
    "I was charged twice for my subscription, invoice {invoice} shows both payments.",
    "The password reset email never arrives, I checked the spam folder too.",
    "Since the update the app crashes when I upload a photo from the gallery.",
    "Please delete my account and all the data you hold about me.",
    "The VPN disconnects every few minutes when I work from {town}.",
    "The export to CSV gives an empty file for invoice {invoice}.",
    "Can you change the delivery address for order {order} to our office in {town}?",
    "Thank you, the replacement arrived today and works fine.",
    "I still have not received the refund you promised for {order}.",
)
REPLIES = (
    "Thanks for writing. I have asked the courier in {town} to look for parcel {order}.",
    "Sorry about that. I have issued a refund for {order}; it shows in five working days.",
    "I have reset the link; please try the password reset again and tell me if it fails.",
    "We found the duplicate payment on invoice {invoice} and reversed it.",
    "Could you send a photo of the damaged box so we can claim it from the courier?",
    "Our developers fixed the crash in version 4.2; please update the app.",
)
NOTES = (
    "Courier confirms the depot in {town} holds {order}.",
    "Refund approved by billing for {order}, reference {invoice}.",
    "Customer sounds upset; second contact about {order}.",
    "Checked the logs: the export job timed out for {invoice}.",
)
ENTRY_COLUMNS = ("id", "case_id", "kind", "is_public", "direction", "is_automatic", "body", "created_at")


def run(args: Any, workdir: Path) -> dict[str, Any]:
    messages = 50_000 if args.quick else 1_000_000
    requests = 50 if args.quick else 200
    out: dict[str, Any] = {"messages": messages, "requests_per_query": requests, "target_p95_ms": TARGET_P95_MS}
    out["sqlite"] = _sqlite(args, workdir, messages, requests)
    try:
        out["postgresql"] = _postgres(args, workdir, messages, requests)
    except BenchError as error:
        log(f"search/pg skipped: {error}")
        out["postgresql"] = {"skipped": str(error)}
    out["peer"] = _peer_search(args)
    log("\n" + render(out))
    return out


# ------------------------------------------------------------------ the backends


def _sqlite(args: Any, workdir: Path, messages: int, requests: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="search-", dir=workdir))
    db_path = home / "search.db"
    try:
        result = _run(home, f"sqlite:///{db_path}", "sqlite", messages, requests)
        result["db_size_mb"] = round(db_path.stat().st_size / 2**20, 1)
        return result
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def _postgres(args: Any, workdir: Path, messages: int, requests: int) -> dict[str, Any]:
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
            version = row[0] if row else "?"
    except psycopg.Error as error:
        raise BenchError(f"PostgreSQL is not reachable at {admin.render_as_string()}: {error}") from error
    name = f"sameside_bench_{secrets.token_hex(4)}"
    url = admin.set(database=name).render_as_string(hide_password=False)
    home = Path(tempfile.mkdtemp(prefix="search-pg-", dir=workdir))
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        result = _run(home, url, "postgresql", messages, requests)
        result["server_version"] = version
        return result
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def _run(home: Path, url: str, backend: str, messages: int, requests: int) -> dict[str, Any]:
    from sqlalchemy import create_engine

    from sameside.db import search_index

    log(f"search/{backend}: sameside init, teams, agent + token")
    cli(url, "init")
    teams = create_teams(url, TEAMS)
    token = add_staff_with_token(url, "search-agent@bench.example", "agent", team=TEAMS[0])
    engine = create_engine(url)
    cases = messages // MESSAGES_PER_CASE
    try:
        with engine.begin() as conn:
            search_index.drop_triggers(conn)
        log(f"search/{backend}: bulk-loading {cases:,} cases and {messages:,} messages")
        t0 = time.perf_counter()
        if backend == "sqlite":
            loaded = loaders.load_sqlite(url.removeprefix("sqlite:///"), list(teams.values()), cases)
            _entries_sqlite(url.removeprefix("sqlite:///"), loaded["first_case_id"], cases)
        else:
            dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            loaded = loaders.load_postgres(dsn, list(teams.values()), cases)
            _entries_postgres(dsn, loaded["first_case_id"], cases)
        load_s = time.perf_counter() - t0
        log(f"search/{backend}: loaded in {load_s:.1f} s; building the index")
        t0 = time.perf_counter()
        with engine.begin() as conn:
            search_index.fill(conn)
            search_index.create_triggers(conn)
        index_s = time.perf_counter() - t0
        if backend == "postgresql":
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE search_documents")
        log(f"search/{backend}: index built in {index_s:.1f} s")
    finally:
        engine.dispose()
    queries = _queries(loaded["first_case_id"], cases)
    result: dict[str, Any] = {
        "backend": backend,
        "cases": cases,
        "messages": messages,
        "load_s": round(load_s, 1),
        "index_build_s": round(index_s, 1),
        "queries": [],
    }
    with serve(url, home, workers=1) as server:
        client = Client(server.port, token)
        me, _ = client.expect("GET", "/api/v1/staff/me", 200)
        for label, q in queries:
            cpu0 = tree_cpu_seconds(server.process.pid)
            entry = _measure_http(client, label, q, requests)
            cpu1 = tree_cpu_seconds(server.process.pid)
            if cpu0 is not None and cpu1 is not None:
                entry["server_cpu_ms_per_request"] = round(1000 * (cpu1 - cpu0) / (WARMUP + requests), 2)
            result["queries"].append(entry)
        client.close()
    inproc = _in_process(url, me["id"], teams[TEAMS[0]], queries, requests)
    for entry in result["queries"]:
        entry.update(inproc[entry["label"]])
        entry["p95_target_met"] = entry["http"]["p95_ms"] <= TARGET_P95_MS
    return result


def _queries(first_case_id: int, cases: int) -> list[tuple[str, str]]:
    """What an agent types: words common and rarer, two words, an address, an order number, a case number."""
    rng = random.Random(SEED + 1)
    customer = rng.randrange(max(100, cases // 10))
    order = next(_order_numbers(first_case_id + cases // 2))
    return [
        ("one word, common", "refund"),
        ("one word, rarer", "gdansk"),
        ("two words", "refund courier"),
        ("two words, rarer", "depot leeds"),
        ("email address", f"customer{customer}@bulk.bench.example"),
        ("order number", order),
    ]


def _measure_http(client: Client, label: str, q: str, n: int) -> dict[str, Any]:
    path = f"/api/v1/search?{urlencode({'q': q})}"
    for _ in range(WARMUP):
        client.expect("GET", path, 200)
    times = []
    page: Any = None
    t0 = time.perf_counter()
    for _ in range(n):
        page, ms = client.expect("GET", path, 200)
        times.append(ms)
    wall = time.perf_counter() - t0
    if not page["items"]:
        raise BenchError(f"{label}: {q!r} found nothing")
    numbers = [item["case"]["number"] for item in page["items"]]
    if numbers != sorted(numbers, reverse=True):
        raise BenchError(f"{label}: hits are not newest first")
    figures = summary(times, wall_s=wall)
    log(f"  {label} ({q}): p50 {figures['p50_ms']:.2f} ms, p95 {figures['p95_ms']:.2f} ms, total {page['total']}")
    return {
        "label": label,
        "q": q,
        "http": figures,
        "hits_page1": len(page["items"]),
        "total": page["total"],
        "total_is_exact": page["total_is_exact"],
    }


def _in_process(
    url: str, staff_id: int, team_id: int, queries: list[tuple[str, str]], n: int
) -> dict[str, dict[str, Any]]:
    """The route's work without HTTP: parse, search, build SearchPage, JSON; and each query's plan."""
    from sqlalchemy import event

    from sameside.api import presenters
    from sameside.db.engine import Database
    from sameside.kit.actors import Role, StaffActor
    from sameside.search import queries as search_queries
    from sameside.search import rules
    from sameside.search.schemas import SearchHit, SearchPage

    database = Database(url, pool_size=1)
    actor = StaffActor(staff_id, Role.AGENT, team_id)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "ORDER BY" in statement and not captured:
            captured.append((statement, parameters))

    def once(q: str) -> None:
        with database.unit_of_work(write=False) as session:
            found = search_queries.search(session, actor, rules.parse(q))
            body = SearchPage(
                items=[
                    SearchHit(case=presenters.case_out(h.case), subject_html=h.subject, snippet_html=h.snippet)
                    for h in found.hits
                ],
                total=found.total,
                total_is_exact=found.total_is_exact,
                next_cursor=found.next_cursor,
            )
        body.model_dump_json()

    out: dict[str, dict[str, Any]] = {}
    try:
        for label, q in queries:
            for _ in range(WARMUP):
                once(q)
            times, cpu = [], []
            for _ in range(n):
                t0, c0 = time.perf_counter(), time.thread_time()
                once(q)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.thread_time() - c0) * 1000)
            captured.clear()
            event.listen(database.engine, "before_cursor_execute", capture)
            once(q)
            event.remove(database.engine, "before_cursor_execute", capture)
            out[label] = {
                "in_process": summary(times),
                # Our thread's CPU per search: the figure least moved by other work on a busy machine
                # (on PostgreSQL the database's own work is in its server process, not here).
                "in_process_cpu": summary(cpu),
                "plan": _plan(database, *captured[0]) if captured else None,
            }
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


# ------------------------------------------------------------------ the messages


def _order_numbers(case_id: int) -> Iterator[str]:
    """A case's order and invoice numbers: the same for a case whichever backend loads it."""
    rng = random.Random(case_id * 7919)
    while True:
        yield f"A-{rng.randrange(10000, 99999)}" if rng.random() < 0.5 else f"ORD{rng.randrange(100000, 999999)}"


def _vocabulary(rng: random.Random, size: int = 20_000) -> tuple[list[str], list[float]]:
    """Pseudo-words with Zipf-like frequencies: a few very common, a long tail of rare ones."""
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fi", "go", "hu", "ja", "ze", "po"]
    words = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(size * 2)})
    rng.shuffle(words)
    words = words[:size]
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return words, cumulative


def entry_rows(first_case_id: int, cases: int, stamp: Any, true: Any, false: Any) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(SEED)
    words, cumulative = _vocabulary(rng)
    start = loaders.REFERENCE_NOW - loaders.SPAN
    step = loaders.SPAN / max(cases, 1)
    entry_id = 1
    for i in range(cases):
        case_id = first_case_id + i
        order = next(_order_numbers(case_id))
        invoice = f"INV-{rng.randrange(100000, 999999)}"
        created = start + step * i
        for k in range(MESSAGES_PER_CASE):
            town = rng.choice(TOWNS)
            if k > 0 and rng.random() < 0.1:
                kind, public, direction, template = "note", false, None, rng.choice(NOTES)
            elif k % 2 == 0:
                kind, public, direction, template = "message", true, "inbound", rng.choice(OPENINGS)
            else:
                kind, public, direction, template = "message", true, "outbound", rng.choice(REPLIES)
            filler = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(15, 35)))
            body = template.format(order=order, invoice=invoice, town=town) + " " + filler + "."
            yield (entry_id, case_id, kind, public, direction, false, body, stamp(created + 3600 * k))
            entry_id += 1


def _entries_sqlite(path: str, first_case_id: int, cases: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN IMMEDIATE")
        sql = (
            f"INSERT INTO timeline_entries ({', '.join(ENTRY_COLUMNS)}) VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})"
        )
        batch: list[tuple[Any, ...]] = []
        for row in entry_rows(first_case_id, cases, loaders.sqlite_stamp, 1, 0):
            batch.append(row)
            if len(batch) >= loaders.BATCH:
                conn.executemany(sql, batch)
                batch.clear()
        if batch:
            conn.executemany(sql, batch)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _entries_postgres(dsn: str, first_case_id: int, cases: int) -> None:
    import psycopg

    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY timeline_entries ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
            for row in entry_rows(first_case_id, cases, loaders.pg_stamp, True, False):
                copy.write_row(row)
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('timeline_entries', 'id'), (SELECT max(id) FROM timeline_entries))"
        )
        conn.commit()


# ------------------------------------------------------------------ the peer, and the table


def _peer_search(args: Any) -> dict[str, Any]:
    """The peer's search figure: from its last run (WORKDIR/peer.json), else by running its harness now."""
    import phase_peer

    cached = Path(args.peer_workdir) / "peer.json"
    try:
        if cached.is_file():
            data = json.loads(cached.read_text())
        elif args.quick:
            return {"skipped": f"no peer results at {cached} (a quick run does not run the peer)"}
        else:
            data = phase_peer._peer_results(args)
    except (BenchError, OSError, ValueError) as error:
        return {"skipped": f"the peer's harness did not give results: {error}"}
    found = data.get("phases", {}).get("4_search")
    if not found:
        return {"skipped": "the peer's results have no search figure"}
    return {"search": found}


def render(out: dict[str, Any]) -> str:
    rows = []
    for backend in ("sqlite", "postgresql"):
        result = out.get(backend) or {}
        if "skipped" in result or "queries" not in result:
            rows.append([backend, "skipped", "", "", "", "", "", ""])
            continue
        for entry in result["queries"]:
            http, inproc = entry["http"], entry["in_process"]
            total = f"{entry['total']}{'' if entry['total_is_exact'] else '+'}"
            rows.append(
                [
                    backend,
                    f"{entry['label']}: {entry['q']}",
                    f"{http['p50_ms']:.2f}",
                    f"{http['p95_ms']:.2f}",
                    f"{inproc['p95_ms']:.2f}",
                    f"{entry['in_process_cpu']['p95_ms']:.2f}",
                    total,
                    "yes" if entry["p95_target_met"] else "NO",
                ]
            )
    title = f"Search over {out['messages']:,} messages, ms (target p95 <= {TARGET_P95_MS:.0f} ms over HTTP)"
    lines = [title, "-" * len(title)]
    lines.append(
        table(["backend", "query", "http p50", "http p95", "in-proc p95", "in-proc CPU p95", "total", "met"], rows)
    )
    for backend in ("sqlite", "postgresql"):
        result = out.get(backend) or {}
        if "load_s" in result:
            lines.append(
                f"{backend}: {result['cases']:,} cases loaded in {result['load_s']} s, index built in "
                f"{result['index_build_s']} s" + (f", file {result['db_size_mb']} MB" if "db_size_mb" in result else "")
            )
    peer = out.get("peer", {})
    if "search" in peer:
        s = peer["search"]
        lines.append(f"peer (django-helpdesk, icontains over 20,000 tickets): {json.dumps(s)[:300]}")
    else:
        lines.append(f"peer: {peer.get('skipped', 'not available')}")
    return "\n".join(lines)
