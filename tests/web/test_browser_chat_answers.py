"""Issue 16's "never a wall" in the chat and "updated as the conversation goes on" in the case, in real browsers.

A visitor on a phone, in another site's widget, types a question an article answers: the article shows under the
"Start chat" button, opens in a new tab, and the visitor still starts the chat (counted as read and still wrote);
the agent has the message. On the case page the answers load by themselves, and when the visitor writes about
something else the panel follows, while what the agent was typing stays where it was."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from sameside.cases.models import Case
from sameside.customers.rules import Channel
from sameside.knowledge import reading
from tests.factories import PASSWORD, Factory
from tests.knowledge.seed import article
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_chat import shop  # noqa: F401 - the other site, a fixture
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in

PHONE = {"width": 390, "height": 844}
RETURNS = (
    "You can send anything back within **30 days** of delivery, and we refund it in full.\n\n"
    "- Print the label from your order page\n- Drop the parcel at any post office"
)
ADDRESS = (
    "You can change where we deliver an order until it leaves our warehouse.\n\n"
    "- Open the order page\n- Choose **Change delivery address** and type the new one"
)
QUESTION = "Can I send back boots that do not fit and get a refund?"


def _articles(make: Factory) -> tuple[int, int, str]:
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    author = make.staff().id
    returns = article(make.db, author, title="Sending something back", body=RETURNS, category="Returns")
    address = article(make.db, author, title="Changing the delivery address", body=ADDRESS, category="Delivery")
    return returns, address, dana


def _desk(browser: Browser, live_server: str, dana: str) -> tuple[BrowserContext, Page]:
    desk = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 900}, locale="en-GB")
    desk.set_default_timeout(10_000)
    agent = desk.new_page()
    agent.goto("/")
    _sign_in(agent, dana, PASSWORD)
    return desk, agent


def _start_chat(page: Page, shop_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(shop_url)
    page.get_by_role("button", name="Chat with a person").click()
    page.get_by_label("Your name").fill("Ana Silva")
    page.get_by_label("Your email (for our answer if you leave)").fill("ana@example.com")


def _chat_case(make: Factory) -> int:
    with make.db.unit_of_work(write=False) as s:
        number = s.scalar(select(Case.id).where(Case.channel == Channel.CHAT))
    assert number is not None
    return number


def test_a_visitor_sees_an_article_while_writing_and_still_reaches_a_person(
    page: Page,
    browser: Browser,
    make: Factory,
    shop: str,  # noqa: F811 - the fixture imported above
    live_server: str,
) -> None:
    returns, address, dana = _articles(make)
    _start_chat(page, shop)
    message = page.get_by_label("How can we help?")
    message.press_sequentially(QUESTION)

    answers = page.locator("#sameside-chat-answers")
    found = answers.get_by_role("link", name=re.compile("^Sending something back"))
    expect(found).to_be_visible()
    expect(answers.get_by_role("link", name=re.compile("^Changing the delivery address"))).to_have_count(0)
    expect(answers).to_contain_text("You can still send your message: a person will answer it.")
    expect(answers).to_have_attribute("aria-live", "polite")

    # Sending comes first: the button sits above the articles, inside the phone's screen, nothing wider than it.
    start = page.get_by_role("button", name="Start chat")
    expect(start).to_be_in_viewport()
    button_box, link_box = start.bounding_box(), found.bounding_box()
    assert button_box is not None and link_box is not None and button_box["y"] < link_box["y"]
    panel = page.locator("#sameside-chat")
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert panel.evaluate("p => p.scrollWidth <= p.clientWidth")
    # By keyboard: from the message box, the button first, then the article.
    message.focus()
    page.keyboard.press("Tab")
    expect(start).to_be_focused()
    page.keyboard.press("Tab")
    expect(found).to_be_focused()
    page.screenshot(path="/tmp/chat-answers-visitor.png", full_page=True)
    screenshot(page, "chat-answers-beside")
    check_accessibility(page, "the chat widget with articles beside the question")

    # The article opens in a tab of its own; the question waits where it was.
    with page.context.expect_page() as opened:
        found.click()
    reading_tab = opened.value
    expect(reading_tab.get_by_role("heading", level=1)).to_have_text("Sending something back")
    expect(reading_tab.locator("main")).to_contain_text("30 days")
    reading_tab.close()
    expect(message).to_have_value(QUESTION)

    # It did not answer everything: the visitor still writes, in one click.
    start.click()
    log = page.get_by_role("log")
    expect(log).to_contain_text(QUESTION)
    number = _chat_case(make)
    with make.db.unit_of_work(write=False) as s:
        counted = reading.still_wrote(s, [returns, address])
        assert counted[returns].total == 1 and counted[returns].needs_review
        assert address not in counted  # not opened: not counted
        assert reading.cases_after_reading(s, returns) == [number]

    # The agent has the message, and the case shows the article beside it without being asked.
    desk, agent = _desk(browser, live_server, dana)
    try:
        agent.goto(f"/desk/cases/{number}")
        expect(agent.locator("#timeline")).to_contain_text(QUESTION)
        expect(agent.locator("#case-answers").get_by_role("link", name="Sending something back")).to_be_visible()
        # The article's editor sees the chat among the cases written after reading it.
        agent.goto(f"/desk/knowledge/{returns}/revisions")
        expect(agent.locator("#cases-after-reading").get_by_role("link", name=f"#{number}")).to_be_visible()
    finally:
        desk.close()


def test_the_case_answers_load_by_themselves_and_follow_the_conversation(
    page: Page,
    browser: Browser,
    make: Factory,
    shop: str,  # noqa: F811 - the fixture imported above
    live_server: str,
) -> None:
    _, _, dana = _articles(make)
    _start_chat(page, shop)
    page.get_by_label("How can we help?").fill(QUESTION)
    page.get_by_role("button", name="Start chat").click()
    log = page.get_by_role("log")
    expect(log).to_contain_text(QUESTION)
    number = _chat_case(make)

    desk, agent = _desk(browser, live_server, dana)
    errors: list[str] = []
    agent.on("pageerror", lambda error: errors.append(error.message))
    try:
        agent.goto(f"/desk/cases/{number}")
        panel = agent.locator("#case-answers")
        # Nothing to click: the panel fills itself once the page is drawn.
        expect(panel.get_by_role("link", name="Sending something back")).to_be_visible()
        expect(panel.get_by_role("link", name="Changing the delivery address")).to_have_count(0)
        agent.evaluate("window.sameSidePageKept = true")  # gone if the page were loaded again
        reply = agent.get_by_label("Your reply")
        reply.press_sequentially("Hello Ana, yes: within 30 days")
        expect(reply).to_be_focused()

        # The visitor writes about something else; articles for it show under Send, and it goes to the person.
        said = "And can I change the delivery address of my other order to my office?"
        page.get_by_label("Your message").press_sequentially(said)
        beside = page.locator("#sameside-chat-answers")
        expect(beside.get_by_role("link", name=re.compile("^Changing the delivery address"))).to_be_visible()
        page.get_by_role("button", name="Send").click()
        expect(log).to_contain_text(said)
        expect(page.get_by_label("Your message")).to_have_value("")
        expect(beside.get_by_role("link")).to_have_count(0)  # what was suggested for it went with it

        # The agent's panel follows the conversation; her half-written reply, and her place in it, stay.
        expect(agent.locator("#timeline")).to_contain_text(said)
        expect(panel.get_by_role("link", name="Changing the delivery address")).to_be_visible()
        expect(reply).to_have_value("Hello Ana, yes: within 30 days")
        expect(reply).to_be_focused()
        assert agent.evaluate("window.sameSidePageKept === true")
        reply.press_sequentially(".")
        expect(reply).to_have_value("Hello Ana, yes: within 30 days.")
        agent.screenshot(path="/tmp/case-answers-followed.png", full_page=True)
        screenshot(agent, "desk-case-answers-live")
        check_accessibility(agent, "a case whose answers followed the conversation")
    finally:
        desk.close()
    assert not errors, errors


def test_answers_that_cannot_be_fetched_are_said_not_looked_for_forever(
    browser: Browser, make: Factory, live_server: str
) -> None:
    """The answers' request fails (a 503 from an overloaded server): the panel says so, and the page works on."""
    _, _, dana = _articles(make)
    number = make.case(subject="Boots", body=QUESTION).id
    desk, agent = _desk(browser, live_server, dana)
    try:
        agent.route(re.compile(rf"/desk/cases/{number}/answers$"), lambda route: route.fulfill(status=503, body="busy"))
        agent.goto(f"/desk/cases/{number}")
        expect(agent.locator("#case-answers")).to_contain_text("could not be fetched just now")
        agent.get_by_label("Your reply").fill("Hello, yes.")
        expect(agent.get_by_label("Your reply")).to_have_value("Hello, yes.")
    finally:
        desk.close()
