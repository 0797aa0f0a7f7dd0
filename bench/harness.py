"""What every phase needs: the CLI, a server subprocess, a keep-alive client, statistics, a table.

Nothing here knows about a particular phase. Servers are always started on
127.0.0.1 with a free port, waited for via `GET /healthz`, and terminated by
the context manager that started them.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
BIN = Path(sys.executable).parent
SAMESIDE = BIN / "sameside"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sameside-bench"


class BenchError(RuntimeError):
    """A phase could not run as asked (the message says why)."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ statistics


def pct(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile, the same definition the peer's harness uses."""
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100.0 * len(s) + 0.5) - 1))
    return s[k]


def summary(ms: Sequence[float], *, wall_s: float | None = None, unit: str = "requests") -> dict[str, Any]:
    """Latency figures in milliseconds (and a rate when the wall time is given)."""
    if not ms:
        return {"n": 0}
    out: dict[str, Any] = {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(pct(ms, 95) or 0.0, 3),
        "p99_ms": round(pct(ms, 99) or 0.0, 3),
        "max_ms": round(max(ms), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
    }
    if wall_s is not None and wall_s > 0:
        out["wall_s"] = round(wall_s, 3)
        out[f"{unit}_per_s"] = round(len(ms) / wall_s, 2)
    return out


# ------------------------------------------------------------------ the machine


def cpu_busy(seconds: float = 2.0) -> float | None:
    """How busy the machine's CPUs are (percent, all CPUs) over `seconds`, from /proc/stat; None if unknown.

    Sampled before each phase: the figures are only as good as the machine is quiet.
    """

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields), idle

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    if total1 == total0:
        return None
    return round(100.0 * (1 - (idle1 - idle0) / (total1 - total0)), 1)


def tree_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds used so far by a process and its live descendants (Linux /proc), or None."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        children: dict[int, list[int]] = {}
        used: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
            used[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError, IndexError):
        return None
    if pid not in used:
        return None
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += used.get(p, 0.0)
        todo += children.get(p, [])
    return total


# ------------------------------------------------------------------ processes


def child_env(database_url: str) -> dict[str, str]:
    """The environment for `sameside` subprocesses.

    Bytecode goes to a cache of our own (PYTHONPYCACHEPREFIX) even when the
    shell says PYTHONDONTWRITEBYTECODE: otherwise every CLI call and server
    start recompiles SQLAlchemy and FastAPI from source (several seconds
    each). The venv itself is never written to; steady-state timings are
    unaffected.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(CACHE / "pycache"))
    env["SAMESIDE_DATABASE_URL"] = database_url
    return env


def cli(database_url: str, *args: str, timeout: float = 180) -> str:
    """Run `sameside ARGS...` against a database; return its stdout, or raise with its stderr."""
    proc = subprocess.run(
        [str(SAMESIDE), *args],
        env=child_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise BenchError(f"`sameside {' '.join(args)}` failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
    return proc.stdout


def add_staff_with_token(database_url: str, email: str, role: str, team: str | None = None) -> str:
    """`sameside user add` then `sameside token create`; returns the API token."""
    args = ["user", "add", email, "--role", role]
    if team:
        args += ["--team", team]
    cli(database_url, *args)
    token = cli(database_url, "token", "create", email, "--name", "bench").strip()
    if not token or "\n" in token:
        raise BenchError(f"`sameside token create {email}` did not print one token: {token!r}")
    return token


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


@contextmanager
def serve(database_url: str, workdir: Path, *, workers: int = 1, startup_timeout: float = 120) -> Iterator[Server]:
    """`sameside serve` on a free loopback port, without the access log; always stopped afterwards."""
    port = free_port()
    log_path = workdir / f"server-{port}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                str(SAMESIDE),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--no-access-log",
            ],
            env=child_env(database_url),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, process, log_path)
    try:
        _wait_healthy(server, startup_timeout)
        if workers > 1:
            _warm_workers(server, workers)
        yield server
    finally:
        _stop(process)


def _wait_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"the server exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"the server did not answer /healthz within {timeout:.0f} s:\n{server.log_tail()}")


def _warm_workers(server: Server, workers: int) -> None:
    """With several workers, /healthz may answer before every worker has started; wait for the log to say so."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.log_tail(400).count("Application startup complete") >= workers:
            return
        time.sleep(0.2)
    log(f"warning: could not confirm that all {workers} workers started")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        # The server runs in its own session; its process group holds only it and its workers.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# ------------------------------------------------------------------ HTTP


class Client:
    """A sequential keep-alive HTTP/1.1 client that times each request (wall clock, in ms)."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any, float]:
        """(status, parsed JSON body, milliseconds). The time covers sending and reading the whole response."""
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (http.client.HTTPException, OSError):
            # A dropped keep-alive connection: reconnect once, and time the retry honestly.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        ms = (time.perf_counter() - t0) * 1000
        data = json.loads(raw) if raw and response.getheader("content-type", "").endswith("json") else raw
        return response.status, data, ms

    def expect(self, method: str, path: str, status: int, body: Any = None) -> tuple[Any, float]:
        got, data, ms = self.request(method, path, body)
        if got != status:
            raise BenchError(f"{method} {path} -> {got}, expected {status}: {str(data)[:500]}")
        return data, ms

    def close(self) -> None:
        self.conn.close()


# ------------------------------------------------------------------ setup helpers


def create_teams(database_url: str, slugs: Sequence[str]) -> dict[str, int]:
    """Teams through the service layer (the CLI has no `team` command); returns slug -> id."""
    from sameside.db.engine import Database
    from sameside.kit.actors import SystemActor
    from sameside.staff import service

    database = Database(database_url, pool_size=1)
    try:
        ids: dict[str, int] = {}
        with database.unit_of_work() as session:
            for slug in slugs:
                team = service.create_team(session, SystemActor("bench"), slug=slug, name=slug.title())
                ids[slug] = team.id
        return ids
    finally:
        database.dispose()


# ------------------------------------------------------------------ output


def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.2f}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{text}{unit}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        padded = (c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        lines.append("  ".join(padded))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
