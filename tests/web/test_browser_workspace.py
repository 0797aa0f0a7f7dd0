"""The workspace and the portal in a real browser: an agent answers, a customer replies, pages update live."""

from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.customers.queries import customer_by_email
from sameside.kit.actors import Role
from sameside.staff.models import Staff, Team
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in


def _support_team(make: Factory) -> Team:
    return make.team("support", name="Support")


def test_an_agent_signs_in_takes_a_case_and_answers_it(page: Page, make: Factory) -> None:
    team = _support_team(make)
    email = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    with make.db.unit_of_work() as s:
        staff = s.scalar(select(Staff).where(Staff.email == email))
        assert staff is not None
        staff.team_id = team.id
    customer = make.customer("ana.silva@example.com", name="Ana Silva")
    number = make.case(customer, team=team, subject="My parcel never arrived", body="Order 4411, due Monday.").id

    page.goto("/")
    _sign_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine")
    page.get_by_role("link", name="Unowned").click()
    expect(page.get_by_role("link", name="My parcel never arrived")).to_be_visible()
    screenshot(page, "workspace-queue")
    check_accessibility(page, "workspace queue")

    page.get_by_role("link", name="My parcel never arrived").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My parcel never arrived")
    expect(page.locator("#timeline").get_by_text("Order 4411, due Monday.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ana Silva", exact=True)).to_be_visible()  # the customer, beside
    page.get_by_role("button", name="Take this case").click()
    expect(page.get_by_text("Owner: Dana Reyes", exact=True)).to_be_visible()
    expect(page.get_by_text("Dana Reyes took the case")).to_be_visible()

    page.get_by_label("Your reply").fill("Hello Ana, the courier found it; it arrives tomorrow.")
    page.get_by_role("button", name="Send reply").click()

    expect(page.locator("#timeline")).to_contain_text("the courier found it; it arrives tomorrow.")
    screenshot(page, "workspace-case")
    check_accessibility(page, f"case #{number}")


def test_a_customer_signs_in_by_link_and_replies_in_the_portal(page: Page, make: Factory) -> None:
    link = _magic_link(make, name="Casey Customer", email="casey@example.com")
    with make.db.unit_of_work(write=False) as s:
        customer = customer_by_email(s, "casey@example.com")
        assert customer is not None
        s.expunge_all()
    make.case(customer, subject="Refund for a broken vase", body="It arrived in pieces.")

    page.goto(link)
    page.get_by_role("button", name="Sign in to see your cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    expect(page.get_by_text("Talk to a person.")).to_be_visible()
    check_accessibility(page, "portal: my cases")
    page.get_by_role("link", name="Refund for a broken vase").click()
    expect(page.get_by_text("It arrived in pieces.")).to_be_visible()

    page.get_by_label("Your message").fill("I have photos of the box, too.")
    page.get_by_role("button", name="Send").click()

    expect(page.locator("#timeline")).to_contain_text("I have photos of the box, too.")
    screenshot(page, "portal-case")
    check_accessibility(page, "portal: a case")


def test_a_customer_message_appears_on_the_agents_open_page_without_a_reload(
    page: Page, make: Factory, live_server: str
) -> None:
    email = _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=Role.SUPERVISOR)
    customer = make.customer("bo@example.com", name="Bo Berg")
    number = make.case(customer, subject="Wrong size delivered", body="I ordered M.").id
    page.goto("/")
    _sign_in(page, email, PASSWORD)
    page.goto(f"/desk/cases/{number}")
    expect(page.locator("#timeline").get_by_text("I ordered M.")).to_be_visible()
    page.get_by_label("Your reply").fill("a draft the agent is still typing")

    request = urllib.request.Request(
        f"{live_server}/api/v1/cases/{number}/replies",
        data=json.dumps({"body": "And the colour is wrong too."}).encode(),
        headers={**make.customer_session(customer), "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201

    expect(page.locator("#timeline")).to_contain_text("And the colour is wrong too.", timeout=10_000)
    expect(page.get_by_label("Your reply")).to_have_value("a draft the agent is still typing")  # nothing lost


def test_every_other_page_of_the_workspace_and_portal_passes_axe(page: Page, make: Factory) -> None:
    shipping = make.department("shipping")
    team = _support_team(make)
    email = _staff_who_can_sign_in(make, name="Robin Ode", email="robin@desk.example", role=Role.SUPERVISOR)
    with make.db.unit_of_work() as s:
        staff = s.scalar(select(Staff).where(Staff.email == email))
        assert staff is not None
        staff.department_id, staff.team_id = shipping.id, team.id
    link = _magic_link(make, name="Casey Customer", email="casey@example.com")
    with make.db.unit_of_work(write=False) as s:
        customer = customer_by_email(s, "casey@example.com")
        assert customer is not None
        s.expunge_all()
    number = make.case(customer, team=team, subject="Broken zip").id

    page.goto("/")
    _sign_in(page, email, PASSWORD)
    for path, name in (
        ("/desk/queue/team", "workspace: my team"),
        ("/desk/queue/internal", "workspace: waiting on internal"),
        ("/desk/department", "department view"),
        ("/desk/callbacks", "callbacks due"),
        ("/desk/reports/fairness", "fairness report"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_accessibility(page, name)
    screenshot(page, "workspace-callbacks")
    page.context.clear_cookies()

    page.goto("/portal")
    check_accessibility(page, "portal: sign in")
    page.goto(link)
    page.get_by_role("button", name="Sign in to see your cases").click()
    for path, name in (
        (f"/portal/cases/{number}/callback", "portal: book a call"),
        ("/portal/new", "portal: new request"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_accessibility(page, name)
    screenshot(page, "portal-new-request")
