"""Issue 16's "done when", walked in real browsers, each person in their own: an agent on a case sees the right
article and a similar solved case, uses the article, is coached off "sorry for the inconvenience" before sending;
a customer in the portal reads an article while writing and still reaches a person in one click.

test_browser_knowledge.py and test_browser_coach.py cover writing an article, the help centre and the coach each
alone; this is the agent's and the customer's whole path through them, on data like the demo's."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.kit.actors import Role, StaffActor
from sameside.knowledge.models import Article
from sameside.staff.models import Staff
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.knowledge.seed import article
from tests.web.browser import VIEWPORT, check_accessibility, screenshot
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in

SHOTS = Path("/tmp/sameside-answers")
RETURNS = (
    "You can send anything back within **30 days** of delivery, and we refund it in full.\n\n"
    "- Print the label from your order page\n- Drop the parcel at any post office"
)
APOLOGY = "Sorry for the inconvenience. "
ANSWER = "Yes: print the label we emailed and drop the boots at a post office; the refund follows in 3 days."


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True, animations="disabled", caret="hide")
    screenshot(page, name)


def test_an_agent_answers_from_an_article_and_a_customer_still_reaches_a_person(
    page: Page, browser: Browser, live_server: str, make: Factory
) -> None:
    team = make.team("support", name="Support")
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    with make.db.unit_of_work() as s:
        person = s.scalars(select(Staff).where(Staff.email == dana)).one()
        person.team_id = team.id
        dana_id = person.id
    returns = article(make.db, dana_id, title="Sending something back", body=RETURNS, category="Returns")
    jo = make.customer("jo@example.com", name="Jo Baker")
    solved = make.case(jo, team=team, subject="Sending back shoes", body="Can I return shoes that do not fit?").id
    with make.db.unit_of_work() as s:
        case = case_for(s, SYSTEM, solved)
        service.reply(s, StaffActor(dana_id, Role.AGENT, team.id), case, ANSWER)
        service.resolve(s, SYSTEM, case)
    portal_link = _magic_link(make, name="Ana Silva", email="ana.silva@example.com")
    with make.db.unit_of_work(write=False) as s:
        from sameside.customers.queries import customer_by_email

        ana = customer_by_email(s, "ana.silva@example.com")
        assert ana is not None
        s.expunge_all()
    number = make.case(ana, team=team, subject="Returning boots", body="Can I return these boots and get a refund?").id
    with make.db.unit_of_work() as s:
        service.assign(s, SYSTEM, case_for(s, SYSTEM, number), s.get(Staff, dana_id))

    # --- The agent: from her queue to the case, as she would click it. -----------------------------------------
    page.goto("/")
    _sign_in(page, dana, PASSWORD)
    page.get_by_role("link", name=re.compile("Returning boots")).first.click()
    expect(page.get_by_role("heading", name="Returning boots")).to_be_visible()
    answers = page.locator("#case-answers")  # it fills itself once the page is drawn: nothing to click
    expect(answers.get_by_role("link", name="Sending something back")).to_be_visible()
    expect(answers.get_by_role("link", name=f"#{solved} Sending back shoes")).to_be_visible()
    expect(answers).to_contain_text("print the label we emailed")
    _shot(page, "desk-case-answers")
    check_accessibility(page, "a case with its answers")

    # She starts with the stock apology; the coach marks it as she types and offers our words instead.
    reply = page.get_by_label("Your reply")
    reply.press_sequentially(APOLOGY)
    advice = page.locator("#coach").get_by_role("listitem")
    expect(advice).to_have_count(1)
    expect(advice.first).to_contain_text("Pat apology")
    advice.first.get_by_role("button", name=re.compile("^Use this instead of “Sorry for the inconvenience”")).click()
    expect(reply).to_have_value(re.compile(r"^I'm sorry this has made things harder for you — I'd be frustrated too"))
    expect(advice).to_have_count(0)

    # She uses the article: its link goes under her words, and the use is counted on the article.
    answers.get_by_role("listitem").filter(has_text="Sending something back").get_by_role(
        "button", name="Insert link"
    ).click()
    expect(reply).to_have_value(re.compile(rf"/help/articles/{returns}/"))
    expect(reply).to_have_value(re.compile(r"^I'm sorry this has made things harder"))
    _shot(page, "desk-case-answer-used")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status").filter(has_text="Reply sent.")).to_be_visible()
    latest = page.locator("#latest")
    expect(latest).to_contain_text("I'm sorry this has made things harder for you")
    expect(latest).not_to_contain_text("inconvenience")
    expect(latest).to_contain_text(f"/help/articles/{returns}/")
    page.goto(f"/desk/knowledge/{returns}")
    expect(page.locator("main")).to_contain_text("used on 1 case")
    with make.db.unit_of_work(write=False) as s:
        used = s.get(Article, returns)
        assert used is not None and used.use_count == 1

    # --- The customer, in her own browser: articles beside what she writes, and the person still one click. ----
    customer = browser.new_context(base_url=live_server, viewport=VIEWPORT, locale="en-GB", service_workers="block")
    customer.set_default_timeout(10_000)
    try:
        tab = customer.new_page()
        tab.goto(portal_link)
        tab.get_by_role("button", name="Sign in to see your cases").click()
        tab.get_by_role("link", name="New request").click()
        tab.get_by_label("Subject").fill("Boots again")
        message = tab.get_by_label("Your message")
        message.press_sequentially("I want a refund for these boots too: can I send them back?")
        beside = tab.locator("#answers-beside")
        expect(beside.get_by_role("link", name="Sending something back")).to_be_visible()
        expect(beside).to_contain_text("You can still send your message: a person will answer it.")
        _shot(tab, "portal-new-with-answers")
        check_accessibility(tab, "a new request with articles beside it")

        with customer.expect_page() as opened:
            beside.get_by_role("link", name="Sending something back").click()
        reading = opened.value
        expect(reading.get_by_role("heading", level=1)).to_have_text("Sending something back")
        expect(reading.locator("main")).to_contain_text("30 days")
        _shot(reading, "portal-article-read")
        reading.close()

        # Back on her form, nothing typed is lost, and sending it to a person is the one click it was.
        expect(message).to_have_value("I want a refund for these boots too: can I send them back?")
        tab.get_by_role("button", name="Send to a person").click()
        expect(tab).to_have_url(re.compile(r"/portal/cases/\d+$"))
        expect(tab.locator("main")).to_contain_text("can I send them back?")
        new_case = int(tab.url.rsplit("/", 1)[1])
        _shot(tab, "portal-sent-to-a-person")
        check_accessibility(tab, "the customer's new case")
    finally:
        customer.close()

    # The agent sees she read the article before writing, so she does not send it again.
    page.goto(f"/desk/cases/{new_case}")
    expect(page.locator("#read-first").get_by_role("link", name="Sending something back")).to_be_visible()
    _shot(page, "desk-case-read-first")
