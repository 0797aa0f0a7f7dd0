"""The browser fixtures (`live_server`, `browser`, `page`) for the tests of this folder; see browser.py."""

from tests.web.browser import browser, live_server, page

__all__ = ["browser", "live_server", "page"]
