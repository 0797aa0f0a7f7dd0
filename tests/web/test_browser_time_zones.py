"""Business hours and a team's service-level calendar offer every IANA time zone, not a handful of examples."""

from __future__ import annotations

from zoneinfo import available_timezones

from playwright.sync_api import Page, expect

from sameside.kit.actors import Role
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in


def _offered(page: Page, form: str) -> dict[str, str]:
    """The zones the time zone field offers as one types: name → what the list shows beside it."""
    field = page.locator(form).get_by_label("Time zone")
    found: dict[str, str] = field.evaluate(
        "f => Object.fromEntries(Array.from(f.list.options).map(o => [o.value, o.label]))"
    )
    return found


def test_an_admin_finds_any_time_zone_by_its_city_and_saves_it(page: Page, make: Factory) -> None:
    make.team("support", name="Support")
    admin = _staff_who_can_sign_in(make, name="Riya Admin", email="riya@desk.example", role=Role.ADMIN)
    page.goto("/")
    _sign_in(page, admin, PASSWORD)

    page.goto("/desk/admin/business")
    offered = _offered(page, "#settings-form")
    assert len(offered) > 300 and set(offered) <= available_timezones()  # the full list, all real zones
    assert offered["America/Argentina/Buenos_Aires"] == "Buenos Aires, Argentina (America)"  # by city
    assert offered["Pacific/Chatham"] == "Chatham (Pacific)"  # not only the nine examples there were
    form = page.locator("#settings-form")
    form.get_by_label("Time zone").fill("Pacific/Chatham")
    form.get_by_role("button", name="Save hours and promises").click()
    expect(page.locator(".toast")).to_contain_text("Saved")
    expect(page.locator("#settings-form").get_by_label("Time zone")).to_have_value("Pacific/Chatham")
    check_accessibility(page, "the business page with every time zone")

    page.goto("/desk/service-levels")
    calendar = _offered(page, "main form[action^='/desk/service-levels/']")
    assert calendar == offered  # the same list on the team's calendar
    check_accessibility(page, "the service levels page with every time zone")
