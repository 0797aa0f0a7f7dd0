"""A form sent with JavaScript on that gets no usable answer says so inside the form, and keeps what was typed.

The failures are made in the browser's own network (Playwright's routing) for one address: the server is
unreachable, or answers 503, for that one request; the next try goes through as usual.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Route, expect

from tests.factories import Factory
from tests.web.browser import VIEWPORT, check_accessibility
from tests.web.test_browser_desk_feedback import _agent

TYPED = "We are sending the right size today; sorry for the wait."
EXPECTED = (
    "htmx:sendError",
    "htmx:timeout",
    "htmx:afterRequest",
    "htmx:responseError",
    "Response Status Error Code 503",
    "Failed to load resource",
)
"""What the browser logs for the one request made to fail; anything else it logs fails the test."""


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """The usual page, save that the failures made on purpose here are not counted as the browser's errors."""
    context = browser.new_context(base_url=live_server, viewport=VIEWPORT, locale="en-GB", service_workers="block")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(EXPECTED):
            errors.append(message.text)

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: errors.append(f"uncaught {error.name}: {error.message}"))
    yield tab
    if not tab.is_closed():
        tab.evaluate("0")
    context.close()
    assert not errors, "the browser reported errors:\n  " + "\n  ".join(errors)


def test_a_reply_sent_while_the_network_is_down_says_so_in_the_form_and_keeps_the_text(
    page: Page, make: Factory
) -> None:
    _agent(page, make, team=False)
    number = make.case(subject="Wrong size", body="I ordered M.").id
    page.goto(f"/desk/cases/{number}")
    page.route(f"**/desk/cases/{number}/reply", lambda route: route.abort("internetdisconnected"), times=1)
    reply = page.locator("form[action$='/reply']")
    reply.get_by_label("Your reply").fill(TYPED)
    reply.get_by_role("button", name="Send reply").click()

    expect(reply.get_by_role("alert")).to_contain_text("could not reach Sameside")
    expect(reply.get_by_label("Your reply")).to_have_value(TYPED)
    check_accessibility(page, "a reply the network dropped")

    reply.get_by_role("button", name="Send reply").click()  # the network is back: trying again sends it
    expect(page.locator("#timeline")).to_contain_text("We are sending the right size today")
    expect(page.locator("[data-form-error]")).to_have_count(0)


def test_a_server_failure_on_a_reply_says_so_in_the_form_and_keeps_the_text(page: Page, make: Factory) -> None:
    _agent(page, make, team=False)
    number = make.case(subject="Wrong size", body="I ordered M.").id
    page.goto(f"/desk/cases/{number}")

    def unavailable(route: Route) -> None:
        route.fulfill(status=503, content_type="text/html", body="<h1>Service Unavailable</h1>")

    page.route(f"**/desk/cases/{number}/reply", unavailable, times=1)
    reply = page.locator("form[action$='/reply']")
    reply.get_by_label("Your reply").fill(TYPED)
    reply.get_by_role("button", name="Send reply").click()

    expect(reply.get_by_role("alert")).to_contain_text("went wrong on our side (503)")
    expect(reply.get_by_label("Your reply")).to_have_value(TYPED)
    expect(page.get_by_role("heading", name="Service Unavailable")).to_have_count(0)  # the page was not replaced

    reply.get_by_role("button", name="Send reply").click()
    expect(page.locator("#timeline")).to_contain_text("We are sending the right size today")


def test_a_reply_the_server_never_answers_is_reported_once_htmx_gives_up(page: Page, make: Factory) -> None:
    _agent(page, make, team=False)
    number = make.case(subject="Wrong size", body="I ordered M.").id
    page.goto(f"/desk/cases/{number}")
    assert page.evaluate("window.htmx.config.timeout") > 0  # a hung request is not waited on for ever
    page.evaluate("window.htmx.config.timeout = 300")  # the page's own limit, shortened for the test

    def slow(route: Route) -> None:
        time.sleep(1)  # longer than the limit: the browser has given up by now
        with contextlib.suppress(Error):  # the request may already be gone
            route.abort()

    page.route(f"**/desk/cases/{number}/reply", slow, times=1)
    reply = page.locator("form[action$='/reply']")
    reply.get_by_label("Your reply").fill(TYPED)
    reply.get_by_role("button", name="Send reply").click()

    expect(reply.get_by_role("alert")).to_contain_text("did not answer in time")
    expect(reply.get_by_label("Your reply")).to_have_value(TYPED)
