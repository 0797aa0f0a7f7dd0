"""The language coach in a real browser (P8): an agent writes a reply, sees the coach's advice as they type,
takes one suggestion with "Use this", keeps the other, and sends; a supervisor sees what was taken."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.kit.actors import Role
from sameside.staff.models import Staff
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in

TYPED = "Sorry for the inconvenience, you entered your information wrong"
TAKEN = "Sorry for the inconvenience, it looks like the details need correcting — let me fix that for you"


def test_an_agent_takes_the_coachs_advice_and_a_supervisor_sees_it_counted(page: Page, make: Factory) -> None:
    team = make.team("support", name="Support")
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    sam = _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=Role.SUPERVISOR)
    customer = make.customer("ana.silva@example.com", name="Ana Silva")
    number = make.case(customer, team=team, subject="My address is wrong on the order", body="It says Main St 1.").id
    with make.db.unit_of_work() as s:
        people = {p.email: p for p in s.scalars(select(Staff).where(Staff.email.in_([dana, sam])))}
        for person in people.values():
            person.team_id = team.id
        service.assign(s, SYSTEM, case_for(s, SYSTEM, number), people[dana])

    page.goto("/")
    _sign_in(page, dana, PASSWORD)
    page.goto(f"/desk/cases/{number}")
    reply = page.get_by_label("Your reply")
    reply.press_sequentially(TYPED)

    # As she types, the coach's advice shows under the reply box: two pieces, each with why and a rewrite.
    coach = page.locator("#coach")
    advice = coach.get_by_role("listitem")
    expect(advice).to_have_count(2)
    expect(advice.nth(0)).to_contain_text("Pat apology")
    expect(advice.nth(0)).to_contain_text("reads as a pat, half-hearted throwaway")
    expect(advice.nth(1)).to_contain_text("Blame")
    expect(advice.nth(1)).to_contain_text("Try: it looks like the details need correcting — let me fix that for you")
    screenshot(page, "desk-coach-advice")
    check_accessibility(page, "case page with the coach's advice")

    # "Use this" on the blame: the phrase is replaced, the rest of her draft stays, the advice goes.
    advice.nth(1).get_by_role("button", name="Use this instead of “you entered your information wrong”").click()
    expect(reply).to_have_value(TAKEN)
    expect(reply).to_be_focused()
    expect(advice).to_have_count(1)
    expect(advice.nth(0)).to_contain_text("Pat apology")

    # She keeps the apology, and sends: the coach never stands in the way.
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status").filter(has_text="Reply sent.")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("it looks like the details need correcting")
    expect(page.locator("#coach")).to_be_empty()

    # The supervisor's rules page counts it: the blame's advice shown once and taken; the apology's kept.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/desk")
    _sign_in(page, sam, PASSWORD)
    page.get_by_role("link", name="Coach", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Language coach")
    blame = page.locator("#rule-you-entered-it-wrong")
    expect(blame.locator("td.num").nth(0)).to_have_text("1")
    expect(blame.locator("td.num").nth(1)).to_contain_text("1 (100 %)")
    pat = page.locator("#rule-sorry-for-the-inconvenience")
    expect(pat.locator("td.num").nth(0)).to_have_text("1")
    expect(pat.locator("td.num").nth(1)).to_have_text("0 (0 %)")
    screenshot(page, "desk-coach-rules")
    check_accessibility(page, "the coach's rules and figures")
