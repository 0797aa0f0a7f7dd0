"""In a real browser: asking a department shows the line the customer will read — edited or skipped by the
agent — and a notification's link opens its page (Chromium, axe)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import TimelineEntry
from sameside.cases.rules import EventType
from sameside.consults import service as consults
from sameside.consults.models import Consult
from sameside.customers.models import Customer
from sameside.kit.actors import Role, StaffActor
from sameside.kit.hours import parse_hours
from sameside.staff.models import Department, Notification, Staff
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in


def _agent(make: Factory, team_id: int) -> int:
    email = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    with make.db.unit_of_work() as s:
        dana = s.scalar(select(Staff).where(Staff.email == email))
        assert dana is not None
        dana.team_id = team_id
        return dana.id


def _opened(make: Factory, number: int) -> list[TimelineEntry]:
    with make.db.unit_of_work(write=False) as s:
        rows = list(
            s.scalars(
                select(TimelineEntry)
                .where(TimelineEntry.case_id == number, TimelineEntry.event == EventType.CONSULT_OPENED)
                .order_by(TimelineEntry.id)
            )
        )
        s.expunge_all()
        return rows


def test_the_agent_sees_edits_or_skips_the_line_the_customer_reads(page: Page, make: Factory) -> None:
    team = make.team("support", name="Support")
    shipping, finance = make.department("shipping"), make.department("finance")
    dana_id = _agent(make, team.id)
    customer = make.customer("ana.silva@example.com", name="Ana Silva")
    with make.db.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        row.timezone, row.form_of_address = "America/New_York", "Ms. Silva"
        names = {d.id: d.name for d in (shipping, finance)}
    edited = make.case(customer, team=team, subject="Parcel stuck at the depot").id
    skipped = make.case(customer, team=team, subject="Refund not showing").id
    with make.db.unit_of_work() as s:
        for number in (edited, skipped):
            cases.assign(s, SYSTEM, case_for(s, SYSTEM, number), s.get(Staff, dana_id))

    page.goto("/")
    _sign_in(page, "dana@desk.example", PASSWORD)
    page.goto(f"/desk/cases/{edited}")
    page.get_by_role("link", name="Ask a department").click()
    line = page.get_by_label("Line for the customer")
    expect(line).to_be_visible()
    expect(line).to_have_value(re.compile(r"^Ms\. Silva, we are checking this with our .+ team\. You will hear"))
    expect(line).to_have_value(re.compile(r"\(your time\)\.$"))
    assert "UTC" not in line.input_value()
    # Choosing another department suggests that department's own line.
    page.locator("select[name=department]").select_option(str(finance.id))
    expect(page.get_by_label("Line for the customer")).to_have_value(
        re.compile(f"our {re.escape(names[finance.id].lower())} team")
    )
    check_accessibility(page, "desk: asking a department, the customer's line shown")
    screenshot(page, "desk-ask-a-department")
    page.locator("select[name=department]").select_option(str(shipping.id))
    expect(page.get_by_label("Line for the customer")).to_have_value(
        re.compile(f"our {re.escape(names[shipping.id].lower())} team")
    )
    page.get_by_label("Your question for the department").fill("Has parcel 4411 left the depot?")
    page.get_by_label("Line for the customer").fill("Ms. Silva, I have asked our warehouse and will write by tonight.")
    page.get_by_role("button", name="Ask (the case stays yours)").click()
    expect(page).to_have_url(re.compile(rf"/desk/cases/{edited}(\?.*)?(#.*)?$"))
    expect(page.get_by_role("dialog")).to_have_count(0)
    [entry] = _opened(make, edited)
    assert entry.is_public and entry.body == "Ms. Silva, I have asked our warehouse and will write by tonight."

    # The consult is listed in the agent's terms.
    page.goto(f"/desk/cases/{edited}")
    page.get_by_role("link", name="Ask a department").click()
    asked = page.get_by_role("list", name="Departments asked")
    expect(asked).to_contain_text(names[shipping.id])
    expect(asked).to_contain_text(re.compile(r"due in \d+ (h|min|days)"))

    # Skipped: the customer is told nothing.
    page.goto(f"/desk/cases/{skipped}")
    page.get_by_role("link", name="Ask a department").click()
    page.get_by_label("Your question for the department").fill("Was the refund sent?")
    page.get_by_label("Tell them nothing for now").check()
    page.get_by_role("button", name="Ask (the case stays yours)").click()
    expect(page).to_have_url(re.compile(rf"/desk/cases/{skipped}(\?.*)?(#.*)?$"))
    expect(page.get_by_role("dialog")).to_have_count(0)
    [quiet] = _opened(make, skipped)
    assert not quiet.is_public and quiet.body is None
    check_accessibility(page, "desk: a case after asking a department")


def test_a_consult_answered_is_a_notification_whose_link_opens_the_case(page: Page, make: Factory) -> None:
    team = make.team("support", name="Support")
    shipping = make.department("shipping")
    dana_id = _agent(make, team.id)
    clerk = make.staff(Role.AGENT, department=shipping, password=None)
    number = make.case(team=team, subject="Where is my order?").id
    with make.db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        cases.assign(s, SYSTEM, case, s.get(Staff, dana_id))
        department = s.get(Department, shipping.id)
        assert department is not None
        dana = StaffActor(dana_id, Role.AGENT, team.id)
        consult_id = consults.ask(
            s, dana, case, department, "Did it ship?", parse_hours("Mon-Sun 00:00-23:59", "UTC")
        ).id
    with make.db.unit_of_work() as s:
        consults.answer(
            s,
            StaffActor(clerk.id, Role.AGENT, None, shipping.id),
            consult_id,
            "It shipped this morning with DHL, tracking JD014600006281 from tonight.\nThe label was printed late.",
        )

    page.goto("/")
    _sign_in(page, "dana@desk.example", PASSWORD)
    page.goto("/desk/notifications")
    item = page.get_by_text(re.compile("answered: “It shipped this morning with DHL, tracking")).first
    expect(item).to_be_visible()
    expect(page.get_by_text("Did it ship?")).to_have_count(0)  # the answer, not the question
    check_accessibility(page, "desk: notifications with a consult answered")
    page.get_by_role("link", name=re.compile(rf"^Open case #{number}")).click()
    expect(page).to_have_url(re.compile(rf"/desk/cases/{number}$"))
    expect(page.get_by_role("heading", name="Where is my order?").first).to_be_attached()
    with make.db.unit_of_work(write=False) as s:
        [note] = s.scalars(select(Notification).where(Notification.kind == "consult_answered")).all()
        assert note.read_at is not None  # opened, so read
        assert s.get(Consult, consult_id) is not None

    # Email for the kinds chosen, on the same page.
    page.goto("/desk/notifications")
    page.get_by_label("Transferred to you").check()
    page.get_by_role("button", name="Save email choices").click()
    expect(page.get_by_role("status")).to_contain_text("also come by email")
    expect(page.get_by_label("Transferred to you")).to_be_checked()
    check_accessibility(page, "desk: notifications, email choices saved")
