"""A live refresh of the team page keeps what a supervisor is half way through typing, where it was typed."""

from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import Page, expect

from sameside.kit.actors import Role
from tests.factories import Factory, Person
from tests.web.test_browser_desk_live import _sign_in_as
from tests.web.test_browser_front import _staff_who_can_sign_in


def _assign(live_server: str, number: int, owner: Person, by: Person) -> None:
    """`by` makes `owner` the case's owner through the API, as another supervisor's desk would."""
    request = urllib.request.Request(
        f"{live_server}/api/v1/cases/{number}/owner",
        data=json.dumps({"owner_id": owner.id}).encode(),
        headers={**by.headers, "Content-Type": "application/json"},
        method="PUT",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


def test_half_typed_skills_survive_a_case_being_assigned_live(page: Page, make: Factory, live_server: str) -> None:
    team = make.team("support", name="Support")
    kim = make.staff(Role.AGENT, team=team)
    lead = make.staff(Role.SUPERVISOR, team=team)
    number = make.case(team=team, subject="Parcel stuck in Leipzig").id
    email = _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=Role.SUPERVISOR)
    _sign_in_as(page, make, email, team_id=team.id)
    page.goto("/desk/team")
    row = page.locator(f"#member-{kim.id}")
    expect(row.locator("td").nth(3)).to_have_text("0")

    row.get_by_text("Edit skills").click()
    languages = row.get_by_role("textbox", name="Languages")
    languages.fill("de, fr, it")
    _assign(live_server, number, kim, lead)

    expect(row.locator("td").nth(3)).to_have_text("1", timeout=10_000)  # the page was refreshed live
    expect(languages).to_be_visible()  # the form is still open
    expect(languages).to_have_value("de, fr, it")  # nothing typed was lost
    expect(languages).to_be_focused()  # and the cursor is still in it
