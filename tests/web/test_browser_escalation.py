"""'Ask for a manager' in a real browser: the customer asks in the portal, the owner sees it on the desk (P3)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.customers.queries import customer_by_email
from sameside.kit.actors import CustomerActor, Role
from sameside.staff.models import Staff
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in


def test_a_customer_asks_for_a_manager_and_the_owner_sees_it_on_the_desk(page: Page, make: Factory) -> None:
    team = make.team("support", name="Support")
    email = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=Role.SUPERVISOR)
    with make.db.unit_of_work() as s:
        for person in s.scalars(select(Staff).where(Staff.email.in_(["dana@desk.example", "sam@desk.example"]))):
            person.team_id = team.id
        dana = s.scalar(select(Staff).where(Staff.email == email))
        assert dana is not None
        dana_id = dana.id
    link = _magic_link(make, name="Ana Silva", email="ana.silva@example.com")
    with make.db.unit_of_work(write=False) as s:
        customer = customer_by_email(s, "ana.silva@example.com")
        assert customer is not None
        s.expunge_all()
    number = make.case(customer, team=team, subject="Refund for a broken vase", body="It arrived in pieces.").id
    later = make.case(customer, team=team, subject="Second parcel", body="Also late.").id
    with make.db.unit_of_work() as s:
        for n in (number, later):
            service.assign(s, SYSTEM, case_for(s, SYSTEM, n), s.get(Staff, dana_id))

    # The customer asks, and is told plainly who knows and who keeps the case.
    page.goto(link)
    page.get_by_role("button", name="Sign in to see your cases").click()
    page.get_by_role("link", name="Refund for a broken vase").click()
    expect(page.get_by_role("heading", name="Need someone senior?")).to_be_visible()
    check_accessibility(page, "portal: a case, before asking for a manager")
    page.get_by_label("What should they know? (optional)").fill("Two weeks and still no refund.")
    page.get_by_role("button", name="Ask for a manager to look at this").click()
    expect(page.get_by_role("status")).to_have_text(
        "Dana and Dana's supervisor have been told. Your case stays with Dana, who already knows the whole story."
    )
    expect(page.get_by_role("button", name="Ask for a manager to look at this")).to_have_count(0)
    screenshot(page, "portal-asked-for-a-manager")
    check_accessibility(page, "portal: a case, after asking for a manager")
    page.context.clear_cookies()

    # The owner sees it beside "Notifications" on any desk page, then in the list.
    page.goto("/")
    _sign_in(page, email, PASSWORD)
    notifications = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(notifications).to_have_accessible_name(re.compile(r"Notifications\s*1 unread"))
    notifications.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    item = page.locator("#notifications li").first
    expect(item).to_contain_text("Ana Silva asked for someone senior.")
    expect(item).to_contain_text("Two weeks and still no refund.")
    expect(item.locator("strong").first).to_be_visible()  # unread, in bold
    screenshot(page, "workspace-notifications")
    check_accessibility(page, "desk: notifications")

    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_text("0 unread")).to_be_visible()
    expect(notifications).to_have_accessible_name("Notifications")

    # A new ask arrives while the page is open: the count comes back without a reload.
    with make.db.unit_of_work() as s:
        service.receive_message(
            s,
            CustomerActor(customer.id),
            case_for(s, SYSTEM, later),
            "Third email about this. Put me through to your boss.",
        )
    expect(notifications).to_have_accessible_name(re.compile(r"Notifications\s*1 unread"), timeout=10_000)

    page.get_by_role("link", name=f"Case #{number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refund for a broken vase")
