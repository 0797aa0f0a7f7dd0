"""The composer in a real browser: an agent writes Markdown, previews it as Ana will read it, copies Ben, sends;
the timeline shows the reply rendered and what became of its email, live, as the worker sends it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.mail import outbox
from sameside.staff.models import Staff
from sameside.worker.delivery import Deliverer
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in
from tests.worker.smtp_sink import Sink, smtp_sink

DRAFT = "Hello Ana,\n**your refund** is on its way: [track it](https://acme.example/t/41).\n\n<script>alert(1)</script>"


@pytest.fixture
def sink() -> Iterator[Sink]:
    with smtp_sink() as s:
        yield s


@pytest.fixture
def relay(settings: Settings, sink: Sink) -> Iterator[Settings]:
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="acme.example", from_address="support@acme.example"))
    yield settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_timeout": 10.0})
    outbox.configure(saved)


def test_an_agent_previews_a_markdown_reply_copies_someone_and_sees_it_sent(
    page: Page, make: Factory, db: Database, sink: Sink, relay: Settings
) -> None:
    team = make.team("support", name="Support")
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    number = make.case(
        make.customer("ana.silva@example.com", name="Ana Silva"), team=team, subject="Refund for the kettle"
    ).id
    with make.db.unit_of_work() as s:
        person = s.query(Staff).filter(Staff.email == dana).one()
        person.team_id = team.id
        service.assign(s, SYSTEM, case_for(s, SYSTEM, number), person)

    page.goto("/")
    _sign_in(page, dana, PASSWORD)
    page.goto(f"/desk/cases/{number}")
    page.get_by_label("Your reply").fill(DRAFT)

    # The preview draws it as Ana will read it: bold, a live link, the script shown as text.
    preview_button = page.get_by_role("button", name="Preview")
    preview_button.click()
    expect(preview_button).to_have_attribute("aria-expanded", "true")
    region = page.locator("#reply-preview")
    expect(region.locator(".preview-body strong")).to_have_text("your refund")
    expect(region.get_by_role("link", name="track it")).to_have_attribute("href", "https://acme.example/t/41")
    expect(region).to_contain_text("<script>alert(1)</script>")
    expect(region.locator("script")).to_have_count(0)
    expect(region).to_contain_text("by email to ana.silva@example.com")

    # Cc: shown because the answer goes by email; the preview follows it.
    page.get_by_label("Cc", exact=True).fill("ben.silva@example.com")
    expect(region).to_contain_text("Cc ben.silva@example.com")
    check_accessibility(page, "case page with the reply previewed and a Cc")
    screenshot(page, "desk-composer-preview")

    # On the portal there is no copy to send: the Cc goes away with the choice.
    channel = page.get_by_label("Answer on")
    channel.select_option("portal")
    expect(page.get_by_label("Cc", exact=True)).to_be_hidden()
    channel.select_option("email")
    expect(page.get_by_label("Cc", exact=True)).to_have_value("ben.silva@example.com")

    page.get_by_role("button", name="Send reply").click()
    reply = page.locator("#timeline li.entry-outbound").last
    expect(reply.locator(".body.markdown strong")).to_have_text("your refund")
    expect(reply.locator("script")).to_have_count(0)
    expect(reply.locator(".delivery")).to_have_text(
        "Email queued, going out now. To ana.silva@example.com, Cc ben.silva@example.com."
    )

    # The worker hands it to the relay; the open page says so by itself.
    assert Deliverer(db, relay).deliver_next()
    [got] = sink.wait_for(1)
    assert got.rcpt_tos == ["ana.silva@example.com", "ben.silva@example.com"]
    expect(reply.locator(".delivery")).to_have_text(
        re.compile(r"^Email sent \d\d \w{3} \d\d:\d\d\. To ana\.silva@example\.com, Cc ben\.silva@example\.com\.$"),
        timeout=15_000,
    )
    check_accessibility(page, "case page with a sent Markdown reply")
    screenshot(page, "desk-composer-sent")
