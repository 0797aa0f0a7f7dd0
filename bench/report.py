"""The human summary printed at the end of a run (the JSON file holds everything)."""

from __future__ import annotations

import json
from typing import Any

from harness import fmt, table


def render(results: dict[str, Any]) -> str:
    env = results["environment"]
    quick = "  (QUICK: smoke sizes, not comparable with the targets)" if results["quick"] else ""
    parts = [
        "",
        "=" * 100,
        f"Sameside benchmarks  {results['started_at']}{quick}",
        f"Python {env['python']}, SQLite {env['sqlite']}, {env['cpus']} CPU ({env['cpu']}), {env['platform']}",
        f"commit {env.get('git_commit') or '?'}; wall {results.get('wall_s', '?')} s",
        "=" * 100,
    ]
    phases = results["phases"]
    for name, render_phase in (
        ("http", _http),
        ("queue", _queue),
        ("pg", _queue),
        ("peer", _peer),
        ("web", _web),
        ("fair", _fair),
        ("grants", _grants),
        ("knowledge", _knowledge),
        ("coach", _coach),
        ("repeats", _repeats),
    ):
        if name not in phases:
            continue
        phase = phases[name]
        title = {
            "http": "1. Case creation over HTTP on SQLite (wrk)",
            "queue": "2. Agent queue over bulk-loaded cases, SQLite",
            "pg": "2b. Agent queue over bulk-loaded cases, PostgreSQL",
            "peer": "3. Side by side with django-helpdesk 2.6.1 (shared workload)",
            "web": "4. Web: the case page, and live updates to open pages",
            "fair": "5. The fair queue: take next",
            "grants": "6. Grants: budgets under contention, a customer's ledger",
            "knowledge": "7. Knowledge base: answers found on data nobody here wrote",
            "coach": "8. Language coach: checking a 300-word reply",
            "repeats": "9. Repeat contacts: detection for a customer with 200 earlier cases",
        }[name]
        parts += ["", title, "-" * len(title)]
        busy = phase.get("cpu_busy_before_pct")
        if busy is not None and busy > 25:
            parts.append(
                f"WARNING: the CPUs were {busy} % busy with other work when this phase began; figures are low and noisy"
            )
        if "skipped" in phase:
            parts.append(f"skipped: {phase['skipped']}")
        elif "error" in phase:
            parts.append(f"FAILED: {phase['error']}")
        else:
            parts.append(render_phase(phase))
    return "\n".join(parts)


def _knowledge(p: dict[str, Any]) -> str:
    b = p.get("banking77") or {}
    ours, floor = b.get("ours") or {}, b.get("bm25_floor") or {}
    rows = [
        [f"BANKING77 {name} ({ours.get('queries')} questions, 77 articles)", ours.get(name), floor.get(name)]
        for name in ("acc@1", "acc@3", "acc@5", "mrr@10")
    ]
    out = table(["", "ours", "BM25 floor"], rows)
    s = (p.get("clinc150") or {}).get("ours") or {}
    e = p.get("embedding") or {}
    one = e.get("one_text") or {}
    size = p.get("at_size") or {}
    suggest = size.get("suggest") or {}
    rows = [
        ["acc@1 (aim ≥ 0.85)", ours.get("acc@1"), _ok((ours.get("acc@1") or 0) >= 0.85)],
        [
            f"CLINC150 nothing fits at {s.get('threshold')}: in-scope precision (aim ≥ 0.9)",
            s.get("in_scope_precision"),
            _ok((s.get("in_scope_precision") or 0) >= 0.9),
        ],
        ["out-of-scope questions given no article", s.get("out_of_scope_given_nothing"), ""],
        ["in-scope questions answered", s.get("in_scope_answered"), ""],
        [
            f"embedding ({e.get('model')}) one text p50 / p95",
            f"{fmt(one.get('p50_ms'))} / {fmt(one.get('p95_ms'))} ms",
            "",
        ],
        ["embedding batched, per text", f"{fmt(e.get('batched_ms_per_text'))} ms", ""],
        [
            f"suggestions: {size.get('articles')} articles, {size.get('solved_cases')} cases; p50 / p95 (aim ≤ 30)",
            f"{fmt(suggest.get('p50_ms'))} / {fmt(suggest.get('p95_ms'))} ms",
            _ok((suggest.get("p95_ms") or 1e9) <= 30),
        ],
    ]
    return out + "\n" + table(["", "", "met"], rows)


