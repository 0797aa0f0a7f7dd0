"""The knowledge base's pages: the desk's editor (preview, refusals where typed, revisions), the help centre,
answers beside a customer's message, and the answers panel a case page includes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from jinja2 import Environment, FileSystemLoader

from sameside.cases import service as case_service
from sameside.cases.access import case_for
from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor
from sameside.knowledge import queries
from sameside.web.pages import templates
from tests.factories import SYSTEM, Factory
from tests.knowledge.seed import article
from tests.web.test_desk import signed_in

HTML = {"Accept": "text/html"}


def test_an_agent_writes_previews_and_saves_an_article(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(password=None)
    csrf = signed_in(client, db, agent)
    form = {"csrf": csrf, "title": "Lost parcel", "body": "We **resend** it.", "category": "Delivery"}

    preview = client.post("/desk/knowledge/preview", data=form)
    assert preview.status_code == 200
    assert "Preview (not saved yet)" in preview.text and "<strong>resend</strong>" in preview.text
    assert 'value="Lost parcel"' in preview.text

    saved = client.post(
        "/desk/knowledge", data={**form, "visibility": "public", "publish": "1"}, follow_redirects=False
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "Published · public" in page.text and "See it in the help centre" in page.text

    listed = client.get("/desk/knowledge")
    assert "Lost parcel" in listed.text and "everyone (help centre)" in listed.text


def test_a_refused_save_is_drawn_beside_the_form_with_what_was_typed(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent, colleague = make.staff(password=None), make.staff(password=None)
    number = article(db, colleague.id, publish=False)
    csrf = signed_in(client, db, agent)
    blank = client.post(f"/desk/knowledge/{number}", data={"csrf": csrf, "title": " ", "body": "Kept text"})
    assert blank.status_code == 422
    assert 'id="article-error"' in blank.text and "Please write a title." in blank.text
    assert "Kept text" in blank.text

    stale = client.post(
        f"/desk/knowledge/{number}", data={"csrf": csrf, "title": "Mine", "body": "Mine", "version": "7"}
    )
    assert stale.status_code == 409 and "Someone saved this article since you opened it" in stale.text

    expired = client.post(f"/desk/knowledge/{number}", data={"csrf": "wrong", "title": "x", "body": "y"})
    assert expired.status_code == 403 and "This form has expired" in expired.text


def test_publishing_and_the_revisions_page_say_who_changed_what(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(password=None)
    number = article(db, agent.id, publish=False)
    csrf = signed_in(client, db, agent)
    assert client.post(f"/desk/knowledge/{number}/publish", data={"csrf": csrf, "published": "1"}).status_code == 200
    revisions = client.get(f"/desk/knowledge/{number}/revisions")
    assert "Version 2</strong>: published" in revisions.text and "Version 1</strong>: written" in revisions.text
    assert revisions.text.count("· by Agent ") == 2 and "no longer here" not in revisions.text
    assert client.get("/desk/knowledge/999999", headers=HTML).status_code == 404


def test_the_help_centre_finds_by_meaning_lists_categories_and_says_when_nothing_fits(
    client: TestClient, make: Factory, db: Database
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    returns = article(db, admin.id)
    article(db, admin.id, title="Staff refund rules", body="Refund up to 50 EUR without asking.", public=False)

    home = client.get("/help")
    assert home.status_code == 200 and "Returns" in home.text and "write to us" in home.text
    found = client.get("/help", params={"q": "can I send back something I bought?"})
    assert f'href="/help/articles/{returns}/returns-within-30-days"' in found.text
    assert "Staff refund rules" not in found.text
    nothing = client.get("/help", params={"q": "who won the football yesterday"})
    assert 'id="nothing-fits"' in nothing.text

    read = client.get(f"/help/articles/{returns}/returns-within-30-days")
    assert "<strong>30 days</strong>" in read.text and "Write to a person" in read.text
    thanked = client.post(f"/help/articles/{returns}/helped")
    assert thanked.status_code == 200 and "Thank you" in thanked.text
    assert client.get(f"/help/articles/{returns + 1}", headers=HTML).status_code == 404  # internal: not public


def test_answers_beside_a_customers_message_and_nothing_when_nothing_fits(
    client: TestClient, make: Factory, db: Database
) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    returns = article(db, admin.id)
    fits = client.get("/help/suggest", params={"body": "Can I return the shoes I bought and get a refund?"})
    assert fits.status_code == 200 and f"/help/articles/{returns}/" in fits.text
    assert "You can still send your message" in fits.text
    nothing = client.get("/help/suggest", params={"q": "hello there friend"})
    assert 'id="answers-beside"' in nothing.text and "<li>" not in nothing.text


def test_the_case_panel_offers_the_article_and_a_similar_solved_case_and_counts_a_use(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(team=team, password=None)
    returns = article(db, agent.id)
    old = make.case(
        team=team, subject="Sending back shoes", body="Can I return shoes that do not fit and get a refund?"
    )
    with db.unit_of_work() as s:
        case = case_for(s, SYSTEM, old.id)
        case_service.reply(s, StaffActor(agent.id, Role.AGENT, team.id), case, "Yes: use the label we emailed.")
        case_service.resolve(s, SYSTEM, case)
    now = make.case(team=team, subject="Returning boots", body="Can I return these boots and get a refund?")
    with db.unit_of_work(write=False) as s:
        answers = queries.suggestions_for_case(s, case_for(s, SYSTEM, now.id))
    assert [a.id for a in answers.articles] == [returns]
    assert [c.number for c in answers.cases] == [old.id]

    env: Environment = templates.env
    assert isinstance(env.loader, FileSystemLoader)
    html = env.get_template("_case_answers.html").render(
        answers=answers, case=now, csrf="token", request=type("R", (), {"base_url": "http://desk.example/"})()
    )
    assert f'action="/desk/cases/{now.id}/knowledge/{returns}/used"' in html
    assert 'data-insert="http://desk.example/help/articles/' in html and "use the label we emailed" in html

    csrf = signed_in(client, db, agent)
    used = client.post(f"/desk/cases/{now.id}/knowledge/{returns}/used", data={"csrf": csrf}, follow_redirects=False)
    assert used.status_code == 303 and used.headers["location"] == f"/desk/cases/{now.id}"
    with db.unit_of_work(write=False) as s:
        assert queries.cases_helped(s, returns) == [now.id]
