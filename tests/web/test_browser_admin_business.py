"""The admin centre's business pages in a real browser: an admin brands the company (name, colour, logo), sets
the hours and a holiday, the SLA policy, an inbound address and an IMAP mailbox on a real Dovecot (tested, then
polled into a case for its team), and a customer then sees the company — not the product — in the portal."""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside import wiring
from sameside.cases.models import Case
from sameside.cases.rules import Priority
from sameside.cases.service_levels import service as service_levels
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.mailboxes.imap import ImapPoller
from tests.factories import PASSWORD, Factory
from tests.mailboxes.imap_server import Dovecot, running_dovecot
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in

SHOTS = Path("/tmp/sameside-admin-business")


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


def _png(colour: tuple[int, int, int], size: int = 48) -> bytes:
    """A real, small PNG (a square in one colour), as an admin would upload."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(colour) * size
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True, animations="disabled", caret="hide")
    screenshot(page, name)


def test_an_admin_sets_up_the_company_and_the_portal_shows_it(
    page: Page, live_server: str, make: Factory, db: Database, settings: Settings, dovecot: Dovecot, tmp_path: Path
) -> None:
    dovecot.clear()
    make.team("support", name="Support", email="support@acme.example")
    billing = make.team("billing", name="Billing", email="billing@acme.example")
    admin = _staff_who_can_sign_in(make, name="Riya Admin", email="riya@acme.example", role=Role.ADMIN)
    page.goto("/")
    _sign_in(page, admin, PASSWORD)

    # Branding: a colour white text cannot be read on is refused with the reason, then a good one is kept.
    page.goto("/desk/admin/branding")
    form = page.locator("#brand-form")
    form.get_by_label("Company name").fill("Acme Outdoors")
    form.get_by_label("Primary colour").fill("#ffcc00")
    form.get_by_role("button", name="Save name and colours").click()
    expect(page.locator("#brand-form").get_by_role("alert")).to_contain_text("contrast")
    page.locator("#brand-form").get_by_label("Primary colour").fill("#1f5f3f")
    page.locator("#brand-form").get_by_role("button", name="Save name and colours").click()
    expect(page.locator(".toast")).to_contain_text("Saved")
    logo = tmp_path / "acme.png"
    logo.write_bytes(_png((31, 95, 63)))
    page.locator("#logo-form input[type=file]").set_input_files(logo)
    page.locator("#logo-form").get_by_role("button", name="Upload logo").click()
    expect(page.locator("img[src^='/brand/logo/']").first).to_be_visible()
    _shot(page, "desk-admin-branding")
    check_accessibility(page, "the branding page")

    # Hours and a holiday.
    page.goto("/desk/admin/business")
    settings_form = page.locator("#settings-form")
    settings_form.get_by_label("Time zone").fill("Europe/Berlin")
    for day in ("Saturday",):
        settings_form.get_by_label(f"{day} opens").fill("10:00")
        settings_form.get_by_label(f"{day} closes").fill("14:00")
    settings_form.get_by_label("Support phone, shown on every portal page").fill("+49 30 1234 5678")
    settings_form.get_by_role("button", name="Save hours and promises").click()
    expect(page.locator(".toast")).to_contain_text("Saved")
    holiday = page.locator("#holiday-form")
    holiday.get_by_label("Date").fill("2031-12-24")
    holiday.get_by_label("Name").fill("Christmas Eve")
    holiday.get_by_role("button", name="Add holiday").click()
    expect(page.get_by_text("Christmas Eve")).to_be_visible()
    _shot(page, "desk-admin-business")
    check_accessibility(page, "the business page")

    # The SLA policy: a normal case answered within 45 business minutes.
    page.goto("/desk/admin")
    page.locator(".admin-sections").get_by_role("link", name="Service levels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service levels")
    page.get_by_label("Normal: first reply, minutes").fill("45")
    page.get_by_role("button", name="Save the policy").click()
    expect(page.locator(".toast")).to_contain_text("Saved")
    expect(page.get_by_label("Normal: first reply, minutes")).to_have_value("45")
    _shot(page, "desk-admin-service-levels")
    check_accessibility(page, "the service-levels policy page")
    with db.unit_of_work(write=False) as s:
        assert service_levels.defaults_for(s).targets[Priority.NORMAL].first_reply == 45

    # Channels: an inbound address for Billing, and Billing's IMAP mailbox on the real server.
    page.goto("/desk/admin/channels")
    address = page.locator("#address-form")
    address.get_by_label("Address").fill("invoices@acme.example")
    address.get_by_label("Team").select_option(label="Billing")
    address.get_by_role("button", name="Add address").click()
    expect(page.get_by_role("cell", name="invoices@acme.example", exact=True)).to_be_visible()
    box = page.locator("#mailbox-form")
    box.get_by_label("Name (for you; fixed once made)").fill("billing-inbox")
    box.get_by_label("Server", exact=True).fill(dovecot.host)
    box.get_by_label("Port", exact=True).fill(str(dovecot.port))
    box.get_by_label("TLS (IMAPS)").uncheck()
    box.get_by_label("User name").fill(dovecot.username)
    box.get_by_label("Password", exact=True).fill("wrong-password")
    box.get_by_label("Team").select_option(label="Billing")
    box.get_by_role("button", name="Add mailbox").click()
    expect(page.locator("details.mailbox summary")).to_contain_text("billing-inbox")
    expect(page.get_by_text("wrong-password")).to_have_count(0)
    page.locator("details.mailbox summary").click()
    _shot(page, "desk-admin-channels-mailbox")
    page.get_by_role("button", name="Test the connection to billing-inbox").click()
    expect(page.get_by_role("status").filter(has_text="refused the sign-in")).to_be_visible()  # says why
    mailbox = page.locator("details.mailbox")
    mailbox.get_by_label("New password (empty keeps the stored one)").fill(dovecot.password)
    mailbox.get_by_role("button", name="Save mailbox").click()
    page.locator("details.mailbox summary").click()
    page.get_by_role("button", name="Test the connection to billing-inbox").click()
    expect(page.locator("details.mailbox").get_by_role("status")).to_contain_text("INBOX")
    _shot(page, "desk-admin-channels")
    check_accessibility(page, "the channels page")

    # The poller takes the mailbox from the database, and its mail lands in Billing.
    dovecot.append(
        b"From: Ada Lovelace <ada@example.com>\r\nTo: billing@acme.example\r\nSubject: Invoice 42 is wrong\r\n"
        b"Message-ID: <" + uuid.uuid4().hex.encode() + b"@example.com>\r\n\r\nPlease fix it.\r\n"
    )
    poller = ImapPoller(wiring.intake(db, settings), [], stored=True)
    assert [m.name for m in poller.current()] == ["billing-inbox"]
    poller.poll_all()
    with db.unit_of_work(write=False) as s:
        assert s.execute(select(Case.subject, Case.team_id)).all() == [("Invoice 42 is wrong", billing.id)]

    # The customer's side: the company's name, colour and logo; no vendor line.
    customer = make.customer("jo@example.com", name="Jo Customer")
    token = make.customer_session(customer)["Cookie"].split("=", 1)[1]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sameside_session", "value": token, "url": live_server}])
    page.goto("/portal")
    expect(page).to_have_title("My cases · Acme Outdoors")
    expect(page.locator("header .brand")).to_contain_text("Acme Outdoors")
    expect(page.locator("header .brand img")).to_be_visible()
    expect(page.locator("footer")).to_have_text("Acme Outdoors")
    accent = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")
    assert accent == "#1f5f3f"  # the company's colour really applies (a stylesheet, not a blocked inline style)
    expect(page.get_by_text("Sameside")).to_have_count(0)
    _shot(page, "portal-branded")
    check_accessibility(page, "the branded portal")
