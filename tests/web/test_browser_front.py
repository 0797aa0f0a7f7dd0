"""The front door in a real browser: what a visitor sees, the API docs, staff sign-in by form, a customer's magic link.

Each test drives Debian's Chromium against the real app on a loopback port (see browser.py); any console
error — a script the Content-Security-Policy blocks, a missing asset — fails it, and every page is checked
with axe.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from playwright.sync_api import Page, expect

from sameside.auth import service as auth_service
from sameside.customers.models import Customer
from sameside.kit.actors import Role
from sameside.staff.models import Staff
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility, screenshot

# A real Argon2id hash of PASSWORD with small cost parameters: verification reads the cost from
# the hash, so signing in stays a real password check but takes milliseconds, not a quarter second.
_CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


def _staff_who_can_sign_in(make: Factory, *, name: str, email: str, role: Role = Role.AGENT) -> str:
    """A staff member with a fixed name (screenshots stay the same from run to run); returns their email."""
    person = make.staff(role, password=None, email=email)
    with make.db.unit_of_work() as s:
        staff = s.get(Staff, person.id)
        assert staff is not None
        staff.password_hash = _CHEAP_HASH
        staff.name = name
    return person.email


def _magic_link(make: Factory, *, name: str, email: str) -> str:
    customer = make.customer(email=email, name=name)
    with make.db.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        token = auth_service.issue_magic_link(s, row, minutes=30)
    return f"/auth/magic?token={token}"


def _sign_in(page: Page, email: str, password: str) -> None:
    """What a person does at the staff sign-in form: type the address and password, press the button."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_a_visitor_sees_what_is_here_and_how_to_sign_in(page: Page) -> None:
    page.goto("/")

    expect(page).to_have_title("Sameside")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sameside")
    expect(page.get_by_role("link", name="API documentation")).to_be_visible()
    expect(page.get_by_role("link", name="OpenAPI description")).to_be_visible()
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    expect(page.get_by_label("Email")).to_be_editable()
    expect(page.get_by_label("Password")).to_be_editable()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_enabled()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    screenshot(page, "front-page")
    check_accessibility(page, "front page")


def test_the_api_docs_open_from_the_front_page_and_show_swagger_ui(page: Page) -> None:
    page.goto("/")

    page.get_by_role("link", name="API documentation").click()

    expect(page).to_have_url(re.compile(r"/api/v1/docs$"))
    expect(page).to_have_title("Sameside API")
    # Swagger UI ran (its script is allowed by hash) and fetched the OpenAPI document: a 350 KB document
    # built on first request (about 0.8 s on a quiet machine, several under a loaded, traced test run).
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Sameside API", timeout=20_000)
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/cases").first).to_be_visible()
    screenshot(page, "api-docs")
    check_accessibility(page, "API docs", exclude=[".swagger-ui"])  # Swagger UI's own markup is not ours


def test_a_staff_member_signs_in_through_the_form_and_out_again(page: Page, make: Factory) -> None:
    email = _staff_who_can_sign_in(make, name="Frida Lund", email="frida@desk.example", role=Role.SUPERVISOR)
    page.goto("/")

    _sign_in(page, email, PASSWORD)

    expect(page.get_by_text("Signed in as Frida Lund (supervisor)")).to_be_visible()
    assert _path(page) != "/sign-in", "a successful sign-in redirects away from the form's POST"
    expect(page.get_by_role("heading", name="Staff sign-in")).to_have_count(0)
    screenshot(page, "signed-in-staff")
    check_accessibility(page, f"staff landing page {_path(page)}")

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    page.reload()  # the session is gone for good, not just from this page
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_a_signed_in_staff_member_creates_an_api_token_for_the_docs(page: Page, make: Factory) -> None:
    email = _staff_who_can_sign_in(make, name="Gus Berg", email="gus@desk.example")
    page.goto("/")
    _sign_in(page, email, PASSWORD)
    expect(page.get_by_text("Signed in as Gus Berg (agent)")).to_be_visible()
    page.goto("/")

    page.get_by_role("button", name="Create an API token for the docs").click()

    expect(page.get_by_text("Your new token (shown once")).to_be_visible()
    token = page.locator("code.token")
    expect(token).to_be_visible()
    assert len(token.inner_text().strip()) >= 20
    check_accessibility(page, "front page with a new API token")


def test_a_wrong_password_is_explained_on_the_page(page: Page, make: Factory) -> None:
    email = _staff_who_can_sign_in(make, name="Hana Sato", email="hana@desk.example")
    page.goto("/")

    _sign_in(page, email, "not the password")

    expect(page.get_by_role("alert")).to_have_text("The email or password is not correct.")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    # The form is there to try again, with the address kept and the password not.
    expect(page.get_by_label("Email")).to_have_value(email)
    expect(page.get_by_label("Password")).to_have_value("")
    screenshot(page, "sign-in-refused")
    check_accessibility(page, "refused sign-in")
    page.goto("/")
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_a_customer_follows_a_magic_link_confirms_and_is_signed_in(page: Page, make: Factory) -> None:
    link = _magic_link(make, name="Casey Customer", email="casey@example.com")

    page.goto(link)

    expect(page).to_have_title(re.compile("Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("Signed in as")).to_have_count(0)  # opening the link alone signs nobody in
    screenshot(page, "magic-link")
    check_accessibility(page, "magic-link landing")

    page.get_by_role("button", name="Sign in to see your cases").click()

    expect(page.get_by_text("Signed in as Casey Customer (customer)")).to_be_visible()
    assert not _path(page).startswith("/auth/magic"), "a used link redirects away from the form's POST"
    screenshot(page, "signed-in-customer")
    check_accessibility(page, f"customer landing page {_path(page)}")


def test_a_magic_link_used_twice_is_refused_with_a_clear_message(page: Page, make: Factory) -> None:
    link = _magic_link(make, name="Dana Doe", email="dana@example.com")
    page.goto(link)
    page.get_by_role("button", name="Sign in to see your cases").click()
    expect(page.get_by_text("Signed in as Dana Doe (customer)")).to_be_visible()
    page.context.clear_cookies()

    page.goto(link)
    page.get_by_role("button", name="Sign in to see your cases").click()

    expect(page.get_by_role("alert")).to_have_text("This sign-in link is not valid any more; ask for a new one.")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in to see your cases")).to_have_count(0)
    check_accessibility(page, "spent magic link")