def _coach(p: dict[str, Any]) -> str:
    ours, floor = p.get("check") or {}, p.get("reference_lower_and_one_search") or {}
    rows = [
        [
            f"check: {p.get('rules_checked')} rules, {p.get('advice_found')} found; aim p95 ≤ {p.get('aim_p95_ms')}",
            _ms3(ours.get("p50_ms")),
            _ms3(ours.get("p95_ms")),
            _ms3(ours.get("p99_ms")),
            _ok(p.get("met")),
        ],
        [
            "reference: str.lower() + one re.search",
            _ms3(floor.get("p50_ms")),
            _ms3(floor.get("p95_ms")),
            _ms3(floor.get("p99_ms")),
            "",
        ],
    ]
    return table([f"{p.get('words')} words, {ours.get('n')} runs", "p50 ms", "p95 ms", "p99 ms", "met"], rows)


def _repeats(p: dict[str, Any]) -> str:
    rows = []
    for key, label in (
        ("same_words", "the same problem again, found by its words"),
        ("other_problem", "another problem, words only"),
        ("other_problem_meaning", "another problem, words then meaning (vectors kept)"),
        ("other_problem_meaning_cold", "another problem, words then meaning (nothing kept)"),
        ("reference_read_by_key", "reference: the customer read by key"),
    ):
        f = p.get(key) or {}
        met = "" if key.startswith("reference") or "meaning" in key else _ok(f.get("p95_ms", 1e9) <= p["aim_p95_ms"])
        rows.append([label, _ms3(f.get("p50_ms")), _ms3(f.get("p95_ms")), _ms3(f.get("p99_ms")), met])
    recent, earlier = p.get("resolved_this_week"), p.get("earlier_cases")
    head = f"{recent} of {earlier} resolved in the week; aim p95 ≤ {p.get('aim_p95_ms')}"
    return table([head, "p50 ms", "p95 ms", "p99 ms", "met"], rows)


def _ms3(value: float | None) -> str:
    """Milliseconds to the microsecond: the coach's figures and their reference are small."""
    return "-" if value is None else f"{value:.3f}"


def _ok(flag: bool | None) -> str:
    return "-" if flag is None else ("yes" if flag else "NO")


def _http(p: dict[str, Any]) -> str:
    rows = []
    for run in p["runs"]:
        w = run["workers"]
        for label, r in (("GET /api/v1/ping", run["ping"]), ("POST /api/v1/cases", run["create"])):
            rows.append(
                [
                    f"{label}  (workers={w})",
                    fmt(r["requests_per_s"]),
                    fmt(r["p50_ms"], " ms"),
                    fmt(r["p90_ms"], " ms"),
                    fmt(r["p99_ms"], " ms"),
                    fmt(r["max_ms"], " ms"),
                    fmt(r.get("server_cpu_ms_per_request"), " ms"),
                    fmt(r["requests"]),
                    fmt(r["non_2xx_reported_by_wrk"]),
                ]
            )
    out = [
        f"wrk -t{p['threads']} -c{p['connections']} -d{p['seconds']:g}s --latency "
        f"(after a {p['warmup_seconds']:g} s warm-up); {p['wrk']}",
        table(["route", "req/s", "p50", "p90", "p99", "max", "server CPU/req", "requests", "non-2xx"], rows),
        "",
    ]
    t = p["targets"]
    checks = []
    for run in p["runs"]:
        c = run["checks"]
        v = run["targets_met"]
        checks.append(
            [
                f"workers={run['workers']}",
                fmt(run["create_over_ping"]),
                f">= {t['create_requests_per_s']:,}/s: {_ok(v['create_rps_ok'])}",
                f"<= {t['create_p99_ms']:g} ms: {_ok(v['create_p99_ok'])}",
                f"{c['cases_created_in_db']:,} vs {c['status_201_seen_by_wrk']:,} (+{c['stored_but_unseen_at_stop']}): "
                f"{_ok(c['db_matches_201s'])}",
                _ok(c["no_non_2xx"]),
            ]
        )
    out.append(
        table(
            ["", "create/ping", "target req/s", "target p99", "cases in DB vs 201s (in flight)", "no non-2xx"], checks
        )
    )
    out.append(
        "Client and server share the machine's CPUs; wrk's two threads take some of them. "
        "server CPU/req: the server's processes' CPU time per request (per case stored, for create)."
    )
    return "\n".join(out)


