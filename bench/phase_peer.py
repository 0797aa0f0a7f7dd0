"""Phase `peer`: side by side with django-helpdesk 2.6.1 on the same deterministic workload.

The peer's own harness (`../shared/peers/django-helpdesk/run WORKDIR`) writes
the workload into WORKDIR/workload and prints its results as JSON. We then
run ours on the same files:

  (a) the tickets of tickets.jsonl, created one by one through
      POST /api/v1/cases (sequential keep-alive client, channel "portal",
      the team from the ticket's queue);
  (b) the DB topped up to 20,000 cases from background.jsonl (bulk insert,
      one inbound message each, as the peer does with bulk_create), then
      agent0's open list GET /api/v1/cases?owner=<agent0>&status=open&status=new&limit=25,
      over HTTP and, for the closest match to the peer's in-process client,
      in-process too.

The peer measures in-process (django.test.Client, no web server); we measure
over real HTTP through uvicorn, which includes the network stack and the
server's parsing and serialisation.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import phase_mail
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

QUEUES = ("support", "billing", "tech")
AGENTS = tuple(f"agent{i}" for i in range(5))
# django-helpdesk: 1 open, 2 reopened, 3 resolved, 4 closed, 5 duplicate. Its "open list" is 1 + 2,
# ours is open + new; reopened goes to new so both halves of the two-status filter have rows.
STATUS = {1: "open", 2: "new", 3: "resolved", 4: "closed", 5: "closed"}
# django-helpdesk: 1 critical, 2 high, 3 normal, 4 low, 5 very low.
PRIORITY = {1: "urgent", 2: "high", 3: "normal", 4: "low", 5: "low"}
LIST_WARMUP = 3


def run(args: Any, workdir: Path) -> dict[str, Any]:
    peer = _peer_results(args)
    workload = args.peer_workdir / "workload"
    if not (workload / "tickets.jsonl").is_file():
        raise BenchError(f"the peer's workload is missing in {workload}")
    ours = _ours(args, workdir, workload)
    log("peer/ours: email ingest on the same raw messages")
    ours["emails"] = phase_mail.run(workload, workdir)
    return {"peer": _peer_digest(peer), "ours": ours, "peer_workdir": str(args.peer_workdir)}


# ------------------------------------------------------------------ the peer


def _peer_results(args: Any) -> dict[str, Any]:
    cached = args.peer_workdir / "peer.json"
    if args.reuse_peer and cached.is_file():
        log(f"peer: reusing {cached} (from {time.ctime(cached.stat().st_mtime)})")
        data: dict[str, Any] = json.loads(cached.read_text())
        data["_reused"] = str(cached)
        return data
    script = args.peer_dir / "run"
    if not script.is_file():
        raise BenchError(f"the peer's harness is not at {script}")
    args.peer_workdir.mkdir(parents=True, exist_ok=True)
    peer_log = args.peer_workdir / "run.log"
    log(
        f"peer: running {script} {args.peer_workdir} (about 75 s; the first time also builds its venv); "
        f"log in {peer_log}"
    )
    t0 = time.perf_counter()
    with peer_log.open("w") as err:
        proc = subprocess.run(
            [str(script), str(args.peer_workdir)],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            timeout=3600,
            check=False,
        )
    if proc.returncode != 0:
        tail = "\n".join(peer_log.read_text(errors="replace").splitlines()[-15:])
        raise BenchError(f"the peer's run failed ({proc.returncode}):\n{tail}")
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if not lines:
        raise BenchError("the peer's run printed nothing on stdout")
    data = json.loads(lines[-1])
    data["_run_wall_s"] = round(time.perf_counter() - t0, 1)
    return data


def _peer_digest(peer: dict[str, Any]) -> dict[str, Any]:
    """The peer's figures we compare with (the whole JSON is large: pip freeze and all)."""
    phases = peer.get("phases", {})
    keep = (
        "1_tickets_public_form",
        "1b_tickets_bare_orm",
        "2_emails_import",
        "3_agent_open_list",
        "3b_agent_dashboard",
        "4_search",
        "3_fill_bulk_s",
        "setup_migrate_s",
    )
    env = peer.get("environment", {})
    return {
        "phases": {k: phases[k] for k in keep if k in phases},
        "checks": peer.get("checks", {}),
        "environment": {
            k: env.get(k)
            for k in ("python", "django", "django-helpdesk", "sqlite", "cpu", "cpus", "sqlite_journal_mode")
        },
        "reused_from": peer.get("_reused"),
        "run_wall_s": peer.get("_run_wall_s"),
    }


