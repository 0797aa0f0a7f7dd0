"""Phone calls in a real browser: an agent finds a caller by the number they read out, opens their case and logs
a call (a refused one says why in the dialog, with what was typed); the customer moves, then cancels, a call."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.business import service as business
from sameside.callbacks import service as callbacks
from sameside.cases.access import case_for
from sameside.customers.queries import customer_by_email
from sameside.staff.models import Staff
from tests.calls.seed import add_phone, business_phone
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in


def test_an_agent_opens_a_callers_case_and_logs_a_call_and_the_customer_moves_then_cancels_one(
    page: Page, live_server: str, make: Factory
) -> None:
    team = make.team("support", name="Support")
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    with make.db.unit_of_work() as s:
        person = s.scalar(select(Staff).where(Staff.email == dana))
        assert person is not None
        person.team_id = team.id
    link = _magic_link(make, name="Ana Silva", email="ana.silva@example.com")
    with make.db.unit_of_work(write=False) as s:
        ana = customer_by_email(s, "ana.silva@example.com")
        assert ana is not None
        s.expunge_all()
    add_phone(make.db, ana.id, "+44 20 7946 0018")

    with business_phone("+44 20 7946 0000"):
        page.goto("/")
        _sign_in(page, dana, PASSWORD)
        page.get_by_role("link", name="New phone case").click()
        page.get_by_label("Number, email address or name").fill("020 7946 0018")
        page.get_by_role("button", name="Find").click()
        expect(page.get_by_role("status")).to_contain_text("1 found by phone number")
        expect(page.get_by_label("Ana Silva")).to_be_checked()
        page.get_by_label("Subject: the problem in a few words").fill("Charged twice for order 4411")
        page.get_by_label("What they told you, in their words").fill("My card was charged twice for one order.")
        page.get_by_label("How long").fill("4:30")
        page.get_by_label("Notes for colleagues (internal)").fill("Checked the bank statement with her.")
        check_accessibility(page, "desk: a new phone case for a caller")
        screenshot(page, "desk-new-phone-case")
        page.get_by_role("button", name="Open the case").click()

    expect(page).to_have_url(re.compile(rf"{live_server}/desk/cases/\d+(#latest)?$"))
    number = int(re.sub(r"[^0-9]", "", page.url.rsplit("/", 1)[1]))
    expect(page.get_by_role("heading", name="Charged twice for order 4411")).to_be_visible()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Inbound call from +442079460018, answered, 4 min 30 s")
    expect(timeline).to_contain_text("Checked the bank statement with her.")

    # A call they made to us cannot have gone unanswered: refused in the dialog, the notes kept.
    page.get_by_role("link", name="Log a call").click()
    dialog = page.get_by_role("dialog", name="Log a call")
    dialog.get_by_label("How it went").select_option("no_answer")
    dialog.get_by_label("Notes for colleagues (internal)").fill("Rang back about the refund; no answer.")
    dialog.get_by_role("button", name="Log the call").click()
    refused = page.get_by_role("dialog", name="Log a call")
    expect(refused.get_by_role("alert")).to_contain_text("was answered")
    expect(refused.get_by_label("Notes for colleagues (internal)")).to_have_value(
        "Rang back about the refund; no answer."
    )
    check_accessibility(page, "desk: a refused call log")
    refused.get_by_label("Who called").select_option("outbound")
    refused.get_by_role("button", name="Log the call").click()
    expect(page.locator("#timeline")).to_contain_text("Outbound call, no answer")
    screenshot(page, "desk-case-call-logged")
    page.context.clear_cookies()

    # The customer booked a call on the case; she moves it, then calls it off.
    book_first_free_time(make, number)
    page.goto(link)
    page.get_by_role("button", name="Sign in to see your cases").click()
    page.goto(f"/portal/cases/{number}")
    expect(page.locator("#callbacks")).to_contain_text("We will call you")
    page.get_by_role("link", name="Move or cancel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book a call")  # its calls, each to move or cancel
    page.get_by_role("link", name="Move", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Move your call")
    when = page.get_by_label(re.compile("^When"))
    when.select_option(index=3)  # booked at the first free time: this is another
    chosen = when.locator("option:checked").inner_text()
    check_accessibility(page, "portal: moving a call")
    page.get_by_role("button", name="Move the call").click()
    expect(page.locator("#callbacks")).to_contain_text(chosen.split(", ", 1)[1])
    page.get_by_role("link", name="Move or cancel").click()
    page.get_by_role("button", name=re.compile("^Cancel the call on")).click()
    expect(page.locator("#callbacks")).not_to_contain_text("We will call you")
    check_accessibility(page, "portal: a cancelled call")
    screenshot(page, "portal-call-cancelled")


def book_first_free_time(make: Factory, number: int) -> None:
    """A call booked on the case at the first free time in business hours, as its customer would in the portal."""
    now = business.environment()
    policy = callbacks.Policy(hours=now.hours, minutes=now.callback_minutes)
    with make.db.unit_of_work() as s:
        slot = callbacks.free_slots(s, policy)[0]
        callbacks.book(s, SYSTEM, case_for(s, SYSTEM, number), policy, starts_at=slot, phone="+44 20 7946 0018")
