"""The knowledge base over the API: write, revise, publish, find by meaning, say when nothing fits, count uses."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.cases import service as case_service
from sameside.cases.access import case_for
from sameside.kit.actors import Role, StaffActor
from tests.factories import SYSTEM, Factory

CARD = {
    "title": "My card has not arrived",
    "body": "Cards arrive within **5 working days**.\n\nIf yours has not come after a week, we send a new one free.",
    "category": "Cards",
    "visibility": "public",
    "publish": True,
}


def test_staff_write_revise_and_publish_and_the_history_says_who_changed_what(
    client: TestClient, make: Factory
) -> None:
    agent, other = make.staff(), make.staff()
    made = client.post("/api/v1/knowledge/articles", json={**CARD, "publish": False}, headers=agent.headers)
    assert made.status_code == 201, made.text
    article = made.json()
    assert article["state"] == "draft" and article["version"] == 1
    assert "<strong>5 working days</strong>" in article["body_html"]

    edited = client.patch(
        f"/api/v1/knowledge/articles/{article['id']}",
        json={"title": "Where is my new card?", "version": 1},
        headers=other.headers,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2 and edited.json()["slug"] == "where-is-my-new-card"
    stale = client.patch(
        f"/api/v1/knowledge/articles/{article['id']}", json={"body": "Old view", "version": 1}, headers=agent.headers
    )
    assert stale.status_code == 409 and "version 2" in stale.json()["detail"]

    published = client.post(f"/api/v1/knowledge/articles/{article['id']}/publish", headers=agent.headers)
    assert published.json()["state"] == "published"
    history = client.get(f"/api/v1/knowledge/articles/{article['id']}/revisions", headers=agent.headers).json()
    assert [(r["version"], r["changes"], r["changed_by"]) for r in history] == [
        (3, "published", agent.id),
        (2, "title", other.id),
        (1, "written", agent.id),
    ]


def test_markdown_is_rendered_and_anything_dangerous_is_taken_out(client: TestClient, make: Factory) -> None:
    agent = make.staff()
    body = (
        "Hi <script>alert(1)</script> [click](javascript:alert(1)) [ok](https://example.com)\n\n<img src=x onerror=1>"
    )
    made = client.post("/api/v1/knowledge/articles", json={**CARD, "body": body}, headers=agent.headers).json()
    html = made["body_html"]
    assert "<script>" not in html and 'href="javascript' not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # raw HTML is shown as the text it is
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>' in html


def test_the_public_reads_published_public_articles_only(client: TestClient, make: Factory) -> None:
    agent = make.staff()
    public = client.post("/api/v1/knowledge/articles", json=CARD, headers=agent.headers).json()
    internal = client.post(
        "/api/v1/knowledge/articles", json={**CARD, "visibility": "internal"}, headers=agent.headers
    ).json()
    draft = client.post("/api/v1/knowledge/articles", json={**CARD, "publish": False}, headers=agent.headers).json()
    assert client.get(f"/api/v1/knowledge/articles/{public['id']}").status_code == 200
    for hidden in (internal, draft):
        assert client.get(f"/api/v1/knowledge/articles/{hidden['id']}").status_code == 404
        assert client.get(f"/api/v1/knowledge/articles/{hidden['id']}", headers=agent.headers).status_code == 200
    listed = {a["id"] for a in client.get("/api/v1/knowledge/articles").json()}
    assert public["id"] in listed and internal["id"] not in listed and draft["id"] not in listed


def test_search_understands_a_question_in_other_words_and_says_when_nothing_fits(
    client: TestClient, make: Factory
) -> None:
    agent = make.staff()
    card = client.post("/api/v1/knowledge/articles", json=CARD, headers=agent.headers).json()
    client.post(
        "/api/v1/knowledge/articles",
        json={
            "title": "Changing your PIN",
            "body": "You can change your PIN at any cash machine, or in the app under Security.",
            "visibility": "public",
            "publish": True,
        },
        headers=agent.headers,
    )
    found = client.get("/api/v1/knowledge/search", params={"q": "still waiting for the card you posted me"}).json()
    assert found["nothing_fits"] is False
    assert found["articles"][0]["id"] == card["id"]
    assert found["cases"] == []  # solved cases are for staff

    nothing = client.get("/api/v1/knowledge/search", params={"q": "what is the capital of mongolia"}).json()
    assert nothing == {"articles": [], "cases": [], "nothing_fits": True}
    assert client.get("/api/v1/knowledge/search", params={"q": ""}).status_code == 422


def test_staff_see_similar_solved_cases_with_the_reply_that_solved_them(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent = make.staff(team=team)
    solved = make.case(team=team, subject="Refund for a broken kettle", body="My kettle broke, I want my money back.")
    with make.db.unit_of_work() as s:
        case = case_for(s, SYSTEM, solved.id)
        actor = StaffActor(agent.id, Role.AGENT, team.id)
        case_service.reply(s, actor, case, "I have refunded the kettle to your card; it shows in 3 days.")
        case_service.resolve(s, SYSTEM, case)
    found = client.get(
        "/api/v1/knowledge/search",
        params={"q": "my kettle stopped working, can I get a refund?"},
        headers=agent.headers,
    ).json()
    assert [c["number"] for c in found["cases"]] == [solved.id]
    assert "refunded the kettle" in found["cases"][0]["answer"]


def test_using_an_article_on_a_case_links_them_and_helped_is_counted(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent = make.staff(team=team)
    article = client.post("/api/v1/knowledge/articles", json=CARD, headers=agent.headers).json()
    number = make.case(team=team).id
    used = client.post(
        f"/api/v1/knowledge/articles/{article['id']}/uses", json={"case_number": number}, headers=agent.headers
    )
    assert used.status_code == 201, used.text
    assert client.post(f"/api/v1/knowledge/articles/{article['id']}/helped", json={}).status_code == 201
    again = client.get(f"/api/v1/knowledge/articles/{article['id']}", headers=agent.headers).json()
    assert (again["use_count"], again["helped_count"]) == (1, 1)
    assert client.get(f"/api/v1/knowledge/articles/{article['id']}/cases", headers=agent.headers).json() == [number]
    missing = client.post(
        f"/api/v1/knowledge/articles/{article['id']}/uses", json={"case_number": 999999}, headers=agent.headers
    )
    assert missing.status_code == 404


def test_bad_input_is_a_precise_4xx(client: TestClient, make: Factory) -> None:
    agent, boss = make.staff(), make.staff(Role.SUPERVISOR)
    blank = client.post("/api/v1/knowledge/articles", json={**CARD, "title": "   "}, headers=agent.headers)
    assert blank.status_code == 422 and "title" in blank.text
    language = client.post("/api/v1/knowledge/articles", json={**CARD, "language": "xx"}, headers=agent.headers)
    assert language.status_code == 422 and "xx" in language.json()["detail"]
    article = client.post("/api/v1/knowledge/articles", json=CARD, headers=agent.headers).json()
    assert client.delete(f"/api/v1/knowledge/articles/{article['id']}", headers=agent.headers).status_code == 403
    assert client.delete(f"/api/v1/knowledge/articles/{article['id']}", headers=boss.headers).status_code == 204
    assert client.get(f"/api/v1/knowledge/articles/{article['id']}", headers=agent.headers).status_code == 404