# ------------------------------------------------------------------ ours


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _ours(args: Any, workdir: Path, workload: Path) -> dict[str, Any]:
    tickets = _read_jsonl(workload / "tickets.jsonl")[: args.tickets]
    background = _read_jsonl(workload / "background.jsonl")
    home = Path(tempfile.mkdtemp(prefix="peer-ours-", dir=workdir))
    db_path = home / "ours.db"
    url = f"sqlite:///{db_path}"
    try:
        log("peer/ours: sameside init, teams support/billing/tech, agent0..agent4 and an intake admin (CLI)")
        cli(url, "init")
        teams = create_teams(url, QUEUES)
        intake_token = add_staff_with_token(url, "intake@helpdesk.example", "admin")
        agent_token = add_staff_with_token(url, "agent0@helpdesk.example", "agent", team="support")
        for name in AGENTS[1:]:
            cli(url, "user", "add", f"{name}@helpdesk.example", "--role", "agent", "--team", "support")
        agent_ids = _staff_ids(db_path)

        with serve(url, home, workers=1) as server:
            cpu0 = tree_cpu_seconds(server.process.pid)
            created = _create_tickets(server.port, intake_token, tickets, teams)
            cpu1 = tree_cpu_seconds(server.process.pid)
            if cpu0 is not None and cpu1 is not None:
                created["server_cpu_ms_per_ticket"] = round(1000 * (cpu1 - cpu0) / len(tickets), 2)
        fill = _fill(db_path, background, args.fill_to, teams, agent_ids)
        with serve(url, home, workers=1) as server:
            listing = _agent_list(server.port, agent_token, agent_ids["agent0"], args.list_iters, fill)
        listing["in_process"] = _list_in_process(url, agent_ids["agent0"], teams["support"], args.list_iters)
        return {"tickets": created, "fill": fill, "agent_open_list": listing}
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def _staff_ids(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT email, id FROM staff").fetchall()
    return {email.partition("@")[0]: int(i) for email, i in rows}


def _create_tickets(port: int, token: str, tickets: list[dict[str, Any]], teams: dict[str, int]) -> dict[str, Any]:
    log(f"peer/ours: creating {len(tickets):,} tickets one by one through POST /api/v1/cases")
    client = Client(port, token)
    times, numbers = [], []
    t0 = time.perf_counter()
    for t in tickets:
        body = {
            "customer": {"email": t["submitter_email"], "name": t["submitter_name"]},
            "subject": t["title"],
            "body": t["body"],
            "channel": "portal",
            "team_id": teams[t["queue"]],
            "priority": PRIORITY[t["priority"]],
        }
        case, ms = client.expect("POST", "/api/v1/cases", 201, body)
        times.append(ms)
        numbers.append(case["number"])
    wall = time.perf_counter() - t0
    client.close()
    out = summary(times, wall_s=wall, unit="tickets")
    out["numbers_are_1_to_n"] = numbers == list(range(1, len(tickets) + 1))
    log(f"peer/ours: {out['tickets_per_s']:.1f} tickets/s, p50 {out['p50_ms']:.2f} ms, p95 {out['p95_ms']:.2f} ms")
    return out


def _fill(
    db_path: Path, background: list[dict[str, Any]], fill_to: int, teams: dict[str, int], agent_ids: dict[str, int]
) -> dict[str, Any]:
    """Top the DB up to `fill_to` cases from background.jsonl: customers by email, one inbound message each."""
    from loaders import DAY, sqlite_stamp
    from sameside.kit.addresses import normalize_email

    t0 = time.perf_counter()
    now = time.time()
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        (have,) = conn.execute("SELECT count(*) FROM cases").fetchone()
        need = max(0, fill_to - have)
        if need > len(background):
            raise BenchError(f"the workload has {len(background)} background tickets; {need} are needed")
        rows = background[:need]
        conn.execute("BEGIN IMMEDIATE")
        known = dict(conn.execute("SELECT value, customer_id FROM customer_identities WHERE kind = 'email'"))
        stamp_now = sqlite_stamp(now)
        new_customers = 0
        for r in rows:
            email = normalize_email(r["submitter_email"])
            if email not in known:
                cur = conn.execute(
                    "INSERT INTO customers (name, tier, created_at) VALUES (?, 'standard', ?)",
                    (r["submitter_name"][:200], stamp_now),
                )
                known[email] = cur.lastrowid
                conn.execute(
                    "INSERT INTO customer_identities (customer_id, kind, value, created_at) VALUES (?, 'email', ?, ?)",
                    (cur.lastrowid, email, stamp_now),
                )
                new_customers += 1
        (next_id,) = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM cases").fetchone()
        cases, entries = [], []
        for k, r in enumerate(rows):
            created = sqlite_stamp(now - r["created_days_ago"] * DAY)
            status = STATUS[r["status"]]
            done = created if status in ("resolved", "closed") else None
            customer_id = known[normalize_email(r["submitter_email"])]
            cases.append(
                (
                    next_id + k,
                    r["title"][:300],
                    status,
                    PRIORITY[r["priority"]],
                    "portal",
                    customer_id,
                    agent_ids[r["assigned_to"]] if r["assigned_to"] else None,
                    teams[r["queue"]],
                    0,
                    0,
                    created,
                    created,
                    None,
                    created,
                    done,
                    done if status == "closed" else None,
                    "standard",
                    False,
                )
            )
            entries.append((next_id + k, "message", 1, "inbound", "portal", customer_id, 0, r["body"], created))
        conn.executemany(
            "INSERT INTO cases (id, subject, status, priority, channel, customer_id, owner_id, team_id, "
            "shared_with_organization, reopen_count, created_at, updated_at, first_human_reply_at, "
            "last_customer_message_at, resolved_at, closed_at, customer_tier, upset) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            cases,
        )
        conn.executemany(
            "INSERT INTO timeline_entries (case_id, kind, is_public, direction, channel, author_customer_id, "
            "is_automatic, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entries,
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (total,) = conn.execute("SELECT count(*) FROM cases").fetchone()
        (agent0_open,) = conn.execute(
            "SELECT count(*) FROM cases WHERE owner_id = ? AND status IN ('open', 'new')", (agent_ids["agent0"],)
        ).fetchone()
    finally:
        conn.close()
    out = {
        "added": need,
        "new_customers": new_customers,
        "total_cases": total,
        "agent0_open_cases": agent0_open,
        "seconds": round(time.perf_counter() - t0, 2),
    }
    log(f"peer/ours: topped up with {need:,} cases in {out['seconds']} s; agent0 has {agent0_open} open/new")
    return out


def _agent_list(port: int, token: str, agent0: int, n: int, fill: dict[str, Any]) -> dict[str, Any]:
    path = f"/api/v1/cases?owner={agent0}&status=open&status=new&limit=25"
    log(f"peer/ours: {n} x GET {path}")
    client = Client(port, token)
    for _ in range(LIST_WARMUP):
        client.expect("GET", path, 200)
    times = []
    page: Any = None
    for _ in range(n):
        page, ms = client.expect("GET", path, 200)
        times.append(ms)
    # Correctness: paging through the whole list finds each of agent0's open cases once.
    seen: list[int] = []
    cursor: str | None = None
    for _ in range(10_000):
        data, _ms = client.expect(
            "GET",
            f"/api/v1/cases?owner={agent0}&status=open&status=new&limit=200"
            + (f"&cursor={quote(cursor)}" if cursor else ""),
            200,
        )
        seen += [item["number"] for item in data["items"]]
        cursor = data["next_cursor"]
        if cursor is None:
            break
    client.close()
    out = summary(times)
    out.update(
        {
            "path": path,
            "rows_returned": len(page["items"]),
            "paged_total": len(seen),
            "list_matches_db": len(seen) == len(set(seen)) == fill["agent0_open_cases"],
        }
    )
    log(
        f"peer/ours: list p50 {out['p50_ms']:.2f} ms, p95 {out['p95_ms']:.2f} ms; "
        f"paged {len(seen)} = DB {fill['agent0_open_cases']}: {out['list_matches_db']}"
    )
    return out


def _list_in_process(url: str, agent0: int, team_id: int, n: int) -> dict[str, Any]:
    from sameside.api import presenters
    from sameside.cases import queries
    from sameside.cases.queries import CaseFilter
    from sameside.cases.rules import CaseStatus
    from sameside.cases.schemas import CasePage
    from sameside.db.engine import Database
    from sameside.kit.actors import Role, StaffActor

    database = Database(url, pool_size=1)
    actor = StaffActor(agent0, Role.AGENT, team_id)
    filters = CaseFilter(statuses=(CaseStatus.OPEN, CaseStatus.NEW), owner_id=agent0)

    def once() -> None:
        with database.unit_of_work(write=False) as session:
            page = queries.list_cases(session, actor, filters, sort="-created", limit=25)
            body = CasePage(items=[presenters.case_out(c) for c in page.items], next_cursor=page.next_cursor)
        body.model_dump_json()

    try:
        for _ in range(LIST_WARMUP):
            once()
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            once()
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        database.dispose()
    return summary(times)
