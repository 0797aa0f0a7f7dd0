"""The front door: what is here, staff sign-in by form, the API docs served from here, and the security headers."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from sameside.staff.models import Staff
from tests.factories import PASSWORD, Factory, Person
from tests.web.sign_in_forms import sign_in_form

SIGN_IN_FORM = re.compile(r'<form[^>]*method="post"[^>]*action="/sign-in"', re.I)


# A real Argon2id hash of PASSWORD with small cost parameters: verification reads the cost from
# the hash, so signing in stays a real password check but takes milliseconds, not a quarter second.
_CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


def _staff_who_can_sign_in(make: Factory, role: Role = Role.AGENT, **kwargs: Any) -> Person:
    person = make.staff(role, password=None, **kwargs)
    with make.db.unit_of_work() as s:
        staff = s.get(Staff, person.id)
        assert staff is not None
        staff.password_hash = _CHEAP_HASH
    return person


def _script_src(response: Any) -> list[str]:
    """The script-src of a response's Content-Security-Policy (or default-src, which it falls back to)."""
    csp = response.headers.get("content-security-policy")
    assert csp, f"{response.request.method} {response.request.url.path} has no Content-Security-Policy"
    directives = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    sources = directives.get("script-src", directives.get("default-src"))
    assert sources is not None, f"no script-src nor default-src in {csp!r}"
    return sources


def _assert_scripts_locked_down(response: Any) -> None:
    assert response.headers["content-type"].startswith("text/html")
    sources = _script_src(response)
    where = f"{response.request.method} {response.request.url.path}"
    assert "'unsafe-inline'" not in sources, where
    assert "*" not in sources, where
    assert not [s for s in sources if s.startswith(("http:", "https:"))], f"{where}: scripts from elsewhere: {sources}"
    # Every inline script the page has must be allowed by its hash, or the browser will not run it.
    for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.text, flags=re.S | re.I):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in sources, f"{where}: an inline script is not allowed by the policy"
    assert not re.search(r"\son[a-z]+\s*=", response.text, re.I), f"{where}: inline event handlers are blocked by CSP"


def test_the_front_page_says_what_is_here(client: TestClient) -> None:
    page = client.get("/")

    assert page.status_code == 200
    assert 'href="/api/v1/docs"' in page.text
    assert SIGN_IN_FORM.search(page.text)
    assert 'name="email"' in page.text
    assert 'name="password"' in page.text
    assert "Signed in as" not in page.text
    _assert_scripts_locked_down(page)


def test_signing_in_by_form_redirects_and_then_the_page_says_who_you_are(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, Role.SUPERVISOR, email="frida@desk.example")

    form = {"email": staff.email, "password": PASSWORD, "presession": sign_in_form(client)}
    signed_in = client.post("/sign-in", data=form, follow_redirects=False)

    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/desk"  # straight to the workspace
    page = client.get("/")
    assert page.status_code == 200
    assert "Signed in as" in page.text
    assert "(supervisor)" in page.text
    assert not SIGN_IN_FORM.search(page.text)
    _assert_scripts_locked_down(page)
    # The same session works for the API.
    assert client.get("/api/v1/staff/me").json()["id"] == staff.id


def test_a_bad_sign_in_shows_an_error_with_401(client: TestClient, make: Factory) -> None:
    _staff_who_can_sign_in(make, email="gus@desk.example")

    form = {"email": "gus@desk.example", "password": "not it", "presession": sign_in_form(client)}
    page = client.post("/sign-in", data=form, follow_redirects=False)

    assert page.status_code == 401
    assert 'role="alert"' in page.text
    assert "not correct" in page.text
    assert 'value="gus@desk.example"' in page.text  # the address is kept; the password is not
    assert "not it" not in page.text
    assert "sameside_session" not in page.headers.get("set-cookie", "")
    assert "Signed in as" not in client.get("/").text
    _assert_scripts_locked_down(page)


def test_what_a_failed_sign_in_echoes_is_escaped(client: TestClient) -> None:
    evil = '"><script>alert(1)</script>'
    page = client.post("/sign-in", data={"email": evil, "password": "x", "presession": sign_in_form(client)})
    assert page.status_code == 401
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_api_docs_are_served_from_here_not_a_cdn(client: TestClient) -> None:
    docs = client.get("/api/v1/docs")

    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    assert '"/static/docs/swagger-ui-bundle.js"' in docs.text
    assert "/api/v1/openapi.json" in docs.text
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', docs.text)
    assert not external, f"the docs page loads from elsewhere: {external}"
    _assert_scripts_locked_down(docs)

    bundle = client.get("/static/docs/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert "javascript" in bundle.headers["content-type"]
    assert len(bundle.content) > 100_000
    assert client.get("/static/docs/swagger-ui.css").status_code == 200
    assert client.get("/api/v1/openapi.json").json()["info"]["title"]


def test_every_page_forbids_inline_scripts(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, email="hana@desk.example")
    anonymous_pages = [
        client.get("/"),
        client.get("/api/v1/docs"),
        client.get("/auth/magic", params={"token": "some-token"}),
        client.get("/auth/magic"),
        client.post("/auth/magic", data={"token": "spent-or-made-up"}),
        client.post("/sign-in", data={"email": "nobody@desk.example", "password": "wrong"}),
        client.post("/tokens", data={"csrf": "x"}),
    ]
    client.post("/sign-in", data={"email": staff.email, "password": PASSWORD, "presession": sign_in_form(client)})
    signed_in_pages = [client.get("/"), client.get("/auth/magic", params={"token": "t"})]

    for page in anonymous_pages + signed_in_pages:
        assert page.headers["content-type"].startswith("text/html"), page.request.url
        _assert_scripts_locked_down(page)


def test_health_check(client: TestClient) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"


def test_signing_out_ends_the_session_on_the_server_even_from_a_stale_form(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, email="ivo@desk.example")
    form = {"email": staff.email, "password": PASSWORD, "presession": sign_in_form(client)}
    client.post("/sign-in", data=form, follow_redirects=False)
    copied = client.cookies.get("sameside_session")
    assert copied and client.get("/api/v1/staff/me").status_code == 200

    out = client.post("/sign-out", data={"csrf": "from a page long closed"}, follow_redirects=False)

    assert out.status_code == 303
    client.cookies.set("sameside_session", copied)  # a copy of the cookie kept from before
    assert client.get("/api/v1/staff/me").status_code == 401
