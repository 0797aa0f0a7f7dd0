"""The reports page in Chromium: a supervisor reads the headline figures, each chart with its numbers; an agent
is refused."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.reports import service
from tests.factories import PASSWORD, Factory
from tests.reports.support import history
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in


def test_a_supervisor_reads_how_customers_are_treated_and_an_agent_is_refused(
    page: Page, live_server: str, make: Factory
) -> None:
    now = clock.now()
    history(make, now, cases=200, days=35)
    with make.db.unit_of_work() as s:
        service.roll_up(s, now)
    sam = _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=Role.SUPERVISOR)
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/")
    _sign_in(page, sam, PASSWORD)
    page.get_by_role("navigation", name="Views").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="How customers are treated", level=1)).to_be_visible()
    # The customer first: the first four figures a lead reads.
    cards = page.locator(".report-card h3")
    expect(cards.nth(0)).to_have_text("Time to first human reply")
    expect(cards.nth(1)).to_have_text("First-contact resolution")
    expect(cards.nth(2)).to_have_text("Customer satisfaction (CSAT)")
    expect(cards.nth(3)).to_have_text("Repeat contacts")
    expect(page.locator(".report-figure").first).to_contain_text("min")
    chart = page.get_by_role("img", name=re.compile(r"^First-contact resolution, day by day"))
    expect(chart).to_be_visible()
    expect(chart.locator("path.spark-line").first).to_be_attached()
    # Its numbers, a click away: a row a day for the 30 days.
    fcr = page.locator("article", has=page.get_by_role("heading", name="First-contact resolution"))
    fcr.get_by_text("The numbers").click()
    table = fcr.get_by_role("table", name="First-contact resolution, day by day")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(30)
    check_accessibility(page, "desk: the reports page")
    screenshot(page, "desk-reports")

    # Ninety days: a point a week; the CSV link follows the choice.
    page.get_by_label("Period", exact=True).select_option("90")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"days=90"))
    expect(page.get_by_role("img", name=re.compile(r"^Time to first human reply, week by week"))).to_be_visible()
    expect(page.get_by_role("link", name="Download CSV")).to_have_attribute("href", re.compile(r"days=90"))
    page.set_viewport_size({"width": 390, "height": 844})
    check_accessibility(page, "desk: the reports page, narrow")
    screenshot(page, "desk-reports-narrow")

    page.context.clear_cookies()
    page.goto("/")
    _sign_in(page, dana, PASSWORD)
    expect(page.get_by_role("navigation", name="Views").get_by_role("link", name="Reports")).to_have_count(0)
    answer = page.goto("/desk/reports")
    assert answer is not None and answer.status == 403
    expect(page.get_by_text("The reports are for supervisors and admins.")).to_be_visible()