def _queue(p: dict[str, Any]) -> str:
    head = (
        f"{p['backend']}{' ' + p['server_version'] if 'server_version' in p else ''}: "
        f"{p['cases']:,} cases bulk-loaded in {p['load_s']} s"
        + (f" ({p['db_size_mb']} MB)" if "db_size_mb" in p else "")
        + f"; {p['requests_per_query']} sequential keep-alive requests per query "
        f"(page 2: {p['page2_requests_per_query']}), one worker"
    )
    rows = []
    for q in p["queries"]:
        a, b, c = q["page1"], q["page2"], q.get("in_process") or {}
        rows.append(
            [
                q["label"],
                fmt(a["p50_ms"]),
                fmt(a["p95_ms"]),
                fmt(a["p99_ms"]),
                fmt(b["p50_ms"]),
                fmt(b["p95_ms"]),
                fmt(c.get("p50_ms")),
                fmt(c.get("p95_ms")),
                fmt(q.get("server_cpu_ms_per_request")),
                f"<= {p['target_p95_ms']:g}: {_ok(q.get('p95_target_met'))}",
            ]
        )
    out = [
        head,
        table(
            [
                "query (limit 50)",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "page2 p50",
                "page2 p95",
                "in-proc p50",
                "in-proc p95",
                "srv CPU/req",
                "target p95",
            ],
            rows,
        ),
    ]
    if p.get("desk"):
        out.append(
            table(
                ["desk queue page (HTML)", "rows", "p50 ms", "p95 ms", "p99 ms", "target p95"],
                [
                    [
                        d["label"],
                        str(d["rows"]),
                        fmt(d["page"]["p50_ms"]),
                        fmt(d["page"]["p95_ms"]),
                        fmt(d["page"]["p99_ms"]),
                        f"<= 30: {_ok(d.get('p95_target_met'))}",
                    ]
                    for d in p["desk"]
                ],
            )
        )
    out.append(
        "in-proc = the route's work without HTTP (list_cases + response model + JSON), i.e. server-side time; "
        "srv CPU/req = the server's CPU time per request (ms)."
    )
    for q in p["queries"]:
        plan = q.get("plan")
        if plan:
            shown = [line for line in plan if "Planning" not in line][:6] if p["backend"] == "postgresql" else plan
            out.append(f"plan [{q['label']}]: " + " | ".join(s.strip() for s in shown))
    return "\n".join(out)


def _ratio(peer: float | None, ours: float | None, *, higher_is_better: bool) -> str:
    if not peer or not ours:
        return "-"
    r = ours / peer if higher_is_better else peer / ours
    return f"{r:.1f}x {'better' if r >= 1 else 'worse'}"


