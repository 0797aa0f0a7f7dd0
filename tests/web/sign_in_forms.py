"""What a browser does around our sign-in forms, for tests that post them over HTTP."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from sameside.auth.service import SEND_SIGN_IN_LINK
from sameside.jobs.run import Provided
from sameside.worker.runner import Runner

_PRESESSION = re.compile(r'name="presession" value="([^"]+)"')


def presession_of(page: Any) -> str:
    """The pre-session token a page's sign-in form carries (its cookie is in the client's jar)."""
    match = _PRESESSION.search(page.text)
    assert match, "the page has no sign-in form with a pre-session token"
    return match.group(1)


def sign_in_form(client: TestClient, path: str = "/") -> str:
    """Open a page with a sign-in form, as a person does before posting it; its pre-session token."""
    return presession_of(client.get(path))


def work_off_sign_in_links(client: TestClient) -> int:
    """Run the sign-in-link jobs queued so far, as the worker would; how many ran."""
    runner = Runner(client.app.state.db, client.app.state.settings, Provided())  # type: ignore[attr-defined]
    ran = 0
    while runner.run_next([SEND_SIGN_IN_LINK]):
        ran += 1
    return ran
