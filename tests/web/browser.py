"""The browser harness: the real app served over HTTP, driven by Debian's Chromium through Playwright.

- `live_server`: `create_app(settings, database=db)` under uvicorn, in a thread, on a free
  127.0.0.1 port; one per test, so it uses the test's own database (SQLite, then PostgreSQL).
- `browser`: one headless Chromium for the whole session — `/usr/bin/chromium`, never a
  browser Playwright downloads, with the flags that keep it off Google's servers.
- `page`: a fresh context and page per test, pointed at the live server (`page.goto("/")`).
  Any console error or uncaught script error fails the test: that is how a Content-Security-
  Policy violation, a broken script or a missing asset shows up.
- `check_accessibility(page, name)`: axe-core on the page as it is now; serious or critical
  violations fail, the rest are printed.
- `screenshot(page, name)`: a full-page PNG in docs/screenshots/ when SAMESIDE_SCREENSHOTS=1
  (`make screenshots`), otherwise nothing.

Name browser test modules `test_browser_*.py`, so `make screenshots` (`-k browser`) finds them.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright

from sameside.app import create_app
from sameside.config import Settings
from sameside.db.engine import Database
from tests.support import unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in containers, where the sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers often give /dev/shm 64 MB, too little for Chromium
    # No internet here, and no talking to Google's servers from a test anyway:
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
_STARTUP_SECONDS = 15.0


# --- the server -------------------------------------------------------------------------


def _free_socket() -> socket.socket:
    """A listening socket on a free loopback port, handed to uvicorn (no bind-then-rebind race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture
def live_server(db: Database, settings: Settings) -> Iterator[str]:
    """The real app on http://127.0.0.1:<free port>; yields that base URL."""
    sock = _free_socket()
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    app = create_app(settings.model_copy(update={"base_url": url}), database=db)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        server_header=False,  # as `sameside serve` runs it; WebSockets (/ws/live) on uvicorn's default
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _STARTUP_SECONDS
        while not _healthy(url):
            if not thread.is_alive():
                pytest.fail("the live server stopped while starting (its error is printed above)")
            if time.monotonic() > deadline:
                pytest.fail(f"the live server did not answer /healthz within {_STARTUP_SECONDS:.0f} s")
            time.sleep(0.02)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    assert not thread.is_alive(), "the live server did not shut down within 10 s"


# --- the browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the session."""
    if not CHROMIUM.exists():
        unavailable("Debian's chromium is not installed (CI installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


_FAILED_TO_LOAD_4XX = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d\b")


@dataclass
class _Console:
    """What the browser reported while the test ran."""

    errors: list[tuple[str, str]] = field(default_factory=list)  # (what, the URL it came from)
    documents: set[str] = field(default_factory=set)  # every URL the tab navigated to

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            url = (message.location or {}).get("url", "")
            self.errors.append((f"console.error: {message.text}" + (f" ({url})" if url else ""), url))

    def on_response(self, response: Response) -> None:
        # A form htmx sends is a page asked for as much as a navigation is: its refusal is the app's answer.
        if response.request.is_navigation_request() or response.request.headers.get("hx-request"):
            self.documents.add(response.url)

    def problems(self) -> list[str]:
        # A page the test navigated to that answers 4xx (a refused form's 401, say) is the app doing its
        # job, and Chromium logs it as "Failed to load resource"; the test asserts what that page shows.
        # A request htmx dropped for a newer one (a search as you type, superseded by the next key) is logged as
        # an error with its `afterRequest`; it is what the page asked for, not a fault.
        aborted = any(what.startswith("console.error: htmx:sendAbort") for what, _ in self.errors)
        superseded = ("console.error: htmx:sendAbort", "console.error: htmx:afterRequest") if aborted else ()
        # Anything else — a blocked script, a missing asset, a refused connection — is a problem.
        return [
            what
            for what, url in self.errors
            if not (url in self.documents and _FAILED_TO_LOAD_4XX.match(what.removeprefix("console.error: ")))
            and not what.startswith(superseded)
        ]


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh context and page on the live server; fails the test on any console or page error."""
    context = browser.new_context(base_url=live_server, viewport=VIEWPORT, locale="en-GB", service_workers="block")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    console = _Console()
    tab.on("console", console.on_console)
    tab.on("response", console.on_response)
    tab.on("pageerror", lambda error: console.errors.append((f"uncaught {error.name}: {error.message}", "")))
    yield tab
    if not tab.is_closed():
        tab.evaluate("0")  # one round trip, so events the browser already sent are delivered
    context.close()
    problems = console.problems()
    assert not problems, "the browser reported errors:\n  " + "\n  ".join(problems)


# --- helpers ----------------------------------------------------------------------------

_BLOCKING = ("serious", "critical")
_axe = Axe()


def check_accessibility(page: Page, name: str, *, exclude: list[str] | None = None) -> None:
    """axe-core on the page as it is: no serious or critical violations; the rest are printed.

    `exclude` leaves out markup that is not ours (Swagger UI's bundle on the API docs page).
    """
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    violations: list[dict[str, Any]] = _axe.run(page, context=context).response["violations"]
    blocking = [v for v in violations if v.get("impact") in _BLOCKING]
    minor = [v for v in violations if v.get("impact") not in _BLOCKING]
    if minor:
        print(f"axe on {name}: {len(minor)} minor: " + ", ".join(f"{v['id']} ({v['impact']})" for v in minor))
    assert not blocking, f"axe on {name} ({page.url}):\n" + "\n".join(_explain(v) for v in blocking)


def _explain(violation: dict[str, Any]) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}"]
    for node in violation["nodes"][:5]:
        target = " ".join(str(t) for t in node["target"])
        lines.append(f"    at {target}: {node['html'][:200]}")
        if node.get("failureSummary"):
            lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    if len(violation["nodes"]) > 5:
        lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def screenshot(page: Page, name: str) -> None:
    """docs/screenshots/<name>.png, the whole page, when SAMESIDE_SCREENSHOTS=1; else nothing."""
    if os.environ.get("SAMESIDE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True, animations="disabled", caret="hide")
