"""Email ingest on the peer's workload: parse + thread + store + index, in one process on SQLite.

Run from the peer phase, on the same files the peer imported (WORKDIR/workload/emails, file-name
order). Before the timed run, as the workload's README allows, the tickets of tickets.jsonl are
opened as cases 1..N for their submitters and each "[queue-k]" tracking tag is rewritten into our
case token for case k, so both systems thread the same replies.

Measured, each on a fresh copy of that database:
  bare     the standard library parsing each file (email.message_from_bytes, compat32): the floor
  batched  Intake.take in batches of 50 messages per transaction (the import and IMAP path)
  single   one transaction per message (the SMTP listener's path: stored, then filed)
Everything is in-process, like the peer's own measurement.
"""

from __future__ import annotations

import email
import json
import re
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from harness import log, summary

QUEUES = {
    "support": "support@helpdesk.example",
    "billing": "billing@helpdesk.example",
    "tech": "tech@helpdesk.example",
}
BATCH = 50
ROUNDS = 3
_TAG = re.compile(rb"\[(support|billing|tech)-(\d+)\]")


def run(workload: Path, workdir: Path, *, tickets_limit: int | None = None) -> dict[str, Any]:
    from sameside import wiring
    from sameside.config import Settings
    from sameside.db import migrate
    from sameside.db.engine import Database

    emails_meta = _read_jsonl(workload / "emails.jsonl")
    tickets = _read_jsonl(workload / "tickets.jsonl")
    needed = max((m.get("refers_to_ticket_seq") or 0) for m in emails_meta)
    tickets = tickets[: max(needed, tickets_limit or 0)]
    home = Path(tempfile.mkdtemp(prefix="mail-", dir=workdir))
    template = home / "template.db"
    log(f"mail: opening {len(tickets):,} tickets as cases to thread replies onto (not timed)")
    database = Database(f"sqlite:///{template}")
    migrate.upgrade(database)
    keys = _open_tickets(database, tickets)
    database.dispose()

    raws = [_retag((workload / "emails" / m["file"]).read_bytes(), keys) for m in emails_meta]
    kinds = [m["kind"] for m in emails_meta]
    log(f"mail: {len(raws)} messages ({', '.join(f'{k} {v}' for k, v in sorted(Counter(kinds).items()))})")

    results: dict[str, Any] = {"messages": len(raws), "kinds": dict(Counter(kinds))}
    results["bare_parse"] = _bare(raws)
    for mode in ("batched", "single"):
        runs = []
        for n in range(ROUNDS):
            path = home / f"{mode}-{n}.db"
            shutil.copy(template, path)
            settings = Settings(database_url=f"sqlite:///{path}", data_dir=home / f"data-{mode}-{n}")
            db = Database(settings.database_url)
            wiring.wire(settings)
            intake = wiring.intake(db, settings)
            runs.append(_ingest(intake, raws, kinds, batch=BATCH if mode == "batched" else 1))
            db.dispose()
        best = max(runs, key=lambda r: r["messages_per_s"])
        best["rounds_messages_per_s"] = [r["messages_per_s"] for r in runs]
        results[mode] = best
        log(
            f"mail: {mode}: {best['messages_per_s']:.0f} messages/s "
            f"(rounds {', '.join(f'{r:.0f}' for r in best['rounds_messages_per_s'])}); "
            f"checks {json.dumps(best['checks'])}"
        )
    bare = results["bare_parse"]["messages_per_s"]
    results["ratio_to_bare_parse"] = {m: round(results[m]["messages_per_s"] / bare, 3) for m in ("batched", "single")}
    shutil.rmtree(home, ignore_errors=True)
    return results


def _open_tickets(database: Any, tickets: list[dict[str, Any]]) -> dict[int, str]:
    from sameside.cases import service as cases
    from sameside.customers import service as customers
    from sameside.customers.rules import Channel, IdentityKind
    from sameside.kit.actors import SystemActor
    from sameside.staff import service as staff
    from sameside.staff.models import Team

    system = SystemActor("bench")
    keys: dict[int, str] = {}
    with database.unit_of_work() as session:
        teams: dict[str, Team] = {
            slug: staff.create_team(session, system, slug=slug, name=slug.title(), email=address)
            for slug, address in QUEUES.items()
        }
        for number, t in enumerate(tickets, start=1):
            customer, _ = customers.find_or_create(
                session, kind=IdentityKind.EMAIL, value=t["submitter_email"], name=t["submitter_name"]
            )
            case = cases.open_case(
                session,
                system,
                customer=customer,
                subject=t["title"],
                body=t["body"],
                channel=Channel.PORTAL,
                team=teams[t["queue"]],
            )
            assert case.id == number, "cases must be numbered 1..N in a fresh database"
            keys[number] = case.thread_key or ""
    return keys


def _retag(raw: bytes, keys: dict[int, str]) -> bytes:
    return _TAG.sub(lambda m: f"[#{int(m.group(2))}-{keys[int(m.group(2))]}]".encode(), raw)


def _bare(raws: list[bytes]) -> dict[str, Any]:
    rates = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for raw in raws:
            message = email.message_from_bytes(raw)
            for part in message.walk():
                part.get_payload(decode=True)
        rates.append(len(raws) / (time.perf_counter() - t0))
    return {"messages_per_s": round(max(rates), 1), "rounds": [round(r, 1) for r in rates]}


def _ingest(intake: Any, raws: list[bytes], kinds: list[str], *, batch: int) -> dict[str, Any]:
    times: list[float] = []
    outcomes: list[Any] = []
    t0 = time.perf_counter()
    for start in range(0, len(raws), batch):
        chunk = raws[start : start + batch]
        c0 = time.perf_counter()
        outcomes += intake.take([(raw, {"source": "import"}) for raw in chunk])
        per = (time.perf_counter() - c0) * 1000 / len(chunk)
        times += [per] * len(chunk)
    wall = time.perf_counter() - t0
    out = summary(times, wall_s=wall, unit="messages")
    out["checks"] = _checks(outcomes, kinds)
    return out


def _checks(outcomes: list[Any], kinds: list[str]) -> dict[str, Any]:
    by_kind: dict[str, Counter[str]] = {}
    for outcome, kind in zip(outcomes, kinds, strict=True):
        label = "new" if outcome.new_case else (outcome.state.value if outcome.state.value != "filed" else "joined")
        by_kind.setdefault(kind, Counter())[label] += 1
    new_expected = sum(1 for k in kinds if k.startswith("new_"))
    return {
        "new_cases": sum(1 for o in outcomes if o.new_case),
        "new_cases_expected": new_expected,
        "replies_threaded": sum(by_kind.get(k, Counter()).get("joined", 0) for k in ("reply_tag", "reply_header")),
        "replies_expected": sum(1 for k in kinds if k in ("reply_tag", "reply_header")),
        "autoreplies_opening_cases": by_kind.get("autoreply", Counter()).get("new", 0),
        "acknowledgements_sent": sum(1 for o in outcomes if o.acknowledged),
        "quarantined": sum(1 for o in outcomes if o.state.value == "quarantined"),
    }


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
