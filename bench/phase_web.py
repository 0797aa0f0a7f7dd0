"""Phase `web`: the workspace's case page, and live updates to many open pages.

(1) A case with 200 timeline entries (messages both ways, internal notes and
    events), its page `GET /desk/cases/N` fetched 300 times in a row over one
    keep-alive connection by a signed-in agent (after 30 warm-up requests):
    p50/p95 wall time on loopback, an upper bound of the server time.
    Aim: p95 ≤ 30 ms.
(2) N customers (default 1,000) each with their own case, each with a
    WebSocket open on one server process watching that case; an agent then
    answers every case through the API, one after another, and each page
    records when it hears of the answer. Latency = heard − the moment the
    agent sent the answer (same clock; it includes the answer's own request,
    commit and response). Aim: p99 ≤ 50 ms.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from harness import BenchError, Client, log, serve, summary


def run(args: Any, workdir: Path) -> dict[str, Any]:
    home = workdir / "web"
    home.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{home / 'web.db'}"
    setup = _seed(url, sockets=args.sockets)
    with serve(url, home, workers=1) as server:
        page = _case_page(server.port, setup, args)
        live = asyncio.run(_live(server.port, setup))
    return {"case_page": page, "live": live}


def _seed(url: str, *, sockets: int) -> dict[str, Any]:
    from sameside import wiring  # noqa: F401  (registers the job handlers the seeded replies enqueue mail for)
    from sameside.auth import service as auth
    from sameside.cases import service as cases
    from sameside.cases.access import case_for
    from sameside.customers import service as customers
    from sameside.customers.rules import Channel, IdentityKind
    from sameside.db import migrate
    from sameside.db.engine import Database
    from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
    from sameside.staff import service as staff_service

    system = SystemActor("bench")
    db = Database(url)
    migrate.upgrade(db)
    log(f"web: seeding a case with 200 timeline entries and {sockets:,} customers with a case each")
    with db.unit_of_work() as s:
        agent = staff_service.add_staff(s, system, email="dana@desk.example", name="Dana Reyes", role=Role.SUPERVISOR)
        session = auth.open_session(s, staff=agent, days=1)
        _, token = auth.create_api_token(s, system, agent, "bench")
        actor = StaffActor(agent.id, Role.SUPERVISOR)
        customer, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value="long@example.com", name="Lena Long")
        big = cases.open_case(
            s, system, customer=customer, subject="A long story", body="It started in March.", channel=Channel.PORTAL
        )
        n = 0
        while _entries(s, big.id) < 200:
            case = case_for(s, system, big.id)
            n += 1
            if n % 3 == 0:
                cases.add_note(s, actor, case, f"Internal note {n}: checked the courier's records again.")
            elif n % 3 == 1:
                cases.reply(s, actor, case, f"Reply {n}: thank you, we are looking into it.\n\n— Dana")
            else:
                cases.receive_message(s, CustomerActor(customer.id), case, f"Message {n}: any news? " * 5)
        watchers = []
        for i in range(sockets):
            person, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value=f"c{i}@example.com", name=f"C {i}")
            number = cases.open_case(
                s, system, customer=person, subject=f"Question {i}", body="Hello?", channel=Channel.PORTAL
            ).id
            watchers.append((number, auth.open_session(s, customer=person, days=1).token))
    db.dispose()
    return {"case": big.id, "cookie": session.token, "token": token, "watchers": watchers}


def _entries(session: Any, case_id: int) -> int:
    from sqlalchemy import func, select

    from sameside.cases.models import TimelineEntry

    session.flush()
    return int(session.scalar(select(func.count()).where(TimelineEntry.case_id == case_id)) or 0)


def _case_page(port: int, setup: dict[str, Any], args: Any) -> dict[str, Any]:
    client = Client(port)
    client.headers = {"Cookie": f"sameside_session={setup['cookie']}", "Accept": "text/html"}
    path = f"/desk/cases/{setup['case']}"
    status, body, _ = client.request("GET", path)
    if status != 200 or b'id="timeline"' not in body:
        raise BenchError(f"GET {path} -> {status}")
    entries = body.count(b'<li class="entry')
    for _ in range(30):
        client.request("GET", path)
    times = [client.request("GET", path)[2] for _ in range(args.page_requests)]
    client.close()
    out = summary(times, unit="requests")
    out["entries_on_page"] = entries
    out["aim_p95_ms"] = 30
    log(f"web: case page with {entries} entries: p50 {out['p50_ms']:.2f} ms, p95 {out['p95_ms']:.2f} ms")
    return out


async def _live(port: int, setup: dict[str, Any]) -> dict[str, Any]:
    from websockets.asyncio.client import connect

    watchers = setup["watchers"]
    heard: dict[int, float] = {}
    ready = 0
    log(f"web: opening {len(watchers):,} WebSockets")

    async def watch(number: int, cookie: str) -> None:
        nonlocal ready
        headers = {"Origin": f"http://127.0.0.1:{port}", "Cookie": f"sameside_session={cookie}"}
        async with connect(f"ws://127.0.0.1:{port}/ws/live", additional_headers=headers, open_timeout=60) as ws:
            await ws.send(json.dumps({"watch": f"case:{number}"}))
            json.loads(await ws.recv())  # watching
            ready += 1
            while number not in heard:
                message = json.loads(await ws.recv())
                if message.get("type") == "case.message":
                    heard[number] = time.perf_counter()

    tasks = []
    for number, cookie in watchers:
        tasks.append(asyncio.create_task(watch(number, cookie)))
        if len(tasks) % 100 == 0:
            await asyncio.sleep(0.05)  # don't stampede the accept queue
    deadline = time.monotonic() + 120
    while ready < len(watchers):
        if time.monotonic() > deadline or any(t.done() and t.exception() for t in tasks):
            raise BenchError(f"only {ready} of {len(watchers)} WebSockets got ready")
        await asyncio.sleep(0.1)
    log(f"web: {ready:,} pages watching; answering every case through the API")

    sent: dict[int, float] = {}
    committed: dict[int, float] = {}
    client = Client(port, setup["token"])
    loop = asyncio.get_running_loop()
    for number, _ in watchers:
        sent[number] = time.perf_counter()
        await loop.run_in_executor(
            None, client.expect, "POST", f"/api/v1/cases/{number}/replies", 201, {"body": "We are on it."}
        )
        committed[number] = time.perf_counter()
        await asyncio.sleep(0.01)  # a steady trickle, not a burst
    client.close()
    end = time.monotonic() + 30
    while len(heard) < len(watchers) and time.monotonic() < end:
        await asyncio.sleep(0.05)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [(heard[n] - sent[n]) * 1000 for n in sent if n in heard]
    after_commit = [max(0.0, (heard[n] - committed[n]) * 1000) for n in committed if n in heard]
    out = summary(latencies, unit="messages")
    out["after_the_answer_returned"] = summary(after_commit, unit="messages")
    out["sockets"] = len(watchers)
    out["heard"] = len(latencies)
    out["aim_p99_ms"] = 50
    log(f"web: {len(latencies)}/{len(watchers)} heard; p50 {out['p50_ms']:.2f} ms, p99 {out.get('p99_ms')} ms")
    return out
