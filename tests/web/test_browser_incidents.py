"""An incident in real browsers (P11): a supervisor declares it with a customer list (a bad file refused inside the
form, what was typed kept), an agent sees it on a linked case, a customer sees it in the portal, and the
resolution is read before it is sent."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import PASSWORD, Factory
from tests.incidents.support import run_incident_jobs
from tests.web.browser import VIEWPORT, check_accessibility, screenshot
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in

LIST = b"name,email\nAna Silva,ana.silva@example.com\nA stranger,stranger@nowhere.example\n"


def test_an_outage_declared_with_a_list_is_seen_on_its_cases_and_in_the_portal(
    page: Page, browser: Browser, live_server: str, make: Factory, db: Database, settings: Settings
) -> None:
    team = make.team("support", name="Support")
    boss = _staff_who_can_sign_in(make, name="Sam Okoye", email="sam@desk.example", role=Role.SUPERVISOR)
    agent = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    ana_link = _magic_link(make, name="Ana Silva", email="ana.silva@example.com")
    bo = make.customer("bo@example.com", name="Bo Berg")
    linked = make.case(
        bo, team=team, subject="Payment refused", body="My card is refused at checkout.", tags=["payment"]
    )
    make.organization("Kestrel Logistics")

    # The supervisor declares it; a file that is no CSV is refused inside the form, and nothing typed is lost.
    page.goto("/")
    _sign_in(page, boss, PASSWORD)
    page.get_by_role("navigation", name="Views").get_by_role("link", name="Incidents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Incidents")
    page.get_by_role("link", name="Declare an incident").click()
    form = page.locator("#declare-form")
    form.get_by_label("Title").fill("Card payments fail")
    form.get_by_label("What customers are told").fill("Card payments fail at checkout; your card is not charged.")
    form.get_by_label("Product tags").fill("payment")
    form.get_by_label("Tell everyone in scope").check()
    form.get_by_label("Customer list").set_input_files(
        files=[{"name": "list.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00"}]
    )
    check_accessibility(page, "desk: declare an incident")
    form.get_by_role("button", name="Declare and tell them").click()
    expect(form.get_by_role("alert")).to_contain_text("not a CSV")
    expect(form.get_by_label("Title")).to_have_value("Card payments fail")
    expect(form.get_by_label("Tell everyone in scope")).to_be_checked()
    screenshot(page, "incident-declare-refused")
    form.get_by_label("Customer list").set_input_files(
        files=[{"name": "customers.csv", "mimeType": "text/csv", "buffer": LIST}]
    )
    form.get_by_role("button", name="Declare and tell them").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Card payments fail")
    declared = page.get_by_role("status").filter(has_text="Declared")
    expect(declared).to_contain_text("stranger@nowhere.example")
    expect(page).to_have_url(f"{live_server}/desk/incidents/1")
    check_accessibility(page, "desk: an incident just declared")

    run_incident_jobs(db, settings)  # the worker finds them and tells them
    page.reload()
    expect(page.locator('[data-figure="affected"]')).to_have_text("2")
    expect(page.locator('[data-figure="told"]')).to_have_text("2")
    expect(page.get_by_role("link", name=f"#{linked.id} Payment refused")).to_be_visible()
    screenshot(page, "incident-page")

    # An agent, in another browser: the linked case says so, and leads to the incident, which they read only.
    desk = browser.new_context(base_url=live_server, viewport=VIEWPORT, locale="en-GB")
    agent_page = desk.new_page()
    agent_page.goto("/")
    _sign_in(agent_page, agent, PASSWORD)
    agent_page.goto(f"/desk/cases/{linked.id}")
    banner = agent_page.locator("#case-incident-1")
    expect(banner.get_by_role("heading")).to_have_text("Part of incident #1: Card payments fail")
    expect(banner).to_contain_text("We are investigating")
    check_accessibility(agent_page, "desk: a case linked to an incident")
    banner.scroll_into_view_if_needed()  # the case opens at its latest message
    screenshot(agent_page, "incident-case-banner")
    banner.get_by_role("link", name="Open the incident").click()
    expect(agent_page.get_by_role("heading", level=1)).to_have_text("Card payments fail")
    expect(agent_page.get_by_role("button", name="Review before sending")).to_have_count(0)
    desk.close()

    # Ana, on the list, in her own browser: the portal tells her, in the words she was told.
    hers = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="en-GB")
    ana_page = hers.new_page()
    ana_page.goto(ana_link)
    ana_page.get_by_role("button", name="Sign in to see your cases").click()
    known = ana_page.locator("#incidents-now")
    expect(known.get_by_role("heading", name="Card payments fail")).to_be_visible()
    expect(known).to_contain_text("your card is not charged")
    expect(known).not_to_contain_text("payment,")
    check_accessibility(ana_page, "portal: a problem we know about")
    screenshot(ana_page, "incident-portal")
    hers.close()

    # The supervisor posts an update, then reads the resolution as customers will before it goes.
    updates = page.locator("#update-form")
    updates.get_by_label("What customers are told now").fill("We found the cause; a fix is on its way.")
    updates.get_by_label("Where it stands").select_option("identified")
    updates.get_by_role("button", name="Send the update to all 2 affected").click()
    expect(page.locator(".incident-updates")).to_contain_text("We found the cause; a fix is on its way.")
    resolve = page.locator("#resolve-form")
    resolve.get_by_label("The closing message").fill("Card payments work again. Thank you for bearing with us.")
    resolve.get_by_role("button", name="Review before sending").click()
    review = page.locator("#resolve-review")
    expect(review.locator("#review-reply")).to_have_text("Card payments work again. Thank you for bearing with us.")
    check_accessibility(page, "desk: the resolution, read before it is sent")
    screenshot(page, "incident-resolve-review")
    review.get_by_role("button", name="Approve: send it and resolve").click()
    expect(page.locator(".incident-head .status")).to_have_text("resolved")
    run_incident_jobs(db, settings)
    page.goto(f"/desk/cases/{linked.id}")
    expect(page.locator(".timeline")).to_contain_text("Card payments work again.")
    expect(page.locator("#case-facts .status")).to_have_text("resolved")
