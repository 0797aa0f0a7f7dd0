"""The team page in a real browser: a supervisor reads the team, changes its routing and a member's skills."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.kit.actors import Role
from sameside.staff import service as staff_service
from sameside.staff.models import Routing, Staff, Team
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in


def _join(make: Factory, email: str, team: Team, languages: list[str], products: list[str]) -> int:
    with make.db.unit_of_work() as s:
        staff = s.scalar(select(Staff).where(Staff.email == email))
        assert staff is not None
        staff.team_id = team.id
        staff_service.set_skills(s, SYSTEM, staff, languages=languages, products=products)
        return staff.id


def test_a_supervisor_sets_how_the_team_routes_and_who_speaks_what(page: Page, make: Factory) -> None:
    team = make.team("billing", name="Billing")
    email = _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=Role.SUPERVISOR)
    _join(make, email, team, ["en"], [])
    agent = _staff_who_can_sign_in(make, name="Jonas Berg", email="jonas@desk.example")
    _join(make, agent, team, ["de", "en"], ["Router X2"])
    make.case(team=team, subject="Charged twice")  # take next: nobody is assigned, so Jonas has no load yet

    page.goto("/")
    _sign_in(page, email, PASSWORD)
    page.get_by_role("link", name="Team", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Billing")
    expect(page.get_by_role("heading", name="How new cases find an owner: Take next")).to_be_visible()
    jonas = page.get_by_role("row", name="Jonas Berg")
    expect(jonas).to_contain_text("de, en")
    expect(jonas).to_contain_text("Router X2")
    check_accessibility(page, "team page")

    page.get_by_label("Least loaded").check()
    page.get_by_role("button", name="Change routing").click()
    expect(page.get_by_role("status")).to_have_text("Saved: routing is now “Least loaded”.")
    expect(page.get_by_role("heading", name="How new cases find an owner: Least loaded")).to_be_visible()
    with make.db.unit_of_work(write=False) as s:
        row = s.get(Team, team.id)
        assert row is not None and row.routing is Routing.LEAST_LOADED

    jonas = page.get_by_role("row", name="Jonas Berg")
    jonas.get_by_text("Edit skills").click()
    jonas.get_by_label("Languages of Jonas Berg").fill("de, fi")
    jonas.get_by_role("button", name="Save skills of Jonas Berg").click()
    expect(page.get_by_role("row", name="Jonas Berg")).to_contain_text("de, fi")
    screenshot(page, "desk-team")
    check_accessibility(page, "team page after changes")
