"""In a real browser: a chat visitor is who they prove to be, and one writing too fast is asked to slow down."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from sameside.chat.models import ChatSession
from sameside.customers.queries import customer_by_email
from sameside.kit.actors import Role
from sameside.web.chat import LINES_PER_MINUTE
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_chat import shop
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in
from tests.web.test_chat_identity import confirmation_token

__all__ = ["shop"]  # the other site with the widget on it, a fixture


def _start_chat(page: Page, *, name: str, address: str, message: str) -> None:
    page.get_by_role("button", name="Chat with a person").click()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your email (for our answer if you leave)").fill(address)
    page.get_by_label("How can we help?").fill(message)
    page.get_by_role("button", name="Start chat").click()
    expect(page.get_by_role("log")).to_contain_text(message)


def _chat_case(make: Factory) -> int:
    with make.db.unit_of_work(write=False) as s:
        return s.scalars(select(ChatSession.case_id).order_by(ChatSession.id.desc())).first() or 0


def test_a_stranger_with_a_customers_address_sees_nothing_of_hers_until_the_link_proves_it(
    page: Page, browser: Browser, make: Factory, shop: str, live_server: str
) -> None:
    team = make.team("support", name="Support")
    ana_link = _magic_link(make, name="Ana Silva", email="ana.silva@example.com")
    with make.db.unit_of_work(write=False) as s:
        ana = customer_by_email(s, "ana.silva@example.com")
        assert ana is not None
        s.expunge_all()
    make.case(ana, team=team, subject="Refund for order 1187", body="The vase arrived broken.")
    agent = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example", role=Role.SUPERVISOR)

    # Someone types Ana's address into the chat on the shop's site.
    page.goto(shop)
    _start_chat(page, name="Ana Silva", address="ana.silva@example.com", message="What did I order last month?")
    expect(page.get_by_text("We have emailed a link to ana.silva@example.com.")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("A person will answer here")
    number = _chat_case(make)

    # The desk: "not verified", and nothing of Ana's beside the visitor.
    desk = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="en-GB")
    agent_page = desk.new_page()
    agent_page.goto("/")
    _sign_in(agent_page, agent, PASSWORD)
    agent_page.goto(f"/desk/cases/{number}")
    side = agent_page.get_by_role("complementary", name="Customer and case")
    expect(side.get_by_text("not verified", exact=True)).to_be_visible()
    expect(side).to_contain_text("who says they are ana.silva@example.com")
    expect(side).to_contain_text("Not shown until they prove who they are.")
    expect(agent_page.get_by_text("Refund for order 1187")).to_have_count(0)
    screenshot(agent_page, "chat-unverified-desk")
    check_accessibility(agent_page, "desk: an unverified chat")

    # Ana's own portal, in her own browser: her case, not the stranger's chat.
    hers = browser.new_context(base_url=live_server, locale="en-GB")
    ana_page = hers.new_page()
    ana_page.goto(ana_link)
    ana_page.get_by_role("button", name="Sign in to see your cases").click()
    expect(ana_page.get_by_role("link", name="Refund for order 1187")).to_be_visible()
    expect(ana_page.get_by_text("What did I order last month?")).to_have_count(0)
    hers.close()

    # The visitor was Ana after all: she follows the link mailed to her address.
    page.goto(f"{live_server}/chat/confirm?token={confirmation_token(make.db, 'ana.silva@example.com')}")
    page.get_by_role("button", name="Yes, it was me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chat: What did I order last month?")
    expect(page.get_by_text("What did I order last month?").last).to_be_visible()
    page.get_by_role("link", name="My cases").click()
    expect(page.get_by_role("link", name="Refund for order 1187")).to_be_visible()

    agent_page.reload()
    expect(side.get_by_text("not verified", exact=True)).to_have_count(0)
    expect(side.get_by_role("link", name=f"#{number - 1} Refund for order 1187")).to_be_visible()
    desk.close()


def test_a_customer_signed_in_chats_as_herself_on_our_pages_but_not_from_another_site(
    page: Page, make: Factory, shop: str, live_server: str
) -> None:
    page.goto(_magic_link(make, name="Ana Silva", email="ana.silva@example.com"))
    page.get_by_role("button", name="Sign in to see your cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")

    # The widget on one of our own pages: her session is proof.
    page.add_script_tag(url="/widget.js")
    _start_chat(page, name="Ana", address="ana.silva@example.com", message="Can I change my address?")
    expect(page.get_by_role("status")).to_contain_text("Nobody is online right now")
    expect(page.get_by_text("We have emailed a link")).to_be_hidden()
    page.reload()
    expect(page.get_by_role("link", name="Chat: Can I change my address?")).to_be_visible()

    # On another site her browser sends the same cookie, but it proves nothing there.
    page.goto(shop)
    _start_chat(page, name="Ana", address="ana.silva@example.com", message="Hello from the shop")
    expect(page.get_by_text("We have emailed a link to ana.silva@example.com.")).to_be_visible()
    page.goto(f"{live_server}/portal")
    expect(page.get_by_role("link", name="Chat: Can I change my address?")).to_be_visible()
    expect(page.get_by_text("Hello from the shop")).to_have_count(0)


def test_a_visitor_writing_too_fast_is_asked_to_slow_down_and_keeps_the_draft(page: Page, shop: str) -> None:
    page.goto(shop)
    _start_chat(page, name="Bo Berg", address="bo@example.com", message="Hello?")
    message = page.get_by_label("Your message")
    for n in range(LINES_PER_MINUTE):
        message.fill(f"Are you there? ({n})")
        page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("log")).to_contain_text(f"Are you there? ({LINES_PER_MINUTE - 1})")

    message.fill("ANYONE???")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("status")).to_contain_text("You are writing faster than we can read.")
    expect(message).to_have_value("ANYONE???")  # put back, to send again
    expect(page.get_by_role("log")).not_to_contain_text("ANYONE???")
    screenshot(page, "chat-slow-down")
    check_accessibility(page, "the chat widget asking to slow down")
