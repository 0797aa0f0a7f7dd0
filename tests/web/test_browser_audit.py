"""The audit log in a real browser: an admin renames a team in the admin centre, then reads that change, before
and after, in the audit log."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from sameside.kit.actors import Role
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in


def test_an_admin_renames_a_team_and_finds_the_change_in_the_audit_log(page: Page, make: Factory) -> None:
    team = make.team("support", name="Support")
    admin = _staff_who_can_sign_in(make, name="Ada Admin", email="ada@desk.example", role=Role.ADMIN)

    page.goto("/")
    _sign_in(page, admin, PASSWORD)
    page.goto("/desk/admin/teams")
    form = page.locator(f"#team-{team.id}")
    form.get_by_label("Name").fill("Customer care")
    form.get_by_role("button", name="Save Support").click()
    expect(page.locator(f"#team-{team.id}-title")).to_contain_text("Customer care")

    page.get_by_role("navigation", name="Admin centre").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    entries = page.locator("#audit-entries > li")
    expect(entries).to_have_count(1)
    entry = entries.first
    expect(entry).to_contain_text("Ada Admin")
    expect(entry).to_contain_text(f"changed teams {team.id}")
    expect(entry).to_contain_text("the desk")
    name = entry.get_by_role("row").filter(has=page.get_by_role("rowheader", name="name"))
    expect(name.locator("del")).to_have_text("Support")
    expect(name.locator("ins")).to_have_text("Customer care")
    screenshot(page, "desk-audit-log")
    check_accessibility(page, "the audit log")

    # Narrowed to what Ada did to teams, the entry is still there; to deletions, nothing is.
    page.get_by_label("Did").select_option("deleted")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No change fits these filters.")).to_be_visible()
    expect(page.get_by_label("Did")).to_have_value("deleted")
