"""Webhooks in the admin centre, in a real browser: an admin adds a receiver on the company's own network,
copies the secret shown once, allows the private host, sends a test that the receiver verifies with the
reference library, reads the delivery log, pauses and resumes, and rotates the secret."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in
from tests.webhooks.receiver import Receiver
from tests.webhooks.support import deliver_due


def test_an_admin_connects_a_receiver_and_reads_what_it_was_sent(
    page: Page, make: Factory, db: Database, settings: Settings
) -> None:
    admin = _staff_who_can_sign_in(make, name="Riya Admin", email="riya@desk.example", role=Role.ADMIN)
    with Receiver().running() as receiver:
        page.goto("/")
        _sign_in(page, admin, PASSWORD)
        page.goto("/desk/admin")
        page.locator(".admin-sections").get_by_role("link", name="Webhooks").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
        check_accessibility(page, "the webhooks page")

        form = page.locator("#webhook-form")
        form.get_by_label("Receiver URL").fill(receiver.url())
        form.get_by_label("What it is for").fill("CRM sync")
        form.get_by_role("button", name="Add the webhook").click()
        expect(form.get_by_role("alert")).to_contain_text("Choose at least one event")
        expect(form.get_by_label("What it is for")).to_have_value("CRM sync")  # what was typed stays

        form.get_by_label("case.created").check()
        form.get_by_label("reply.sent").check()
        form.get_by_role("button", name="Add the webhook").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Webhook: CRM sync")
        secret = page.locator("#new-secret code").inner_text()
        assert secret.startswith("whsec_")
        receiver.secrets.append(secret)
        screenshot(page, "desk-admin-webhook-created")
        check_accessibility(page, "a new webhook with its secret")

        page.get_by_role("link", name="All webhooks").click()
        expect(page.locator("#webhook-list tbody tr")).to_have_count(1)
        page.get_by_role("link", name="CRM sync").click()
        expect(page.locator("#new-secret")).to_have_count(0)  # shown once: never again
        expect(page.get_by_text(secret)).to_have_count(0)

        page.get_by_role("button", name="Send a test message").click()
        expect(page.locator(".toast")).to_have_text("Saved.")
        deliver_due(db, settings)
        page.reload()
        log = page.locator("#delivery-log")
        expect(log).to_contain_text("webhook.ping")
        expect(log).to_contain_text("next try")  # tried again later, by the schedule
        log.locator("summary").first.click()
        expect(log.locator("details").first).to_contain_text("Refused: 127.0.0.1 resolves to 127.0.0.1 is a loopback")
        assert receiver.received == []

        page.get_by_role("link", name="All webhooks").click()
        hosts = page.locator("#host-form")
        hosts.get_by_label("Host name or IP address").fill("127.0.0.1:8080")
        hosts.get_by_role("button", name="Allow the host").click()
        expect(page.locator("#host-form").get_by_role("alert")).to_contain_text("without a port")
        page.locator("#host-form").get_by_label("Host name or IP address").fill("127.0.0.1")
        page.locator("#host-form").get_by_role("button", name="Allow the host").click()
        expect(page.locator("#host-list")).to_contain_text("127.0.0.1")

        page.get_by_role("link", name="CRM sync").click()
        page.get_by_role("button", name="Deliver again").first.click()
        expect(page.locator(".toast")).to_have_text("Saved.")  # the redelivery has committed
        deliver_due(db, settings)
        page.reload()
        expect(page.locator("#delivery-log")).to_contain_text("delivered")
        [got] = receiver.received
        assert got.verified_by == [secret]
        assert json.loads(got.body)["type"] == "webhook.ping"
        page.locator("#delivery-log summary").first.click()
        expect(page.locator("#delivery-log")).to_contain_text("by hand")
        screenshot(page, "desk-admin-webhook-log")
        check_accessibility(page, "a webhook's delivery log")

        page.get_by_role("button", name="Pause").click()
        expect(page.locator("#webhook-state")).to_contain_text("Paused")
        page.get_by_role("button", name="Resume").click()
        expect(page.locator("#webhook-state")).to_contain_text("Active")

        page.get_by_role("button", name="Rotate the secret").click()
        rotated = page.locator("#new-secret code").inner_text()
        assert rotated.startswith("whsec_") and rotated != secret
        expect(page.locator("#new-secret")).to_contain_text("signature by the old secret too")
