"""Phase `grants`: grants under contention over HTTP, and a customer's ledger beside their case.

(1) Four agents, each with a budget of 150.00 EUR a month; sixteen clients
    (four per agent, each with its own keep-alive connection, all at once)
    each post 60 grants of 1.00 EUR on their agent's case: 960 grants, 240
    per budget, so each budget runs out mid-run. Twice, with four fresh
    agents each time: paced (each client sends a grant every 100 ms, 160
    grants/s offered, as agents at work would) for the latency, and flat
    out (each client sends the next as soon as the last is answered) for
    the capacity, where latency is only the queue. p50/p95 of the grants
    issued within budget and of all; afterwards the issued sum per agent
    must equal its budget exactly (never above). Aim: p95 ≤ 25 ms paced.
(2) A customer with 1,000 grants: their case page (which shows their
    grants) and `GET /api/v1/customers/N/grants` (the newest 200), 300
    times each in a row. Aim: p95 ≤ 30 ms.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from harness import BenchError, Client, log, serve, summary

AGENTS = 4
CLIENTS_PER_AGENT = 4
GRANTS_PER_CLIENT = 60
BUDGET_MINOR = 15_000
GRANT = {"kind": "voucher", "purpose": "goodwill", "amount_minor": 100, "currency": "EUR", "reason": "Bench"}


def run(args: Any, workdir: Path) -> dict[str, Any]:
    home = workdir / "grants"
    home.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{home / 'grants.db'}"
    setup = _seed(url, ledger=1000)
    with serve(url, home, workers=1) as server:
        paced = _contention(server.port, setup["agents"][:AGENTS], pace_s=0.1)
        flat_out = _contention(server.port, setup["agents"][AGENTS:], pace_s=0.0)
        ledger = _ledger(server.port, setup, args)
    return {"contention": paced, "flat_out": flat_out, "ledger": ledger}


def _seed(url: str, *, ledger: int) -> dict[str, Any]:
    from sameside import wiring  # noqa: F401  (the job handlers the seeded replies enqueue mail for)
    from sameside.auth import service as auth
    from sameside.cases import service as cases
    from sameside.customers import service as customers
    from sameside.customers.rules import Channel, IdentityKind
    from sameside.db import migrate
    from sameside.db.engine import Database
    from sameside.grants import service as grants
    from sameside.grants.models import Grant
    from sameside.grants.rules import BudgetLimit, GrantKind, GrantState, Purpose
    from sameside.kit import clock
    from sameside.kit.actors import Role, SystemActor
    from sameside.staff import service as staff_service

    system = SystemActor("bench")
    db = Database(url)
    migrate.upgrade(db)
    log(f"grants: seeding {AGENTS} agents with budgets and a customer with {ledger:,} grants")
    with db.unit_of_work() as s:
        team = staff_service.create_team(s, system, slug="support", name="Support")
        admin = staff_service.add_staff(s, system, email="admin@desk.example", name="Ada Admin", role=Role.ADMIN)
        grants.set_budget(s, auth.staff_actor(admin), BudgetLimit(BUDGET_MINOR, "EUR"), role=Role.AGENT)
        agents = []
        for i in range(AGENTS * 2):
            agent = staff_service.add_staff(
                s, system, email=f"agent{i}@desk.example", name=f"Agent {i}", role=Role.AGENT, team_id=team.id
            )
            _, token = auth.create_api_token(s, system, agent, "bench")
            customer, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value=f"c{i}@example.com", name=f"C {i}")
            case = cases.open_case(
                s, system, customer=customer, subject="Late", body="Again.", channel=Channel.PORTAL, team=team
            )
            cases.assign(s, system, case, agent)
            agents.append({"id": agent.id, "token": token, "case": case.id})
        loyal, _ = customers.find_or_create(s, kind=IdentityKind.EMAIL, value="loyal@example.com", name="Lee Loyal")
        long_case = cases.open_case(
            s, system, customer=loyal, subject="Ten years of orders", body="Hello.", channel=Channel.EMAIL, team=team
        )
        now = clock.now()
        s.add_all(
            Grant(
                case_id=long_case.id,
                customer_id=loyal.id,
                kind=list(GrantKind)[n % 4],
                purpose=list(Purpose)[n % 2],
                amount_minor=500 + n,
                currency="EUR",
                reason=f"Grant {n}",
                state=GrantState.ISSUED,
                requested_by=agents[0]["id"],
                requested_at=now,
                from_budget=False,
                issued_at=now,
            )
            for n in range(ledger)
        )
        session = auth.open_session(s, staff=admin, days=1)
    db.dispose()
    return {"agents": agents, "customer": loyal.id, "case": long_case.id, "cookie": session.token}


def _contention(port: int, agents: list[dict[str, Any]], *, pace_s: float) -> dict[str, Any]:
    issued: list[float] = []
    everything: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(AGENTS * CLIENTS_PER_AGENT)

    def work(agent: dict[str, Any]) -> None:
        client = Client(port, agent["token"])
        client.request("GET", "/api/v1/budgets/me")  # the connection open, the token's use recorded
        start.wait()
        began = time.perf_counter()
        for n in range(GRANTS_PER_CLIENT):
            if pace_s:
                time.sleep(max(0.0, began + n * pace_s - time.perf_counter()))
            status, body, ms = client.request("POST", f"/api/v1/cases/{agent['case']}/grants", GRANT)
            with lock:
                if status != 201:
                    failures.append(f"{status} {body}")
                    continue
                everything.append(ms)
                if body["state"] == "issued":
                    issued.append(ms)
        client.close()

    how = f"one every {pace_s * 1000:.0f} ms" if pace_s else "flat out"
    log(f"grants: {AGENTS * CLIENTS_PER_AGENT} clients, {GRANTS_PER_CLIENT} grants each ({how}), on {AGENTS} budgets")
    threads = [threading.Thread(target=work, args=(a,)) for a in agents for _ in range(CLIENTS_PER_AGENT)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if failures:
        raise BenchError(f"{len(failures)} grants failed, first: {failures[0]}")
    spent = {}
    for agent in agents:
        client = Client(port, agent["token"])
        _, grants, _ = client.request("GET", f"/api/v1/cases/{agent['case']}/grants")
        _, budget, _ = client.request("GET", "/api/v1/budgets/me")
        client.close()
        total = sum(g["amount_minor"] for g in grants if g["state"] == "issued")
        if total > BUDGET_MINOR or budget["spent_minor"] != total:
            raise BenchError(
                f"agent {agent['id']}: issued {total}, counted {budget['spent_minor']}, budget {BUDGET_MINOR}"
            )
        spent[agent["id"]] = total
    out = {
        "issued": summary(issued),
        "all": summary(everything),
        "issued_per_budget_minor": sorted(set(spent.values())),
    }
    out["budget_minor"] = BUDGET_MINOR
    out["pace_ms"] = pace_s * 1000
    out["grants_per_s"] = round(len(everything) / wall, 1)
    out["never_overspent"] = all(v <= BUDGET_MINOR for v in spent.values())
    out["aim_p95_ms"] = 25
    log(
        f"grants ({how}, {out['grants_per_s']}/s): within budget p50 {out['issued']['p50_ms']:.2f} ms, "
        f"p95 {out['issued']['p95_ms']:.2f} ms; "
        f"all p95 {out['all']['p95_ms']:.2f} ms; issued per budget {out['issued_per_budget_minor']} of {BUDGET_MINOR}"
    )
    return out


def _ledger(port: int, setup: dict[str, Any], args: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"aim_p95_ms": 30}
    api = Client(port)
    api.headers = {"Cookie": f"sameside_session={setup['cookie']}", "Accept": "application/json"}
    page = Client(port)
    page.headers = {"Cookie": f"sameside_session={setup['cookie']}", "Accept": "text/html"}
    for name, client, path in (
        ("customer_grants_api", api, f"/api/v1/customers/{setup['customer']}/grants"),
        ("case_page", page, f"/desk/cases/{setup['case']}"),
    ):
        status, _, _ = client.request("GET", path)
        if status != 200:
            raise BenchError(f"GET {path} -> {status}")
        for _ in range(30):
            client.request("GET", path)
        out[name] = summary([client.request("GET", path)[2] for _ in range(args.page_requests)])
        log(f"grants: {name} with 1,000 grants: p50 {out[name]['p50_ms']:.2f} ms, p95 {out[name]['p95_ms']:.2f} ms")
    api.close()
    page.close()
    return out
