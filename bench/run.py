"""The Sameside benchmark suite (`make bench`). Never part of the tests.

Phases (all by default; pick with --only):
  http   case creation over HTTP on SQLite with wrk, beside GET /api/v1/ping (1 and 2 workers)
  queue  the agent's queue list over 1,000,000 cases on SQLite (bulk-loaded), sequential keep-alive client
  pg     the same queue measurement on PostgreSQL, if reachable (a throwaway database, dropped afterwards)
  peer   side by side with django-helpdesk on the shared workload (runs ../shared/peers/django-helpdesk/run)
  web    the workspace's case page with 200 entries; live updates to 1,000 open pages over WebSocket
  fair   "take next" with 100,000 open cases in one team's queue
  grants grants against shared budgets from 16 clients over HTTP; a customer's ledger of 1,000 grants
  knowledge  article retrieval on BANKING77 beside BM25, "nothing fits" on CLINC150, embedding cost, suggestions
  search GET /api/v1/search over 1,000,000 bulk-loaded messages, on SQLite and on PostgreSQL
  coach  the language coach's check of a 300-word reply, beside str.lower() and one plain re.search
  repeats  repeat-contact detection for a customer with 200 earlier cases, beside a read by key

Results: a table on stdout, progress on stderr, everything in bench/results/<timestamp>.json.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import phase_coach
import phase_fair
import phase_grants
import phase_http
import phase_knowledge
import phase_peer
import phase_queue
import phase_repeats
import phase_reports
import phase_search
import phase_web
import report

PHASES = ("http", "queue", "pg", "peer", "web", "fair", "grants", "knowledge", "search", "coach", "repeats", "reports")
BUSY_WARNING = 25.0
"""Percent of all CPUs busy before a phase starts above which its figures are flagged."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(PHASES), help=f"comma-separated phases out of {', '.join(PHASES)}")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: small sizes everywhere (figures are not comparable with the targets)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary databases and server logs")
    ap.add_argument(
        "--quiet-wait",
        type=float,
        help="before each phase, wait up to this many seconds for other work to leave the CPUs (default 60; quick 0)",
    )
    ap.add_argument("--workdir", type=Path, help="where temporary databases go (default: a new temp dir)")
    g = ap.add_argument_group("http")
    g.add_argument("--workers", default="1,2", help="server worker counts to try, comma-separated")
    g.add_argument("--wrk-seconds", type=float, help="measured seconds per wrk run (default 10; quick 3)")
    g.add_argument("--wrk-warmup", type=float, help="warm-up seconds before each wrk run (default 3; quick 1)")
    g.add_argument("--wrk-threads", type=int, default=2)
    g.add_argument("--wrk-connections", type=int, default=32)
    g = ap.add_argument_group("queue / pg")
    g.add_argument("--cases", type=int, help="cases to bulk-load (default 1,000,000; quick 50,000)")
    g.add_argument("--requests", type=int, help="timed requests per list query (default 500; quick 50)")
    g.add_argument(
        "--pg-url",
        default=os.environ.get("SAMESIDE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="an admin URL; a throwaway database is created next to it and dropped afterwards",
    )
    g = ap.add_argument_group("peer")
    g.add_argument(
        "--peer-dir",
        type=Path,
        default=Path("../shared/peers/django-helpdesk"),
        help="the peer harness, relative to the repository (default ../shared/peers/django-helpdesk)",
    )
    g.add_argument(
        "--peer-workdir",
        type=Path,
        default=harness.CACHE / "peer",
        help="the peer's WORKDIR (its workload, DB and peer.json); default ~/.cache/sameside-bench/peer",
    )
    g.add_argument(
        "--reuse-peer",
        action="store_true",
        help="use WORKDIR/peer.json from an earlier peer run instead of running the peer again",
    )
    g.add_argument("--tickets", type=int, help="tickets to create through our API (default 2,000; quick 200)")
    g.add_argument("--fill-to", type=int, help="cases in the DB before the list phase (default 20,000; quick 3,000)")
    g.add_argument("--list-iters", type=int, help="timed agent0 open-list requests (default 50; quick 20)")
    g = ap.add_argument_group("web")
    g.add_argument("--sockets", type=int, help="open pages listening for live updates (default 1,000; quick 100)")
    g.add_argument("--page-requests", type=int, help="timed case-page requests (default 300; quick 50)")
    g = ap.add_argument_group("fair")
    g.add_argument("--fair-cases", type=int, help="open cases in the queue (default 100,000; quick 10,000)")
    g.add_argument("--fair-takes", type=int, help="timed take-next calls (default 500; quick 100)")
    args = ap.parse_args(argv)

    args.only = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = [p for p in args.only if p not in PHASES]
    if unknown:
        ap.error(f"unknown phase(s) {', '.join(unknown)}; choose from {', '.join(PHASES)}")
    args.workers = [int(w) for w in args.workers.split(",") if w.strip()]
    q = args.quick
    defaults = {
        "quiet_wait": (60.0, 0.0),
        "wrk_seconds": (10.0, 3.0),
        "wrk_warmup": (3.0, 1.0),
        "cases": (1_000_000, 50_000),
        "requests": (500, 50),
        "tickets": (2000, 200),
        "fill_to": (20_000, 3000),
        "list_iters": (50, 20),
        "sockets": (1000, 100),
        "page_requests": (300, 50),
        "fair_cases": (100_000, 10_000),
        "fair_takes": (500, 100),
    }
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if q else full)
    if q:
        args.reuse_peer = True
    # Paths given relative are relative to the repository, wherever we were started from.
    for name in ("peer_dir", "peer_workdir"):
        path: Path = getattr(args, name)
        if not path.is_absolute():
            setattr(args, name, (harness.REPO / path).resolve())
    return args