def _peer(p: dict[str, Any]) -> str:
    peer = p["peer"]["phases"]
    ours = p["ours"]
    pt = peer.get("1_tickets_public_form", {})
    po = peer.get("1b_tickets_bare_orm", {})
    ot = ours["tickets"]
    lst = peer.get("3_agent_open_list", {})
    pv = lst.get("page_html_plus_json", {})
    pj = lst.get("datatables_json", {})
    ol = ours["agent_open_list"]
    oi = ol.get("in_process", {})
    em = peer.get("2_emails_import", {})
    mail = ours.get("emails", {})
    om, oms = mail.get("batched", {}), mail.get("single", {})
    se = peer.get("4_search", {}).get("page_html_plus_json", {})
    da = peer.get("3b_agent_dashboard", {})
    rows = [
        [
            "create tickets (rate)",
            f"{fmt(pt.get('tickets_per_s'))}/s form",
            f"{fmt(ot['tickets_per_s'])}/s HTTP",
            _ratio(pt.get("tickets_per_s"), ot["tickets_per_s"], higher_is_better=True),
        ],
        [
            "create tickets p50 / p95",
            f"{fmt(pt.get('median_ms'))} / {fmt(pt.get('p95_ms'))} ms",
            f"{fmt(ot['p50_ms'])} / {fmt(ot['p95_ms'])} ms",
            _ratio(pt.get("p95_ms"), ot["p95_ms"], higher_is_better=False) + " (p95)",
        ],
        [
            "  peer bare ORM (no form, no mail)",
            f"{fmt(po.get('tickets_per_s'))}/s, p95 {fmt(po.get('p95_ms'))} ms",
            "",
            _ratio(po.get("tickets_per_s"), ot["tickets_per_s"], higher_is_better=True),
        ],
        [
            "agent0 open list p50 / p95",
            f"{fmt(pv.get('median_ms'))} / {fmt(pv.get('p95_ms'))} ms page view",
            f"{fmt(ol['p50_ms'])} / {fmt(ol['p95_ms'])} ms HTTP",
            _ratio(pv.get("p95_ms"), ol["p95_ms"], higher_is_better=False) + " (p95)",
        ],
        [
            "  peer JSON only / ours in-process",
            f"{fmt(pj.get('median_ms'))} / {fmt(pj.get('p95_ms'))} ms",
            f"{fmt(oi.get('p50_ms'))} / {fmt(oi.get('p95_ms'))} ms",
            _ratio(pj.get("p95_ms"), oi.get("p95_ms"), higher_is_better=False) + " (p95)",
        ],
        [
            "raw emails ingested (rate)",
            f"{fmt(em.get('emails_per_s'))}/s",
            f"{fmt(om.get('messages_per_s'))}/s, {fmt(oms.get('messages_per_s'))}/s one per commit",
            _ratio(em.get("emails_per_s"), om.get("messages_per_s"), higher_is_better=True),
        ],
        [
            "  per message p50 / p95",
            f"{fmt(em.get('median_ms'))} / {fmt(em.get('p95_ms'))} ms",
            f"{fmt(oms.get('p50_ms'))} / {fmt(oms.get('p95_ms'))} ms one per commit",
            _ratio(em.get("p95_ms"), oms.get("p95_ms"), higher_is_better=False) + " (p95)",
        ],
        ["keyword search page view p95", f"{fmt(se.get('p95_ms'))} ms", "not yet built", "peer only"],
        ["agent dashboard p95", f"{fmt(da.get('p95_ms'))} ms", "not yet built", "peer only"],
    ]
    checks = p["peer"]["checks"]
    fill = ours["fill"]
    out = [
        f"workload: {p['peer_workdir']}/workload; tickets created: peer {pt.get('n', '?')}, ours {ot['n']}; "
        f"cases before the list: peer {checks.get('3_total_tickets', '?')}, ours {fill['total_cases']}",
        table(["", "django-helpdesk (in-process)", "Sameside", "Sameside vs peer"], rows),
        f"agent0 open/new cases: peer {checks.get('3_agent0_open_tickets', '?')}, ours {fill['agent0_open_cases']} "
        f"(list paged through = DB: {_ok(ol.get('list_matches_db'))}); ours returns {ol['rows_returned']} rows "
        f"per page (limit 25); our case numbers 1..N: {_ok(ot.get('numbers_are_1_to_n'))}",
        f"our server's CPU per ticket created: {fmt(ot.get('server_cpu_ms_per_ticket'), ' ms')}",
        "NOTE: the peer measures in-process with django.test.Client (no web server, no network); we measure over "
        "real HTTP",
        "through uvicorn on loopback (plus an in-process figure for the list). Email ingest is in-process on both "
        "sides (parse + thread + store + index; ours also queues an acknowledgement per new case).",
    ]
    if mail:
        bare = mail.get("bare_parse", {}).get("messages_per_s")
        ratios = mail.get("ratio_to_bare_parse", {})
        out.append(
            f"email ingest vs a bare stdlib parse of the same files ({fmt(bare)}/s): batched "
            f"{ratios.get('batched')}×, one per commit {ratios.get('single')}×; aim ≥ 1,000 messages/s"
        )
        out.append(f"email checks (ours, batched): {json.dumps(om.get('checks', {}))}")
        pc = p["peer"]["checks"]
        out.append(
            f"email checks (peer): new tickets {pc.get('2_new_tickets_from_email', '?')} of "
            f"{pc.get('2_expected_new_tickets', '?')} expected, follow-ups {pc.get('2_new_followups_from_email', '?')}"
        )
    if p["peer"].get("reused_from"):
        out.append(f"peer figures reused from {p['peer']['reused_from']} (--reuse-peer)")
    return "\n".join(out)


