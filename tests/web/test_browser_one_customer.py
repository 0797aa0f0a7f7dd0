"""One customer, one picture, in Chromium: another team's case from the customer panel, the case a back-office
member is consulted on, a transferred case from its notification, and honest not-found pages (desk, portal,
an unknown address)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from sameside.auth import service as auth
from sameside.cases import service as case_service
from sameside.cases.access import case_for
from sameside.cases.rules import HandoffBrief
from sameside.consults import service as consult_service
from sameside.customers.models import Customer
from sameside.kit.actors import Role
from sameside.kit.hours import parse_hours
from sameside.staff import notifications
from sameside.staff.models import Department, Staff, Team
from tests.factories import SYSTEM, Factory, Person
from tests.web.browser import check_accessibility, screenshot

EVERY_HOUR = parse_hours("Mon-Sun 00:00-23:59", "UTC")


def _as_staff(page: Page, live_server: str, make: Factory, person: Person) -> None:
    with make.db.unit_of_work() as s:
        staff = s.get(Staff, person.id)
        assert staff is not None
        token = auth.open_session(s, staff=staff, days=1).token
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sameside_session", "value": token, "url": live_server}])


def _as_customer(page: Page, live_server: str, make: Factory, customer: Customer) -> None:
    token = make.customer_session(customer)["Cookie"].split("=", 1)[1]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sameside_session", "value": token, "url": live_server}])


def test_an_agent_opens_another_teams_case_from_the_customer_panel(page: Page, live_server: str, make: Factory) -> None:
    support, billing = make.team(name="Support"), make.team(name="Billing")
    agent = make.staff(Role.AGENT, team=support, password=None)
    ana = make.customer("ana.silva@example.com", name="Ana Silva")
    here = make.case(ana, team=support, subject="Parcel never arrived").id
    make.case(ana, team=billing, subject="Charged twice for order 4411", body="Two charges on my card.")

    _as_staff(page, live_server, make, agent)
    page.goto(f"/desk/cases/{here}")
    panel = page.get_by_role("region", name="Ana Silva")
    expect(panel.get_by_text("Billing")).to_be_visible()
    panel.get_by_role("link", name="Charged twice for order 4411").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Charged twice for order 4411")
    expect(page.locator("#timeline").get_by_text("Two charges on my card.")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("Read only: this case is Billing's")
    screenshot(page, "desk-case-another-team")
    check_accessibility(page, "another team's case, read only")

    page.get_by_role("link", name="Ana Silva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Silva")
    expect(page.get_by_role("link", name="Parcel never arrived")).to_be_visible()
    expect(page.get_by_text("ana.silva@example.com")).to_be_visible()
    check_accessibility(page, "customer page")

    page.goto("/desk/customers")
    page.get_by_label("Email address, phone number or name").fill("ana.sil")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("link", name="Ana Silva")).to_be_visible()
    screenshot(page, "desk-customers")
    check_accessibility(page, "customer list")


def test_a_back_office_member_opens_the_case_they_are_consulted_on(page: Page, live_server: str, make: Factory) -> None:
    team = make.team(name="Support")
    shipping = make.department("shipping")
    clerk = make.staff(Role.AGENT, department=shipping, password=None)
    number = make.case(team=team, subject="Where is parcel 4411?", body="It left Leipzig on Monday.").id
    with make.db.unit_of_work() as s:
        department = s.get(Department, shipping.id)
        assert department is not None
        consult_service.ask(s, SYSTEM, case_for(s, SYSTEM, number), department, "Has 4411 left the depot?", EVERY_HOUR)
    with make.db.unit_of_work() as s:  # even a restricted team's case
        restricted = s.get(Team, team.id)
        assert restricted is not None
        restricted.restricted = True

    _as_staff(page, live_server, make, clerk)
    page.goto("/desk/department")
    page.get_by_role("link", name=f"#{number} Where is parcel 4411?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where is parcel 4411?")
    expect(page.locator("#timeline").get_by_text("It left Leipzig on Monday.")).to_be_visible()  # not blind
    screenshot(page, "desk-case-consulted")
    check_accessibility(page, "the case a back-office member is consulted on")


def test_the_previous_owner_opens_a_transferred_case_from_their_notification(
    page: Page, live_server: str, make: Factory
) -> None:
    billing, legal = make.team(name="Billing"), make.team(name="Legal")
    agent = make.staff(Role.AGENT, team=billing, password=None)
    number = make.case(team=billing, owner=agent, subject="Contract dispute").id
    with make.db.unit_of_work() as s:
        legal_row = s.get(Team, legal.id)
        assert legal_row is not None
        legal_row.restricted = True
        brief = HandoffBrief("Dispute over clause 4", "Read the contract", "Nothing yet", "Worried")
        case_service.transfer(s, SYSTEM, case_for(s, SYSTEM, number), brief=brief, team=legal_row)
        notifications.notify(
            s, [agent.id], kind="transferred", text=f"#{number} Contract dispute went to Legal", case_id=number
        )

    _as_staff(page, live_server, make, agent)
    page.goto("/desk/notifications")
    page.get_by_role("link", name=f"#{number} Contract dispute went to Legal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contract dispute")
    expect(page.get_by_role("note")).to_contain_text("Read only")
    check_accessibility(page, "a transferred case, opened by its previous owner")


def test_a_customer_opening_a_missing_case_keeps_their_list(page: Page, live_server: str, make: Factory) -> None:
    ana = make.customer("ana@example.com", name="Ana")
    for subject in ("Order 1001 late", "Refund for 1002", "Wrong size"):
        make.case(ana, subject=subject)
    _as_customer(page, live_server, make, ana)
    response = page.goto("/portal/cases/999999")
    assert response is not None and response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("There is no case #999999.")
    expect(page.get_by_role("link", name="Refund for 1002")).to_be_visible()
    expect(page.get_by_text("You have no cases with us")).to_have_count(0)
    screenshot(page, "portal-not-found")
    check_accessibility(page, "portal not found")


def test_an_unknown_address_in_a_browser_is_a_page(page: Page, live_server: str, make: Factory) -> None:
    response = page.goto("/no/such/page")
    assert response is not None and response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("link", name="Your cases")).to_be_visible()
    check_accessibility(page, "not found, nobody signed in")

    _as_staff(page, live_server, make, make.staff(Role.AGENT, team=make.team(), password=None))
    response = page.goto("/desk/cases/424242")
    assert response is not None and response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("There is no case #424242.")
    page.get_by_role("link", name="Find a customer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    screenshot(page, "desk-not-found")