def environment() -> dict[str, Any]:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    from importlib.metadata import version

    versions = {}
    for name in ("sameside", "fastapi", "starlette", "uvicorn", "sqlalchemy", "pydantic", "psycopg"):
        try:
            versions[name] = version(name)
        except Exception:
            versions[name] = None
    return {
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "packages": versions,
        "git_commit": _git_commit(),
    }


def _git_commit() -> str | None:
    head = harness.REPO / ".git" / "HEAD"
    try:
        ref = head.read_text().strip()
        if ref.startswith("ref: "):
            return (harness.REPO / ".git" / ref[5:]).read_text().strip()
        return ref
    except OSError:
        return None


def _wait_for_quiet(limit_s: float) -> float | None:
    """Sample how busy the CPUs are; wait (up to `limit_s`) while other work keeps them busy."""
    busy = harness.cpu_busy()
    deadline = time.monotonic() + limit_s
    while busy is not None and busy > BUSY_WARNING and time.monotonic() < deadline:
        harness.log(f"the CPUs are {busy} % busy with other work; waiting for quiet (up to {limit_s:.0f} s)")
        time.sleep(3)
        busy = harness.cpu_busy()
    return busy


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = datetime.now(UTC)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sameside-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    harness.log(f"phases: {', '.join(args.only)}{' (quick)' if args.quick else ''}; temporary files in {workdir}")
    results: dict[str, Any] = {
        "started_at": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "argv": sys.argv[1:] if argv is None else argv,
        "environment": environment(),
        "phases": {},
    }
    runners = {
        "http": phase_http.run,
        "queue": phase_queue.run_sqlite,
        "pg": phase_queue.run_postgres,
        "peer": phase_peer.run,
        "web": phase_web.run,
        "fair": phase_fair.run,
        "grants": phase_grants.run,
        "knowledge": phase_knowledge.run,
        "search": phase_search.run,
        "coach": phase_coach.run,
        "repeats": phase_repeats.run,
        "reports": phase_reports.run,
    }
    failed = False
    try:
        for name in args.only:
            t0 = time.perf_counter()
            busy = _wait_for_quiet(args.quiet_wait)
            harness.log(f"=== phase {name} (CPU busy before it: {busy if busy is not None else '?'} %)")
            if busy is not None and busy > BUSY_WARNING:
                harness.log(f"warning: the machine is {busy} % busy with other work; figures will be low and noisy")
            try:
                results["phases"][name] = runners[name](args, workdir)
            except harness.BenchError as error:
                harness.log(f"phase {name} skipped: {error}")
                results["phases"][name] = {"skipped": str(error)}
            except Exception as error:
                failed = True
                traceback.print_exc()
                results["phases"][name] = {"error": f"{type(error).__name__}: {error}"}
            results["phases"][name]["phase_wall_s"] = round(time.perf_counter() - t0, 1)
            results["phases"][name]["cpu_busy_before_pct"] = busy
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
        results["wall_s"] = round((datetime.now(UTC) - started).total_seconds(), 1)
        out_dir = harness.BENCH_DIR / "results"
        out_dir.mkdir(exist_ok=True)
        out = out_dir / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        out.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n")
        print(report.render(results))
        print(f"\nfull results: {out.relative_to(harness.REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
