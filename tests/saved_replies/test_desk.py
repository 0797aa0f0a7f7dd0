"""Saved replies at the desk without a browser (so without JavaScript): the page that keeps them, the picker
under the reply box, a reply chosen and sent with its actions, and a refusal drawn beside the form."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.coach.test_desk import _desk
from tests.factories import Factory
from tests.web.test_page_walk import HTML


def _textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found is not None, f"no textarea {name}"
    return html.unescape(found.group(1))


def test_an_unknown_placeholder_is_refused_beside_the_form_with_what_was_typed(
    client: TestClient, make: Factory
) -> None:
    agent = make.staff(Role.AGENT, password=None)
    csrf = _desk(client, make, agent)
    typed = {"csrf": csrf, "title": "Hello", "body": "Hi {{ customer.nick }}, thanks!", "tags": "welcome"}
    refused = client.post("/desk/saved-replies", data=typed, headers=HTML)
    assert refused.status_code == 422
    assert "{{ customer.nick }} is not a placeholder we know" in html.unescape(refused.text)
    assert _textarea(refused.text, "body") == "Hi {{ customer.nick }}, thanks!"
    assert 'value="welcome"' in refused.text
    made = client.post(
        "/desk/saved-replies", data={**typed, "body": "Hi {{ customer.first_name }}!"}, follow_redirects=False
    )
    assert made.status_code == 303
    listed = client.get("/desk/saved-replies", headers=HTML)
    assert "Hello" in listed.text and "adds tag welcome" in listed.text
    # Sharing is for supervisors: an agent who tries is told so, and keeps what they typed.
    shared = client.post("/desk/saved-replies", data={**typed, "body": "Hi", "shared": "1"}, headers=HTML)
    assert shared.status_code == 403 and "supervisors and admins" in shared.text


def test_an_agent_picks_a_saved_reply_without_javascript_and_sends_it(client: TestClient, make: Factory) -> None:
    team = make.team(name="Support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    customer = make.customer("ana@example.com", name="Ana Silva")
    number = make.case(customer, team=team, owner=agent).id
    csrf = _desk(client, make, boss)
    client.post(
        "/desk/saved-replies",
        data={
            "csrf": csrf,
            "title": "Parcel found",
            "body": "Hello {{ customer.first_name }}, your parcel for case #{{ case.number }} is found.",
            "shared": "1",
            "status": "resolved",
            "tags": "found",
        },
    )
    csrf = _desk(client, make, agent)
    client.post("/desk/saved-replies/signature", data={"csrf": csrf, "signature": "Agent, Support"})

    case_page = client.get(f"/desk/cases/{number}", headers=HTML)
    assert 'id="saved-q"' in case_page.text and "/static/saved_replies.js" in case_page.text
    fragment = client.get(f"/desk/cases/{number}/saved-replies?saved_q=parcel", headers=HTML)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    text = f"Hello Ana, your parcel for case #{number} is found."
    assert f'data-text="{text}"' in fragment.text
    assert "leaves the case resolved · adds tag found" in fragment.text
    none = client.get(f"/desk/cases/{number}/saved-replies?saved_q=zebra", headers=HTML)
    assert "No saved reply matches" in none.text

    # Without JavaScript: the reply form posted by "Find", then by the reply's own button.
    form = {"csrf": csrf, "body": "Good news!", "saved_q": "parcel", "channel": "email", "status": ""}
    found = client.post(f"/desk/cases/{number}/saved-replies", data=form, headers=HTML)
    assert found.status_code == 200 and "Choose a saved reply below." in found.text
    assert _textarea(found.text, "body") == "Good news!"
    reply_id = re.search(r'name="saved_pick" value="(\d+)"', found.text)
    assert reply_id is not None
    picked = client.post(
        f"/desk/cases/{number}/saved-replies", data={**form, "saved_pick": reply_id.group(1)}, headers=HTML
    )
    assert _textarea(picked.text, "body") == f"Good news!\n\n{text}"
    assert f'name="saved_reply" value="{reply_id.group(1)}"' in picked.text

    sent = client.post(
        f"/desk/cases/{number}/reply",
        data={
            "csrf": csrf,
            "body": f"Good news!\n\n{text}",
            "saved_reply": reply_id.group(1),
            "saved_actions": "1",
            "channel": "email",
            "status": "",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    case = client.get(f"/api/v1/cases/{number}", headers=agent.headers).json()
    assert (case["status"], case["tags"]) == ("resolved", ["found"])
    replies = client.get("/api/v1/saved-replies", headers=agent.headers).json()
    assert replies[0]["use_count"] == 1
    page = client.get(f"/desk/cases/{number}", headers=HTML)
    assert "Good news!" in page.text and "Agent, Support" in page.text


def test_a_saved_reply_that_is_not_theirs_is_refused_on_sending(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    other = make.staff(Role.AGENT, team=team, password=None)
    theirs = client.post("/api/v1/saved-replies", headers=other.headers, json={"title": "Mine", "body": "x"}).json()
    number = make.case(team=team, owner=agent).id
    csrf = _desk(client, make, agent)
    data = {"csrf": csrf, "body": "Hello", "saved_reply": str(theirs["id"]), "saved_actions": "1"}
    refused = client.post(f"/desk/cases/{number}/reply", data=data, headers=HTML)
    assert refused.status_code == 404 and "no saved reply" in refused.text
    assert _textarea(refused.text, "body") == "Hello"
    junk = client.post(f"/desk/cases/{number}/reply", data={**data, "saved_reply": "abc"}, headers=HTML)
    assert junk.status_code == 422


def test_the_editor_previews_with_example_values_and_deletes(client: TestClient, make: Factory) -> None:
    agent = make.staff(Role.AGENT, password=None)
    made = client.post(
        "/api/v1/saved-replies",
        headers=agent.headers,
        json={"title": "Greeting", "body": "Dear {{ customer.form_of_address }},"},
    ).json()
    csrf = _desk(client, make, agent)
    editor = client.get(f"/desk/saved-replies/{made['id']}", headers=HTML)
    assert "Dear Ms Silva," in editor.text
    bad = client.post(
        f"/desk/saved-replies/{made['id']}",
        data={"csrf": csrf, "title": "Greeting", "body": "Dear {{ customer.title }},"},
        headers=HTML,
    )
    assert bad.status_code == 422 and _textarea(bad.text, "body") == "Dear {{ customer.title }},"
    gone = client.post(f"/desk/saved-replies/{made['id']}/delete", data={"csrf": csrf}, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/desk/saved-replies?deleted=1"
    assert client.get(f"/desk/saved-replies/{made['id']}", headers=HTML).status_code == 404
