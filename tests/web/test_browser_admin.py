"""The admin centre in a real browser: an admin invites three people, one accepts in their own browser and
lands at the desk, and the admin deactivates an agent who owns a case and sees it handed back."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from sameside.kit.actors import Role
from sameside.mail.models import OutboundMail
from sameside.staff.models import Staff
from tests.factories import PASSWORD, Factory
from tests.web.browser import VIEWPORT, check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in

INVITED = (
    ("Ana Silva", "ana@desk.example", "Support", "agent"),
    ("Ben Okafor", "ben@desk.example", "Billing", "agent"),
    ("Cleo Park", "cleo@desk.example", "Support", "supervisor"),
)


def _link(make: Factory, email: str) -> str:
    """The invitation link as it reaches the invitee's mailbox."""
    with make.db.unit_of_work(write=False) as s:
        mail = s.scalars(select(OutboundMail).where(OutboundMail.recipient == email)).one()
        assert mail.raw is not None
        message = message_from_bytes(mail.raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(("plain",))
        assert body is not None
        text = str(body.get_content())
    found = re.search(r"https?://\S+/invite/[A-Za-z0-9_=-]+", text)
    assert found, text
    return found.group(0)


def test_an_admin_sets_up_people_and_deactivates_one_without_orphaning_a_case(
    page: Page, browser: Browser, make: Factory, live_server: str
) -> None:
    support = make.team("support", name="Support")
    make.team("billing", name="Billing")
    admin = _staff_who_can_sign_in(make, name="Riya Admin", email="riya@desk.example", role=Role.ADMIN)
    leaving = _staff_who_can_sign_in(make, name="Omar Leaves", email="omar@desk.example")
    with make.db.unit_of_work() as s:
        omar = s.scalar(select(Staff).where(Staff.email == leaving))
        assert omar is not None
        omar.team_id = support.id
    customer = make.customer("jo@example.com", name="Jo Customer")
    number = make.case(customer, team=support, subject="Refund still missing", owner=make_person(make, leaving)).id

    page.goto("/")
    _sign_in(page, admin, PASSWORD)
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Admin centre")
    for section in ("People", "Teams and departments", "API tokens", "Mail quarantine", "Service levels"):
        expect(page.locator(".admin-sections").get_by_role("link", name=section)).to_be_visible()
    screenshot(page, "desk-admin-index")
    check_accessibility(page, "the admin centre")

    page.locator(".admin-sections").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    form = page.locator("#invite-form")
    # A refusal first: an address already on staff. The message shows in the form; what was typed stays.
    form.get_by_label("Email").fill(leaving)
    form.get_by_label("Name").fill("Omar Again")
    form.get_by_role("button", name="Send the invitation").click()
    expect(form.get_by_role("alert")).to_contain_text("already on staff")
    expect(form.get_by_label("Name")).to_have_value("Omar Again")

    for name, email, team, role in INVITED:
        form = page.locator("#invite-form")
        form.get_by_label("Email").fill(email)
        form.get_by_label("Name").fill(name)
        form.get_by_label("Role").select_option(role)
        form.get_by_label("Team").select_option(label=team)
        form.get_by_role("button", name="Send the invitation").click()
        expect(page.locator("#invitation-list")).to_contain_text(email)
    rows = page.locator("#invitation-list tbody tr")
    expect(rows).to_have_count(3)
    for i in range(3):
        expect(rows.nth(i)).to_contain_text("pending")
    screenshot(page, "desk-admin-people")
    check_accessibility(page, "the people page with three invitations")

    # Ana opens her link in her own browser, chooses a password and lands at the desk.
    ana = browser.new_context(base_url=live_server, viewport=VIEWPORT, locale="en-GB")
    try:
        tab = ana.new_page()
        tab.goto(_link(make, "ana@desk.example"))
        expect(tab.get_by_role("heading", level=1)).to_have_text("Join the help desk")
        expect(tab.locator("main")).to_contain_text("Support")
        screenshot(tab, "invite-landing")
        check_accessibility(tab, "the invitation page")
        tab.get_by_label("Password (at least 10 characters)").fill("ana's long password")
        tab.get_by_role("button", name="Join and sign in").click()
        expect(tab).to_have_url(re.compile(r"/desk/queue/mine$"))
        expect(tab.locator("header.bar")).to_contain_text("Signed in as Ana Silva (agent)")
    finally:
        ana.close()

    page.reload()
    expect(page.locator("#invitation-list tbody tr")).to_have_count(2)
    expect(page.locator("#staff-list")).to_contain_text("ana@desk.example")

    # Omar leaves: deactivated, and his open case goes back to Support's queue, unowned.
    omar_row = page.locator("#staff-list tr", has_text="Omar Leaves")
    omar_row.get_by_role("button", name="Deactivate Omar Leaves").click()
    said = page.locator("#deactivated-said")
    expect(said).to_contain_text("Omar Leaves is deactivated")
    expect(said).to_contain_text("1 open case went back, unowned, to its team's queue.")
    expect(page.locator("#staff-list tr", has_text="Omar Leaves")).to_contain_text("deactivated")
    screenshot(page, "desk-admin-people-deactivated")

    page.goto(f"/desk/cases/{number}")
    expect(page.locator("#timeline")).to_contain_text("Riya Admin")
    page.goto("/desk/queue/unowned")
    expect(page.locator("main")).to_contain_text("Refund still missing")


def make_person(make: Factory, email: str):
    from tests.factories import Person

    with make.db.unit_of_work(write=False) as s:
        staff = s.scalar(select(Staff).where(Staff.email == email))
        assert staff is not None
        return Person(staff.id, email, {}, staff.team_id)
