"""Live chat in real browsers: an agent online on the Chats page, a visitor on a phone-sized screen.

The visitor is told only what is true: with nobody online, no place in a queue, and that their message is
safe and answered by email; with someone online, who has their chat. The agent's Chats page updates itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from sameside.cases.routing import homes
from sameside.kit.actors import Role
from sameside.staff.models import Staff, Team
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_chat import shop  # noqa: F401  (the fixture: another site carrying the widget)
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in

PHONE = {"width": 390, "height": 844}
LIVE = 15_000
"""Milliseconds to wait for what arrives over a socket: a shared, busy machine may take seconds."""


@pytest.fixture
def visitor(browser: Browser, live_server: str) -> Iterator[Page]:
    """A visitor's phone: its own browser context, 390 px wide."""
    context = browser.new_context(viewport=PHONE, locale="en-GB", service_workers="block")
    context.set_default_timeout(10_000)
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(error.message))
    yield tab
    context.close()
    assert not errors, errors


def _agent_in_support(make: Factory) -> str:
    support = make.team("support", name="Support")
    with make.db.unit_of_work() as s:
        homes.set_home(s, SYSTEM, homes.DEFAULT, s.get(Team, support.id))
    email = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    with make.db.unit_of_work() as s:
        staff = s.scalar(select(Staff).where(Staff.email == email))
        assert staff is not None
        staff.team_id = support.id
    return email


def _start_chat(visitor: Page, message: str) -> None:
    visitor.get_by_role("button", name="Chat with a person").click()
    visitor.get_by_label("Your name").fill("Ana Silva")
    visitor.get_by_label("Your email (for our answer if you leave)").fill("ana@example.com")
    visitor.get_by_label("How can we help?").fill(message)
    visitor.get_by_role("button", name="Start chat").click()


def test_with_nobody_online_the_widget_promises_no_place_and_the_chat_waits_in_the_queue(
    page: Page,
    visitor: Page,
    make: Factory,
    shop: str,  # noqa: F811
) -> None:
    email = _agent_in_support(make)
    page.goto("/")
    _sign_in(page, email, PASSWORD)
    page.goto("/desk/chats")
    expect(page.get_by_role("heading", name="You: Offline")).to_be_visible()
    expect(page.get_by_text("No chat is waiting.")).to_be_visible()

    visitor.goto(shop)
    _start_chat(visitor, "Is the oak bench back in stock?")
    status = visitor.get_by_role("status")
    expect(status).to_contain_text("Nobody is online right now", timeout=LIVE)
    expect(status).to_contain_text("your message is safe with us")
    expect(status).not_to_contain_text("in the queue")
    expect(status).not_to_contain_text("min")

    # The agent's page hears of it without a reload.
    waiting = page.locator("#waiting")
    expect(waiting).to_contain_text("Chat: Is the oak bench back in stock?", timeout=LIVE)
    expect(page.locator("#waiting-count")).to_have_text("1", timeout=LIVE)
    check_accessibility(page, "the Chats page with a chat waiting")
    screenshot(page, "desk-chats")


def test_an_agent_goes_online_and_the_visitor_on_a_phone_hears_who_has_the_chat(
    page: Page,
    visitor: Page,
    make: Factory,
    shop: str,  # noqa: F811
) -> None:
    email = _agent_in_support(make)
    page.goto("/")
    _sign_in(page, email, PASSWORD)
    page.goto("/desk/chats")
    page.get_by_role("radio", name="Online").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="You: Online")).to_be_visible()

    visitor.goto(shop)
    launcher = visitor.get_by_role("button", name="Chat with a person")
    launcher.click()
    panel = visitor.get_by_role("region", name="Chat with a person")
    expect(panel).to_contain_text("Hello! Ask us anything")  # the company's greeting
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    wide = visitor.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], "the widget makes the page scroll sideways"

    # Closed and opened again, what was typed is still there.
    visitor.get_by_label("Your name").fill("Ana Silva")
    visitor.get_by_role("button", name="Close the chat").click()
    expect(panel).to_be_hidden()
    visitor.get_by_role("button", name="Chat with a person").click()
    expect(visitor.get_by_label("Your name")).to_have_value("Ana Silva")
    visitor.get_by_label("Your email (for our answer if you leave)").fill("ana@example.com")
    visitor.get_by_label("How can we help?").fill("Can I change my delivery address?")
    visitor.get_by_role("button", name="Start chat").click()

    expect(visitor.get_by_role("status")).to_contain_text("Dana Reyes has your chat.", timeout=LIVE)
    expect(visitor.get_by_role("status")).not_to_contain_text("Nobody is online")
    check_accessibility(visitor, "the chat widget on a phone")
    screenshot(visitor, "chat-widget-phone")

    answered = page.locator("#active")
    expect(answered).to_contain_text("Chat: Can I change my delivery address?", timeout=LIVE)
    expect(answered).to_contain_text("You")
    page.get_by_role("link", name=re.compile("Can I change my delivery address")).click()
    expect(page).to_have_url(re.compile(r"/desk/cases/\d+$"))


def test_a_bad_presence_shows_its_message_beside_the_control(page: Page, make: Factory) -> None:
    email = _agent_in_support(make)
    page.goto("/")
    _sign_in(page, email, PASSWORD)
    page.goto("/desk/chats")
    page.locator("input[name=presence][value=away]").evaluate("el => el.value = 'asleep'")
    page.get_by_role("radio", name="Away").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("form[action='/desk/chats/presence']").get_by_role("alert")).to_have_text(
        "Choose online, away or offline."
    )
    assert Role.AGENT  # the agent stays as they were
