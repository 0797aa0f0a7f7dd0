"""The chat widget on a plain page of another site, in a real browser: a visitor reaches a person and back."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sameside.kit.actors import Role
from tests.factories import Factory
from tests.web.browser import check_accessibility, screenshot

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Shop</title><link rel="icon" href="data:,"></head>
<body><main><h1>Acme Shop</h1><p>Garden furniture, delivered.</p></main>
<script src="{desk}/widget.js" defer></script></body></html>
"""


@pytest.fixture
def shop(tmp_path: Path, live_server: str) -> Iterator[str]:
    """Somebody else's website, on another origin, that includes our widget."""
    (tmp_path / "index.html").write_text(PAGE.format(desk=live_server))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))

    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:  # a browser closing early
            pass

    server = Quiet(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


def test_a_visitor_chats_from_another_site_and_a_person_answers(
    page: Page, make: Factory, shop: str, live_server: str
) -> None:
    agent = make.staff(Role.SUPERVISOR, team=make.team("support"), password=None)  # on duty: calls can be booked
    page.goto(shop)
    page.get_by_role("button", name="Chat with a person").click()
    page.get_by_label("Your name").fill("Ana Silva")
    page.get_by_label("Your email (for our answer if you leave)").fill("ana@example.com")
    page.get_by_label("How can we help?").fill("Is the oak bench back in stock?")
    page.get_by_role("button", name="Start chat").click()

    log = page.get_by_role("log")
    expect(log).to_contain_text("Is the oak bench back in stock?")
    expect(page.get_by_role("status")).to_contain_text("Nobody is online right now")
    expect(page.get_by_role("status")).not_to_contain_text("in the queue")  # no place in a queue nobody works

    with urllib.request.urlopen(
        urllib.request.Request(f"{live_server}/api/v1/cases?limit=5", headers=agent.headers), timeout=10
    ) as listing:
        [case] = json.loads(listing.read())["items"]
    assert case["channel"] == "chat"
    answer = urllib.request.Request(
        f"{live_server}/api/v1/cases/{case['number']}/replies",
        data=json.dumps({"body": "It is, Ana: back since Monday."}).encode(),
        headers={**agent.headers, "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(answer, timeout=10) as done:
        assert done.status == 201

    expect(log).to_contain_text("It is, Ana: back since Monday.")

    # Nobody had the workspace open: besides leaving the message, the visitor may book a call.
    page.get_by_label("Your phone number").fill("+49 30 5550101")
    page.get_by_role("button", name="Book a call").click()
    expect(page.get_by_role("status")).to_contain_text("Booked: a person will call you")
    expect(page.get_by_role("button", name="Book a call")).to_be_hidden()
    page.get_by_label("Your message").fill("Great, thank you!")
    page.get_by_role("button", name="Send").click()
    expect(log).to_contain_text("Great, thank you!")
    screenshot(page, "chat-widget")
    check_accessibility(page, "a shop page with the chat widget open")