def _web(p: dict[str, Any]) -> str:
    page, live = p["case_page"], p["live"]
    rows = [
        [
            f"case page, {page.get('entries_on_page')} timeline entries (HTTP, keep-alive)",
            f"{fmt(page.get('p50_ms'))} / {fmt(page.get('p95_ms'))} ms",
            "p95 ≤ 30 ms",
            _ok((page.get("p95_ms") or 1e9) <= 30),
        ],
        [
            f"agent's answer heard by its page, {live.get('sockets')} WebSockets on one process",
            f"{fmt(live.get('p50_ms'))} / {fmt(live.get('p99_ms'))} ms (p50 / p99)",
            "p99 ≤ 50 ms",
            _ok((live.get("p99_ms") or 1e9) <= 50),
        ],
    ]
    note = f"pages that heard their answer: {live.get('heard')} of {live.get('sockets')}"
    return "\n".join([table(["", "measured", "aim", "met"], rows), note])


def _fair(p: dict[str, Any]) -> str:
    rows = [
        [
            f"take next, {p.get('open_cases'):,} open cases in one team (in-process, commit included)",
            f"{fmt(p.get('p50_ms'))} / {fmt(p.get('p95_ms'))} ms",
            "p95 ≤ 10 ms",
            _ok((p.get("p95_ms") or 1e9) <= 10),
        ]
    ]
    r = p.get("restatement") or {}
    rows.append(
        [
            "restatement check against 50 earlier customer messages",
            f"{fmt(r.get('p50_ms'))} / {fmt(r.get('p95_ms'))} ms",
            "p95 ≤ 5 ms",
            _ok((r.get("p95_ms") or 1e9) <= 5),
        ]
    )
    return table(["", "p50 / p95", "aim", "met"], rows)


def _grants(p: dict[str, Any]) -> str:
    c, ledger = p.get("contention") or {}, p.get("ledger") or {}
    issued, every = c.get("issued") or {}, c.get("all") or {}
    rows = [
        [
            "a grant within budget, 16 clients on 4 budgets, 160/s offered",
            f"{fmt(issued.get('p50_ms'))} / {fmt(issued.get('p95_ms'))} ms",
            "p95 ≤ 25 ms",
            _ok((issued.get("p95_ms") or 1e9) <= 25),
        ],
        [
            "every grant (issued or asked of a supervisor)",
            f"{fmt(every.get('p50_ms'))} / {fmt(every.get('p95_ms'))} ms",
            "",
            "",
        ],
        [
            f"issued per budget of {c.get('budget_minor')} (minor units): {c.get('issued_per_budget_minor')}",
            "",
            "never above",
            _ok(c.get("never_overspent")),
        ],
    ]
    flat = p.get("flat_out") or {}
    flat_all = flat.get("all") or {}
    rows.append(
        [
            f"flat out: {flat.get('grants_per_s')} grants/s (latency is the queue)",
            f"{fmt(flat_all.get('p50_ms'))} / {fmt(flat_all.get('p95_ms'))} ms",
            "never above",
            _ok(flat.get("never_overspent")),
        ]
    )
    for name, label in (
        ("case_page", "the case page of a customer with 1,000 grants"),
        ("customer_grants_api", "their grants over the API"),
    ):
        r = ledger.get(name) or {}
        rows.append(
            [
                label,
                f"{fmt(r.get('p50_ms'))} / {fmt(r.get('p95_ms'))} ms",
                "p95 ≤ 30 ms",
                _ok((r.get("p95_ms") or 1e9) <= 30),
            ]
        )
    return table(["", "p50 / p95", "aim", "met"], rows)
