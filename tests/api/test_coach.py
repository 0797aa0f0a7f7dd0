"""The coach over the API: advice on a reply, a team's own rules (refused with a reason when unsafe),
built-in ones switched off, and the figures after replies are sent from the desk."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.coach import service as coach_service
from sameside.kit.actors import Role, StaffActor
from tests.factories import Factory

ESSAY = "Sorry for the inconvenience, you entered your information wrong"


def test_an_agent_gets_advice_with_where_why_and_a_rewrite(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.AGENT, password=None)
    answer = client.post("/api/v1/coach/check", headers=agent.headers, json={"text": ESSAY})
    assert answer.status_code == 200
    body = answer.json()
    assert body["language"] == "en"
    assert [(a["kind"], a["words"]) for a in body["advice"]] == [
        ("pat_apology", "Sorry for the inconvenience"),
        ("blame", "you entered your information wrong"),
    ]
    blame = body["advice"][1]
    assert ESSAY[blame["start"] : blame["end"]] == blame["words"]
    assert blame["suggestion"] == "it looks like the details need correcting — let me fix that for you"
    german = client.post(
        "/api/v1/coach/check",
        headers=agent.headers,
        json={"text": "Wie bereits erwähnt, ist das Paket unterwegs.", "language": "de-AT"},
    ).json()
    assert german["language"] == "de" and [a["rule"] for a in german["advice"]] == ["de-wie-bereits-erwaehnt"]
    fine = client.post("/api/v1/coach/check", headers=agent.headers, json={"text": "Sorry to hear that."}).json()
    assert fine["advice"] == []


def test_an_admin_adds_a_rule_and_it_flags_at_once(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    agent = make.staff(Role.AGENT, password=None)
    made = client.post(
        "/api/v1/coach/rules",
        headers=admin.headers,
        json={
            "kind": "jargon",
            "words": "case ref\nCR number",
            "why": "Our filing word, not theirs.",
            "suggestion": "your request",
        },
    )
    assert made.status_code == 201, made.text
    rule = made.json()
    assert (rule["slug"], rule["builtin"], rule["enabled"], rule["words"]) == (
        "team-case-ref-cr-number",
        False,
        True,
        "case ref\nCR number",
    )
    advice = client.post("/api/v1/coach/check", headers=agent.headers, json={"text": "Your CR number is 4."}).json()
    assert [a["rule"] for a in advice["advice"]] == ["team-case-ref-cr-number"]
    listed = client.get("/api/v1/coach/rules", headers=agent.headers).json()
    assert listed[-1]["slug"] == "team-case-ref-cr-number" and len(listed) > 50
    again = client.post(
        "/api/v1/coach/rules",
        headers=admin.headers,
        json={"slug": "sla", "kind": "jargon", "words": "x y", "why": "W.", "suggestion": "s"},
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    off = client.patch("/api/v1/coach/rules/team-case-ref-cr-number", headers=admin.headers, json={"enabled": False})
    assert off.json()["enabled"] is False
    quiet = client.post("/api/v1/coach/check", headers=agent.headers, json={"text": "CR number 4"})
    assert quiet.json()["advice"] == []


def test_an_unsafe_or_broken_regular_expression_is_a_clear_422(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    base = {"kind": "jargon", "regex": True, "why": "W.", "suggestion": "s"}
    for words, says in (
        ("(a+)+$", "nested repeat"),
        ("(unclosed", "not a valid regular expression"),
        ("x" * 201, "at most 200 characters"),
    ):
        answer = client.post("/api/v1/coach/rules", headers=admin.headers, json={**base, "words": words})
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert says in answer.json()["detail"]
    assert client.get("/api/v1/coach/rules?kind=jargon", headers=admin.headers).json()[-1]["builtin"] is True


def test_a_built_in_rule_is_switched_off_not_rewritten(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    off = client.patch("/api/v1/coach/rules/sla", headers=admin.headers, json={"enabled": False})
    assert off.status_code == 200 and off.json()["enabled"] is False and off.json()["builtin"] is True
    text = {"text": "Within the SLA."}
    assert client.post("/api/v1/coach/check", headers=admin.headers, json=text).json()["advice"] == []
    reworded = client.patch("/api/v1/coach/rules/sla", headers=admin.headers, json={"why": "Other words."})
    assert reworded.status_code == 422
    assert client.patch("/api/v1/coach/rules/sla", headers=admin.headers, json={"enabled": True}).json()["enabled"]
    assert client.post("/api/v1/coach/check", headers=admin.headers, json=text).json()["advice"] != []
    assert client.patch("/api/v1/coach/rules/no-such-rule", headers=admin.headers, json={}).status_code == 404


def test_the_figures_count_advice_shown_and_taken_per_rule(client: TestClient, make: Factory) -> None:
    supervisor = make.staff(Role.SUPERVISOR, password=None)
    agent = make.staff(Role.AGENT, password=None)
    number = make.case(make.customer()).id
    actor = StaffActor(agent.id, Role.AGENT)
    with make.db.unit_of_work() as s:
        # Shown both; "Use this" on the blame, the apology kept.
        coach_service.record_sent(
            s,
            actor,
            number,
            "Sorry for the inconvenience, it looks like the details need correcting — let me fix that for you",
            language="en",
            shown=["sorry-for-the-inconvenience", "you-entered-it-wrong", "not-a-rule"],
            used=["you-entered-it-wrong"],
        )
        # Shown the apology again; this time the agent reworded it themself.
        coach_service.record_sent(
            s, actor, number, "I'm sorry this happened.", language="en", shown=["sorry-for-the-inconvenience"], used=[]
        )
    figures = {row["rule"]: row for row in client.get("/api/v1/coach/stats", headers=supervisor.headers).json()}
    assert set(figures) == {"sorry-for-the-inconvenience", "you-entered-it-wrong"}
    assert (figures["sorry-for-the-inconvenience"]["shown"], figures["sorry-for-the-inconvenience"]["taken"]) == (2, 1)
    assert figures["sorry-for-the-inconvenience"]["used"] == 0
    assert figures["you-entered-it-wrong"] | {"taken_share": 1.0} == figures["you-entered-it-wrong"]
    assert figures["you-entered-it-wrong"]["used"] == 1
    assert client.get("/api/v1/coach/stats", headers=agent.headers).status_code == 403
