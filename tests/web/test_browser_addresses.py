"""An address staff add, in a real browser: marked on the desk, refused to its inbox alone, confirmed by its owner."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.auth import service as auth_service
from sameside.customers.models import Customer
from sameside.mail.models import OutboundMail
from tests.factories import PASSWORD, Factory
from tests.support import mail_text
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in


def _sign_in_link(make: Factory, customer: Customer) -> str:
    with make.db.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        return f"/auth/magic?token={auth_service.issue_magic_link(s, row, minutes=30)}"


def _confirmation_link(make: Factory, address: str) -> str:
    with make.db.unit_of_work(write=False) as s:
        mail = s.scalar(
            select(OutboundMail).where(
                OutboundMail.purpose == "address_confirmation", OutboundMail.recipient == address
            )
        )
        assert mail is not None and mail.raw is not None
        match = re.search(r"https?://\S+", mail_text(mail.raw))
        assert match
        return re.sub(r"^https?://[^/]+", "", match.group(0))


def test_an_address_an_agent_added_is_marked_and_only_the_customer_confirms_it(page: Page, make: Factory) -> None:
    ana = make.customer("ana.silva@example.com", name="Ana Silva")
    number = make.case(ana, subject="My card was charged twice").id
    agent_email = _staff_who_can_sign_in(make, name="Mal Lory", email="mal@desk.example")
    # The agent signs in by the front page's form (JavaScript on), as staff do.
    page.goto("/")
    _sign_in(page, agent_email, PASSWORD)
    expect(page.get_by_text("Signed in as Mal Lory")).to_be_visible()
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "sameside_csrf")
    added = page.request.post(
        f"/api/v1/customers/{ana.id}/identities",
        data={"kind": "email", "value": "mal@evil.example"},
        headers={"X-CSRF-Token": csrf},
    )
    assert added.status == 201, added.text()

    page.goto(f"/desk/cases/{number}")
    expect(page.get_by_text("mal@evil.example")).to_be_visible()
    expect(page.locator("li", has_text="mal@evil.example").get_by_text("not verified")).to_be_visible()
    expect(page.locator("li", has_text="ana.silva@example.com").get_by_text("not verified")).to_have_count(0)
    screenshot(page, "address-not-verified-on-desk")

    # He opens the confirmation link from his own inbox: owning it is not enough.
    confirm = _confirmation_link(make, "mal@evil.example")
    page.goto(confirm)
    page.get_by_role("button", name="Yes, this address is mine").click()
    expect(page.get_by_role("alert")).to_contain_text("Staff cannot confirm a customer's address")
    page.context.clear_cookies()
    page.goto(confirm)
    page.get_by_role("button", name="Yes, this address is mine").click()
    expect(page.get_by_role("alert")).to_contain_text("first sign in with the link we send to the address")
    screenshot(page, "address-confirmation-refused")
    check_accessibility(page, "refused address confirmation")

    # Ana, signed in through her own address, confirms it (had it been hers).
    page.context.clear_cookies()
    page.goto(_sign_in_link(make, ana))
    page.get_by_role("button", name="Sign in to see your cases").click()
    expect(page.get_by_text("Signed in as Ana Silva (customer)")).to_be_visible()
    page.goto(confirm)
    expect(page.get_by_text("Our staff added mal@evil.example to your account")).to_be_visible()
    page.get_by_role("button", name="Yes, this address is mine").click()

    expect(page.get_by_role("status")).to_contain_text("mal@evil.example is confirmed as yours")
    screenshot(page, "address-confirmed")
    check_accessibility(page, "confirmed address")
