"""Feedback in real browsers (P15): an agent marks a customer's complaint about billing on the case (refused once,
in the dialog, with the note kept); a billing department member sees it on their page, acknowledges and answers;
the agent reads the answer."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from sameside.staff.models import Department, Staff, Team
from tests.factories import PASSWORD, Factory, Person
from tests.web.browser import VIEWPORT, check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in

WORDS = "The billing team charged my card twice for order 4411 and never answered my emails."


def _place(make: Factory, email: str, *, team: Team | None = None, department: Department | None = None) -> int:
    with make.db.unit_of_work() as s:
        person = s.scalar(select(Staff).where(Staff.email == email))
        assert person is not None
        person.team_id = team.id if team else None
        person.department_id = department.id if department else None
        return person.id


def test_a_complaint_about_billing_reaches_billing_and_its_answer_the_agent(
    page: Page, browser: Browser, live_server: str, make: Factory
) -> None:
    support = make.team("support", name="Support")
    billing = make.department("billing")
    with make.db.unit_of_work() as s:
        row = s.get(Department, billing.id)
        assert row is not None
        row.name = "Billing"
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    bea = _staff_who_can_sign_in(make, name="Bea Cole", email="bea@desk.example")
    _place(make, dana, team=support)
    _place(make, bea, department=billing)
    with make.db.unit_of_work(write=False) as s:
        dana_id = s.scalar(select(Staff.id).where(Staff.email == dana))
    assert dana_id is not None
    customer = make.customer("ana.silva@example.com", name="Ana Silva")
    number = make.case(customer, team=support, owner=Person(dana_id, dana, {}), subject="Charged twice", body=WORDS).id

    # Dana marks the complaint from the message itself; without saying whom it is about, it is refused in place.
    page.goto("/")
    _sign_in(page, dana, PASSWORD)
    page.goto(f"/desk/cases/{number}")
    page.get_by_role("link", name="Mark as feedback").click()
    dialog = page.get_by_role("dialog", name="Feedback")
    expect(dialog.get_by_label("Their words")).to_have_value(
        page.locator("[data-feedback-entry]").first.get_attribute("data-feedback-entry") or ""
    )
    dialog.get_by_label("It is a").select_option("complaint")
    dialog.get_by_label("A short note for them").fill("Second double charge this month")
    dialog.get_by_role("button", name="Send the feedback").click()
    refused = page.get_by_role("dialog", name="Feedback")
    expect(refused.get_by_role("alert")).to_contain_text("Choose the team or department it is about.")
    expect(refused.get_by_label("A short note for them")).to_have_value("Second double charge this month")
    check_accessibility(page, "desk: the feedback dialog, refused")
    page.screenshot(path="/tmp/feedback-dialog-refused.png")
    refused.get_by_label("About").select_option(label="Billing")
    refused.get_by_role("button", name="Send the feedback").click()
    expect(page.locator("#timeline")).to_contain_text(
        "Marked as a complaint about Billing: “Second double charge this month” — Dana Reyes"
    )
    screenshot(page, "desk-case-feedback-marked")

    # Bea, in billing, sees it on her department's page with the case for context; acknowledges and answers.
    hers = browser.new_context(base_url=live_server, viewport=VIEWPORT, locale="en-GB", service_workers="block")
    try:
        tab = hers.new_page()
        tab.goto("/")
        _sign_in(tab, bea, PASSWORD)
        expect(tab.get_by_role("heading", name="Billing: consults")).to_be_visible()
        figures = tab.locator(".feedback-figures")
        expect(figures).to_contain_text("no consults answered")
        expect(figures).to_contain_text("1 complaint")
        item = tab.locator(".feedback-item").first
        expect(item).to_contain_text(WORDS)
        expect(item).to_contain_text("Marked by Dana Reyes: “Second double charge this month”")
        check_accessibility(tab, "desk: the department's page with its feedback")
        tab.screenshot(path="/tmp/feedback-department.png", full_page=True)
        screenshot(tab, "desk-department-feedback")
        item.get_by_role("button", name=f"Acknowledge the complaint on case #{number}").click()
        item = tab.locator(".feedback-item").first
        expect(item.locator(".feedback-state")).to_have_text("acknowledged")
        item.get_by_label("Answer Dana Reyes").fill(
            "Refunded the second charge; the card run that doubled it is fixed."
        )
        item.get_by_role("button", name="Send the answer").click()
        expect(tab.locator(".feedback-item").first.locator(".feedback-state")).to_have_text("answered")
        tab.get_by_role("link", name=f"case #{number} Charged twice").click()
        expect(tab.get_by_role("heading", name="Charged twice")).to_be_visible()  # she reads the case
    finally:
        hers.close()

    # Dana is told, and reads the answer with what she marked.
    page.goto("/desk/notifications")
    expect(page.locator("main")).to_contain_text("Billing answered your complaint")
    page.goto("/desk/feedback")
    mine = page.get_by_role("region", name="What you marked")
    expect(mine).to_contain_text("Answer from Bea Cole: Refunded the second charge")
    check_accessibility(page, "desk: the feedback page")
    page.screenshot(path="/tmp/feedback-inbox-agent.png", full_page=True)
    screenshot(page, "desk-feedback")
