"""An admin chooses in the admin centre which team each channel's new cases go to, and the next one goes there."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from sameside.kit.actors import Role
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility
from tests.web.test_browser_first_day import _case_number, _own_browser
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in


def test_an_admin_sends_portal_requests_to_billing_and_the_next_one_lands_there(
    page: Page, browser: Browser, live_server: str, make: Factory
) -> None:
    make.team("support", name="Support")
    make.team("billing", name="Billing")
    admin = _staff_who_can_sign_in(make, name="Riya Admin", email="riya@desk.example", role=Role.ADMIN)
    page.goto("/")
    _sign_in(page, admin, PASSWORD)
    page.goto("/desk/admin/channels")

    homes = page.locator("#homes-form")
    homes.get_by_label("Default team").select_option(label="Support")
    homes.get_by_label("Portal requests").select_option(label="Billing")
    homes.get_by_role("button", name="Save where new cases go").click()

    expect(page.get_by_role("status").filter(has_text="new cases go to the teams shown")).to_be_visible()
    expect(homes.get_by_label("Portal requests")).to_have_value(
        homes.get_by_label("Portal requests").locator("option", has_text="Billing").get_attribute("value") or ""
    )
    expect(homes.get_by_label("Live chats").locator("option:checked")).to_have_text("The default team (Support)")
    check_accessibility(page, "the channels page with where new cases go")

    customer = _own_browser(browser, live_server)
    try:
        ana = customer.new_page()
        ana.goto(_magic_link(make, name="Ana Silva", email="ana@example.com"))
        ana.get_by_role("button", name="Sign in to see your cases").click()
        ana.goto("/portal/new")
        ana.get_by_label("Subject").fill("Invoice shows the wrong address")
        ana.get_by_label("Your message").fill("My invoice 7781 has my old street on it.")
        ana.get_by_role("button", name="Send to a person").click()
        expect(ana.get_by_role("heading", level=1)).to_contain_text("Invoice shows the wrong address")
        number = _case_number(ana)
    finally:
        customer.close()

    page.goto("/desk/search?q=invoice")
    found = page.get_by_role("list", name="Cases found").get_by_role("listitem").filter(has_text=f"#{number}")
    expect(found).to_contain_text("Billing")  # the portal's team, not the default


def test_a_team_that_is_not_one_is_refused_beside_the_form(page: Page, make: Factory) -> None:
    make.team("support", name="Support")
    admin = _staff_who_can_sign_in(make, name="Riya Admin", email="riya@desk.example", role=Role.ADMIN)
    page.goto("/")
    _sign_in(page, admin, PASSWORD)
    page.goto("/desk/admin/channels")
    homes = page.locator("#homes-form")
    homes.locator("select[name=home-portal] option").last.evaluate("o => { o.value = '99999'; }")
    homes.get_by_label("Portal requests").select_option(value="99999")
    homes.get_by_role("button", name="Save where new cases go").click()

    expect(homes.get_by_role("alert")).to_contain_text("There is no team with id 99999.")
