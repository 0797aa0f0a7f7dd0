"""The figures `/metrics` serves, in Prometheus text format.

Two kinds:

- **Counted as things happen**, in whichever process they happen in: HTTP
  requests (by route template, never the raw path, so the number of series
  stays bounded) with their latency, live WebSocket connections, jobs run,
  mail handed to the relay. With a shared folder (`monitoring.processes`)
  every server process and worker writes its own file and a scrape adds
  them all up; without one, each process counts alone.
- **Read from the database at scrape time** (`BacklogCollector`): queue
  lengths, due jobs and the oldest one's age, mail waiting, breaches. A few
  indexed counts, cached for `CACHE_SECONDS`, read by the scraped process
  only, so they are never counted twice.
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

from sameside.db.engine import Database
from sameside.kit import clock
from sameside.monitoring import queries
from sameside.monitoring.processes import VARIABLE

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
CACHE_SECONDS = 10.0
SHARED_FOLDER = os.environ.get(VARIABLE) or None
"""Read once, as prometheus_client is: its choice of multi-process mode is made at the same import."""

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
"""The route label of a request no route took (a 404 for a made-up path): one series for all of them."""
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "sameside_http_requests", "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)  # fmt: skip
HTTP_LATENCY = Histogram(
    "sameside_http_request_duration_seconds", "Time from a request's arrival to the end of its answer.",
    ["method", "route"], buckets=LATENCY_BUCKETS,
)  # fmt: skip
WEBSOCKETS = Gauge(
    "sameside_websocket_connections", "WebSocket connections open now (desk pages, chat widgets).",
    multiprocess_mode="livesum",
)  # fmt: skip
JOBS_RUN = Counter(
    "sameside_jobs_run", "Queued jobs a worker ran, by task and outcome (done, failed).", ["kind", "outcome"]
)
MAIL_OUT = Counter(
    "sameside_mail_out",
    "Outbound messages the worker handed to the relay, by outcome (sent, held, failed).",
    ["outcome"],
)


class HttpFigures:
    """Counts one answered request; keeps each label set's series at hand, since this runs on every request."""

    def __init__(self) -> None:
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        if method not in METHODS:
            method = "other"  # a made-up method must not make a series of its own
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            series = (HTTP_REQUESTS.labels(method, route, str(status)), HTTP_LATENCY.labels(method, route))
            self._series[key] = series
        series[0].inc()
        series[1].observe(seconds)


class BacklogCollector(Collector):
    """The desk's backlog (`monitoring.queries.backlog`), read at most once every `ttl` seconds."""

    def __init__(self, database: Database, ttl: float = CACHE_SECONDS) -> None:
        self.database = database
        self.ttl = ttl
        self._lock = threading.Lock()
        self._read_at = -math.inf
        self._families: list[Metric] = []

    def collect(self) -> Iterator[Metric]:
        with self._lock:  # concurrent scrapes share one read
            if time.monotonic() - self._read_at >= self.ttl:
                self._families = self._read()
                self._read_at = time.monotonic()
            yield from self._families

    def _read(self) -> list[Metric]:
        up = GaugeMetricFamily("sameside_backlog_up", "1 when the backlog figures below were read from the database.")
        try:
            with self.database.unit_of_work(write=False) as session:
                backlog = queries.backlog(session, clock.now())
        except Exception as error:  # a scrape says the database is away; it never fails for it
            log.warning("metrics could not read the backlog: %s", error)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        waiting = GaugeMetricFamily("sameside_cases_waiting", "Cases new or open, by team.", labels=["team"])
        for team, count in sorted(backlog.waiting_by_team.items()):
            waiting.add_metric([team], count)
        ready = GaugeMetricFamily("sameside_jobs_ready", "Jobs due now and not yet claimed, by task.", labels=["kind"])
        for kind, count in sorted(backlog.jobs_ready.items()):
            ready.add_metric([kind], count)
        mail_in = GaugeMetricFamily(
            "sameside_mail_in", "Inbound mail stored but not yet filed (received) or set aside (quarantined).",
            labels=["state"],
        )  # fmt: skip
        for state, count in sorted(backlog.mail_in.items()):
            mail_in.add_metric([state], count)
        breaches = GaugeMetricFamily(
            "sameside_service_level_breaches_last_day", "Service-level targets missed in the last 24 hours, by kind.",
            labels=["kind"],
        )  # fmt: skip
        for kind, count in sorted(backlog.breaches_by_kind.items()):
            breaches.add_metric([kind], count)
        return [
            up,
            waiting,
            GaugeMetricFamily("sameside_cases_unassigned", "Cases new or open that nobody owns.", backlog.unassigned),
            GaugeMetricFamily(
                "sameside_cases_needing_a_team", 'Active cases in no team ("Needs a team").', backlog.needing_a_team
            ),
            ready,
            GaugeMetricFamily(
                "sameside_jobs_oldest_ready_age_seconds",
                "How long the longest-waiting due job has been due (0 when none is).",
                backlog.oldest_ready_job_seconds,
            ),
            GaugeMetricFamily("sameside_jobs_failed", "Jobs given up for good.", backlog.jobs_failed),
            mail_in,
            GaugeMetricFamily(
                "sameside_mail_out_held",
                "Outbound messages refused for now, waiting for a retry.",
                backlog.mail_out_held,
            ),
            breaches,
        ]


class Exposition:
    """What one scrape answers: every process's counted figures, then the backlog."""

    def __init__(self, database: Database, ttl: float = CACHE_SECONDS) -> None:
        self.backlog = CollectorRegistry(auto_describe=False)
        self.backlog.register(BacklogCollector(database, ttl))

    def render(self) -> bytes:
        if SHARED_FOLDER is None:
            counted = generate_latest(REGISTRY)
        else:
            _forget_dead_processes(Path(SHARED_FOLDER))
            processes = CollectorRegistry(auto_describe=False)
            MultiProcessCollector(processes, path=SHARED_FOLDER)  # type: ignore[no-untyped-call]
            counted = generate_latest(processes)
        return counted + generate_latest(self.backlog)


_LIVE_FILE = re.compile(r"^gauge_live\w+_(\d+)\.db$")


def _forget_dead_processes(folder: Path) -> None:
    """Drop the live gauges (open WebSockets) of processes that have ended, restarted workers included.

    uvicorn has no hook for a worker's end, so the scrape looks. Counters of
    ended processes stay: what they counted happened.
    """
    for file in folder.glob("gauge_live*.db"):
        found = _LIVE_FILE.match(file.name)
        if found is None:
            continue
        pid = int(found.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            mark_process_dead(pid, str(folder))  # type: ignore[no-untyped-call]
        except PermissionError:  # alive, someone else's
            pass
