"""Every refusal shown where the person acted, with JavaScript on: the message in the form, the text kept."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.customers.queries import customer_by_email
from sameside.kit.actors import Role
from sameside.staff.models import Staff
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in


def _agent(page: Page, make: Factory, *, team: bool = True, role: Role = Role.AGENT) -> int | None:
    email = _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=role)
    team_id = None
    if team:
        support = make.team("support", name="Support")
        team_id = support.id
        with make.db.unit_of_work() as s:
            staff = s.scalar(select(Staff).where(Staff.email == email))
            assert staff is not None
            staff.team_id = support.id
    page.goto("/")
    _sign_in(page, email, PASSWORD)
    return team_id


def test_a_blank_reply_is_refused_inside_the_reply_form_and_the_page_stays(page: Page, make: Factory) -> None:
    _agent(page, make, team=False, role=Role.SUPERVISOR)
    number = make.case(subject="Wrong size", body="I ordered M.").id
    page.goto(f"/desk/cases/{number}")
    page.get_by_role("tab", name="Note").click()
    page.get_by_label("Note for colleagues").fill("checked the warehouse")  # another form, half typed
    page.get_by_role("tab", name="Reply").click()
    reply = page.locator("form[action$='/reply']")
    reply.get_by_label("Your reply").fill("   ")
    reply.get_by_role("button", name="Send reply").click()

    expect(reply.get_by_role("alert")).to_have_text("The body cannot be empty.")
    expect(page).to_have_url(re.compile(rf"/desk/cases/{number}$"))  # not the POST address
    page.get_by_role("tab", name="Note").click()
    expect(page.get_by_label("Note for colleagues")).to_have_value("checked the warehouse")
    check_accessibility(page, "a refused reply")


def test_half_a_brief_is_refused_inside_the_transfer_form_with_everything_typed(page: Page, make: Factory) -> None:
    _agent(page, make, role=Role.SUPERVISOR)
    number = make.case(subject="Router drops", body="Every evening at nine.").id
    page.goto(f"/desk/cases/{number}")
    page.get_by_role("link", name="Transfer", exact=True).click()  # the toolbar opens the dialog
    transfer = page.get_by_role("dialog").locator("form[action$='/transfer']")
    transfer.get_by_label("To team").select_option(label="Support")
    transfer.get_by_label("What was tried").fill("a restart")
    transfer.get_by_label("What was promised").fill("  ")
    transfer.get_by_role("button", name=re.compile("Transfer")).click()

    expect(transfer.get_by_role("alert")).to_contain_text("promised")
    expect(transfer.get_by_label("What was tried")).to_have_value("a restart")
    expect(page).to_have_url(re.compile(rf"/desk/cases/{number}$"))


def test_take_next_outside_a_team_says_why_beside_the_button(page: Page, make: Factory) -> None:
    _agent(page, make)
    page.goto("/desk/queue/mine")
    with make.db.unit_of_work() as s:  # moved out of the team while the page was open
        staff = s.scalar(select(Staff).where(Staff.email == "sam@desk.example"))
        assert staff is not None
        staff.team_id = None
    take = page.locator("form[action='/desk/next']")
    take.get_by_role("button", name="Take next").click()

    expect(take.get_by_role("alert")).to_have_text("Take next serves a team's queue; you are not in a team.")
    expect(page).to_have_url(re.compile(r"/desk/queue/mine$"))


def _customer(page: Page, make: Factory) -> int:
    link = _magic_link(make, name="Casey Customer", email="casey@example.com")
    with make.db.unit_of_work(write=False) as s:
        customer = customer_by_email(s, "casey@example.com")
        assert customer is not None
        s.expunge_all()
    number = make.case(customer, subject="Refund for a broken vase").id
    page.goto(link)
    page.get_by_role("button", name="Sign in to see your cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    return number


def test_a_time_zone_that_is_not_one_is_refused_inside_the_preferences_form(page: Page, make: Factory) -> None:
    _customer(page, make)
    page.goto("/portal/preferences")
    form = page.locator("form[action='/portal/preferences']")
    # The zones are a list now; one the server does not know (a list older than the server's) still comes back
    # with the server's message where it was chosen.
    form.locator("[name=timezone]").evaluate(
        "s => { s.add(new Option('Mars', 'Mars/Olympus')); s.value = 'Mars/Olympus'; }"
    )
    form.get_by_role("button", name="Save").click()

    expect(form.get_by_role("alert")).to_contain_text("time zone")
    expect(page).to_have_url(re.compile(r"/portal/preferences$"))


def test_a_phone_number_that_is_not_one_is_refused_inside_the_booking_form(page: Page, make: Factory) -> None:
    number = _customer(page, make)
    page.goto(f"/portal/cases/{number}/callback")
    form = page.locator("form[action$='/callback']")
    if not form.count():
        return  # no free slot in the coming days from here (weekend, holiday): nothing to book
    form.get_by_label("Your phone number").fill("call me maybe")
    form.get_by_role("button", name="Book the call").click()

    expect(form.get_by_role("alert")).to_be_visible()
    expect(form.get_by_label("Your phone number")).to_have_value("call me maybe")
    expect(page).to_have_url(re.compile(rf"/portal/cases/{number}/callback$"))
