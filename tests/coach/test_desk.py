"""The coach at the desk without a browser: the advice fragment, the reply that counts what was taken,
and the rules page where admins add and switch off rules."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory, Person
from tests.web.test_page_walk import HTML

ESSAY = "Sorry for the inconvenience, you entered your information wrong"


def _desk(client: TestClient, make: Factory, person: Person) -> str:
    """Sign `person` in at the desk with a session cookie; their CSRF token."""
    from sameside.auth import service as auth
    from sameside.staff.models import Staff

    with make.db.unit_of_work() as s:
        staff = s.get(Staff, person.id)
        assert staff is not None
        issued = auth.open_session(s, staff=staff, days=1)
    client.cookies.clear()
    client.cookies.set("sameside_session", issued.token)
    return issued.csrf_token


def _stats(client: TestClient, make: Factory) -> dict[str, dict[str, int]]:
    supervisor = make.staff(Role.SUPERVISOR, password=None)
    rows = client.get("/api/v1/coach/stats", headers=supervisor.headers).json()
    return {r["rule"]: {"shown": r["shown"], "taken": r["taken"], "used": r["used"]} for r in rows}


def test_the_reply_box_gets_advice_as_a_fragment(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.AGENT, password=None)
    _desk(client, make, agent)
    answer = client.post("/desk/coach/check", data={"body": ESSAY, "coach_language": "en"}, headers=HTML)
    assert answer.status_code == 200
    assert "<html" not in answer.text
    assert re.findall(r'data-coach-rule="([^"]+)"', answer.text) == [
        "sorry-for-the-inconvenience",
        "you-entered-it-wrong",
    ]
    assert "it looks like the details need correcting — let me fix that for you" in answer.text
    quiet = client.post("/desk/coach/check", data={"body": "Sorry to hear that.", "coach_language": "en"})
    assert quiet.status_code == 200 and "data-coach-rule" not in quiet.text
    client.cookies.clear()
    assert client.post("/desk/coach/check", data={"body": ESSAY}, follow_redirects=False).status_code == 303


def test_the_case_page_carries_the_coach_and_a_sent_reply_counts_what_was_taken(
    client: TestClient, make: Factory
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(make.customer(), team=team, owner=agent).id
    csrf = _desk(client, make, agent)
    page = client.get(f"/desk/cases/{number}", headers=HTML).text
    assert 'hx-post="/desk/coach/check"' in page and 'name="coach_shown"' in page
    sent = client.post(
        f"/desk/cases/{number}/reply",
        data={
            "csrf": csrf,
            "body": "Sorry for the inconvenience, it looks like the details need correcting — let me fix that for you",
            "coach_language": "en",
            "coach_shown": "sorry-for-the-inconvenience you-entered-it-wrong",
            "coach_used": "you-entered-it-wrong",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    # Advice ignored is the agent's call: the reply went, and the apology counts as shown, not taken.
    assert _stats(client, make) == {
        "sorry-for-the-inconvenience": {"shown": 1, "taken": 0, "used": 0},
        "you-entered-it-wrong": {"shown": 1, "taken": 1, "used": 1},
    }


def test_a_reply_sent_without_javascript_is_sent_and_counts_nothing(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(make.customer(), team=team, owner=agent).id
    csrf = _desk(client, make, agent)
    sent = client.post(f"/desk/cases/{number}/reply", data={"csrf": csrf, "body": ESSAY}, follow_redirects=False)
    assert sent.status_code == 303
    timeline = client.get(f"/desk/cases/{number}", headers=HTML).text
    assert "you entered your information wrong" in timeline
    assert _stats(client, make) == {}


def test_admins_add_and_switch_off_rules_on_the_rules_page(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    csrf = _desk(client, make, admin)
    shown = client.get("/desk/coach?language=en", headers=HTML).text
    assert "you-entered-it-wrong" in shown and "Add a rule of your own" in shown and "de-ticket" not in shown

    refused = client.post(
        "/desk/coach/rules",
        data={
            "csrf": csrf,
            "kind": "jargon",
            "language": "en",
            "words": "(a+)+",
            "regex": "1",
            "why": "W.",
            "suggestion": "s",
        },
        headers=HTML,
    )
    assert refused.status_code == 422
    assert "nested repeat" in refused.text and "(a+)+</textarea>" in refused.text  # what was typed is kept

    added = client.post(
        "/desk/coach/rules",
        data={
            "csrf": csrf,
            "kind": "jargon",
            "language": "en",
            "words": "case ref",
            "why": "Our word.",
            "suggestion": "your request",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303 and added.headers["location"] == "/desk/coach?language=en#rule-team-case-ref"
    fragment = client.post("/desk/coach/check", data={"body": "Your case ref is 9", "coach_language": "en"}).text
    assert 'data-coach-rule="team-case-ref"' in fragment

    off = client.post(
        "/desk/coach/rules/you-entered-it-wrong/switch", data={"csrf": csrf, "enabled": "0"}, follow_redirects=False
    )
    assert off.status_code == 303
    fragment = client.post("/desk/coach/check", data={"body": ESSAY, "coach_language": "en"}).text
    assert re.findall(r'data-coach-rule="([^"]+)"', fragment) == ["sorry-for-the-inconvenience"]
    row = client.get("/desk/coach", headers=HTML).text
    assert re.search(r'id="rule-you-entered-it-wrong" class="off"', row)


def test_a_supervisor_reads_the_rules_but_cannot_change_them(client: TestClient, make: Factory) -> None:
    supervisor = make.staff(Role.SUPERVISOR, password=None)
    csrf = _desk(client, make, supervisor)
    shown = client.get("/desk/coach", headers=HTML).text
    assert "you-entered-it-wrong" in shown and "Add a rule of your own" not in shown and "Switch off" not in shown
    refused = client.post("/desk/coach/rules/sla/switch", data={"csrf": csrf, "enabled": "0"}, headers=HTML)
    assert refused.status_code == 403 and "Only admins" in refused.text
