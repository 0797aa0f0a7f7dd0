"""Saved replies in a real browser: an agent answers a customer's case with a shared saved reply found from the
reply box as she types — filled in for the case, put under her draft, sent signed, its status applied — and a
saved reply with an unknown placeholder is refused where she typed it, with nothing lost."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.cases.rules import CaseStatus
from sameside.customers.models import Customer
from sameside.kit.actors import Role, StaffActor
from sameside.saved_replies import service as saved_replies
from sameside.staff.models import Staff
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in

DRAFT = "Thanks for waiting while I checked."
FILLED = (
    "Dear Ms Silva,\n\nyour refund for case #{number} is on its way: it reaches your account within 3 to 5 "
    "working days."
)


def test_an_agent_answers_a_case_with_a_saved_reply(page: Page, make: Factory) -> None:
    team = make.team("support", name="Support")
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    customer = make.customer("ana.silva@example.com", name="Ana Silva")
    number = make.case(customer, team=team, subject="Refund for the broken kettle", body="It arrived broken.").id
    with make.db.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        row.form_of_address = "Ms Silva"
        person = s.scalars(select(Staff).where(Staff.email == dana)).one()
        person.team_id = team.id
        person.signature = "Dana\nCustomer care"
        service.assign(s, SYSTEM, case_for(s, SYSTEM, number), person)
        supervisor = StaffActor(boss.id, Role.SUPERVISOR, team.id)
        for title, body, status in (
            (
                "Refund on its way",
                "Dear {{ customer.form_of_address }},\n\nyour refund for case #{{ case.number }} is on its way: "
                "it reaches your account within 3 to 5 working days.",
                CaseStatus.RESOLVED,
            ),
            ("Need a few details", "Hello {{ customer.first_name }}, could you send your order number?", None),
        ):
            saved_replies.create(
                s, supervisor, title=title, body=body, shared=True, status=status, tags=["refund"] if status else []
            )

    page.goto("/")
    _sign_in(page, dana, PASSWORD)
    page.goto(f"/desk/cases/{number}")
    reply = page.get_by_label("Your reply")
    reply.fill(DRAFT)

    # She looks for it by a word she remembers; the matches show under the box, already filled in for Ana.
    search = page.get_by_role("searchbox", name="Saved replies")
    search.press_sequentially("refund")
    matches = page.locator("#saved-found").get_by_role("button")
    expect(matches).to_have_count(1)
    expect(matches.first).to_contain_text("Refund on its way")
    expect(matches.first).to_contain_text("Dear Ms Silva")
    expect(matches.first).to_contain_text("leaves the case resolved · adds tag refund")
    screenshot(page, "desk-saved-replies-picker")
    check_accessibility(page, "case page with saved replies found")

    matches.first.click()
    expect(reply).to_have_value(f"{DRAFT}\n\n{FILLED.format(number=number)}")
    expect(reply).to_be_focused()
    chosen = page.locator("[data-saved-chosen]")
    expect(chosen).to_contain_text("Written with “Refund on its way”.")
    expect(chosen.get_by_label(re.compile("When sent, also: leaves the case resolved"))).to_be_checked()

    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status").filter(has_text="Reply sent.")).to_be_visible()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("your refund for case")
    expect(timeline).to_contain_text("Customer care")
    expect(page.locator("#case-facts")).to_contain_text("resolved")
    expect(page.locator("#case-facts")).to_contain_text("refund")

    # The saved replies page counts it; a new one with a placeholder nobody knows is refused where she typed.
    page.get_by_role("link", name="Saved replies", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved replies")
    row = page.locator("#saved-replies-list tr", has_text="Refund on its way")
    expect(row.locator("td.num")).to_have_text("1")
    form = page.locator("#new-reply")
    form.get_by_label("Title").fill("Welcome back")
    form.get_by_label("Text").fill("Hi {{ customer.nickname }}, good to hear from you again.")
    form.get_by_role("button", name="Save reply").click()
    refusal = form.get_by_role("alert")
    expect(refusal).to_contain_text("{{ customer.nickname }} is not a placeholder we know")
    expect(form.get_by_label("Text")).to_have_value("Hi {{ customer.nickname }}, good to hear from you again.")
    expect(form.get_by_label("Title")).to_have_value("Welcome back")
    screenshot(page, "desk-saved-replies-refused")
    check_accessibility(page, "saved replies page with a refusal")

    form.get_by_label("Text").fill("Hi {{ customer.first_name }}, good to hear from you again.")
    form.get_by_role("button", name="Save reply").click()
    expect(page.locator("#saved-replies-list")).to_contain_text("Welcome back")
