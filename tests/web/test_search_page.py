"""The desk's search page: hits with their snippet and case, filters as a GET form, and an empty state that helps."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor
from sameside.staff.models import Staff
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in
from tests.web.test_desk import signed_in


def test_an_agent_finds_a_case_by_order_number_with_the_hit_marked(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team(name="Support")
    agent = make.staff(team=team, password=None)
    signed_in(client, db, agent)
    ana = make.customer("ana.lima@example.com", name="Ana Lima")
    number = make.case(ana, team=team, subject="Parcel never arrived", body="Order <A-10023> was due Monday.").id

    answer = client.get("/desk/search", params={"q": "A-10023"})

    assert answer.status_code == 200, answer.text
    assert "1 case matches" in answer.text
    assert f'<a href="/desk/cases/{number}">Parcel never arrived</a>' in answer.text
    assert "Order &lt;<mark>A-10023</mark>&gt; was due Monday." in answer.text
    assert "Ana Lima · Support" in answer.text
    assert 'value="A-10023"' in answer.text


def test_without_words_the_page_says_what_to_try_and_with_no_hit_what_to_change(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(password=None)
    signed_in(client, db, agent)
    empty = client.get("/desk/search")
    assert empty.status_code == 200 and "a case number, like" in empty.text and "order or invoice number" in empty.text
    missing = client.get("/desk/search", params={"q": "zanzibar", "status": "closed"})
    assert missing.status_code == 200
    assert "No case you may read matches “zanzibar” with these filters." in missing.text
    assert "search without the filters" in missing.text


def test_a_refused_query_is_shown_beside_the_box_with_what_was_typed(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(password=None)
    signed_in(client, db, agent)
    answer = client.get("/desk/search", params={"q": "!!!", "from": "2025-13-01"})
    assert answer.status_code == 422
    assert re.search(r'<p class="error" role="alert" id="search-error"[^>]*>q: type a word', answer.text)
    assert 'value="!!!"' in answer.text and 'aria-invalid="true"' in answer.text
    bad_day = client.get("/desk/search", params={"q": "refund", "from": "2025-13-01"})
    assert bad_day.status_code == 422 and "from: &#39;2025-13-01&#39; is not a day" in bad_day.text


def test_filters_narrow_and_more_results_page_on(client: TestClient, make: Factory, db: Database) -> None:
    team, other = make.team(name="Billing"), make.team(name="Tech")
    boss = make.staff(Role.SUPERVISOR, password=None)
    signed_in(client, db, boss)
    numbers = [make.case(team=team, subject=f"Refund number {n}").id for n in range(27)]
    make.case(team=other, subject="Refund elsewhere")
    first = client.get("/desk/search", params={"q": "refund", "team": str(team.id)})
    assert "27 cases match" in first.text and first.text.count('class="snippet"') == 25
    more = re.search(r'<a href="(/desk/search\?[^"]+)">More results</a>', first.text)
    assert more is not None
    second = client.get(more.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    assert f"/desk/cases/{numbers[0]}" in second.text and f"/desk/cases/{numbers[-1]}" not in second.text


def test_customers_are_not_served_the_search(client: TestClient, make: Factory) -> None:
    customer = make.customer()
    client.cookies.set("sameside_session", make.customer_session(customer)["Cookie"].split("=", 1)[1])
    answer = client.get("/desk/search", params={"q": "anything"})
    assert answer.status_code in (403, 303) or "search-title" not in answer.text


def test_a_supervisor_searches_from_the_desk_in_a_browser(page: Page, make: Factory) -> None:
    team = make.team("support", name="Support")
    email = _staff_who_can_sign_in(make, name="Sam Lead", email="sam@desk.example", role=Role.SUPERVISOR)
    with make.db.unit_of_work() as s:
        staff = s.scalar(select(Staff).where(Staff.email == email))
        assert staff is not None
        staff.team_id = team.id
        sam = StaffActor(staff.id, Role.SUPERVISOR, team.id)
    ana = make.customer("ana.lima@example.com", name="Ana Lima")
    number = make.case(ana, team=team, subject="Parcel never arrived", body="My order A-10023 is late.").id
    make.case(team=team, subject="Password reset", body="The link expired.")
    with make.db.unit_of_work() as s:
        cases.add_note(s, sam, case_for(s, sam, number, for_update=True), "Courier says depot in Leeds.")

    page.goto("/")
    _sign_in(page, email, PASSWORD)
    page.goto("/desk/search")
    expect(page.get_by_role("heading", name="Search", level=1)).to_be_visible()
    expect(page.get_by_text("an order or invoice number")).to_be_visible()
    check_accessibility(page, "search: empty")

    page.get_by_label("Search for").fill("leeds a-10023")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("1 case matches")
    hits = page.get_by_role("list", name="Cases found")
    expect(hits.locator("mark")).to_have_text(["Leeds"])
    expect(hits.get_by_text("Ana Lima · Support")).to_be_visible()
    screenshot(page, "desk-search")
    check_accessibility(page, "search: results")

    page.get_by_label("Status").select_option("closed")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("No case you may read matches “leeds a-10023” with these filters.")).to_be_visible()
    page.get_by_role("link", name="search without the filters").click()
    expect(page.get_by_role("status")).to_contain_text("1 case matches")

    page.get_by_label("Search for").fill("!!!")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("type a word")
    expect(page.get_by_label("Search for")).to_have_value("!!!")

    page.get_by_label("Search for").fill(f"#{number}")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("link", name="Parcel never arrived").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parcel never arrived")
