"""Merge, link and split in a real browser: an agent merges a duplicate from the toolbar and lands on the case
that stays; a refused merge says why in the dialog; a related case is linked; a message is split off."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.kit.actors import CustomerActor
from sameside.staff.models import Staff
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in


def test_an_agent_merges_a_duplicate_links_a_case_and_splits_a_message(
    page: Page, live_server: str, make: Factory
) -> None:
    team = make.team("support", name="Support")
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    with make.db.unit_of_work() as s:
        person = s.scalar(select(Staff).where(Staff.email == dana))
        assert person is not None
        person.team_id = team.id
    ana = make.customer("ana.silva@example.com", name="Ana Silva")
    stranger = make.customer("sam@elsewhere.example", name="Sam Stone")
    first = make.case(ana, team=team, subject="My parcel has not arrived", body="Order 4411 was due Monday.").id
    duplicate = make.case(ana, team=team, subject="Parcel???", body="Hello? Order 4411 still missing.").id
    theirs = make.case(stranger, team=team, subject="Courier lost my parcel", body="Same courier, order 77.").id
    with make.db.unit_of_work() as s:
        case = case_for(s, SYSTEM, first)
        service.receive_message(
            s, CustomerActor(ana.id, None), case, "Also: my invoice shows the wrong address.\nPlease fix it."
        )

    page.goto("/")
    _sign_in(page, dana, PASSWORD)
    page.goto(f"/desk/cases/{duplicate}")

    # Into another customer's case: refused, and said in the dialog, with what was typed kept.
    page.get_by_role("link", name="Merge").click()
    merge = page.get_by_role("dialog", name="Merge this case into another")
    expect(merge.get_by_label("Their other open cases")).to_contain_text(f"#{first} My parcel has not arrived")
    merge.get_by_label("Or another case number").fill(str(theirs))
    merge.get_by_role("button", name="Merge into that case").click()
    refused = page.get_by_role("dialog", name="Merge this case into another")
    expect(refused.get_by_role("alert")).to_contain_text(f"Case #{theirs} is another customer's")
    expect(refused.get_by_label("Or another case number")).to_have_value(str(theirs))
    check_accessibility(page, "desk: a refused merge")
    screenshot(page, "desk-case-merge-refused")

    # Into her own earlier case: she lands there, with both conversations in order.
    refused.get_by_label("Or another case number").fill("")
    refused.get_by_label("Their other open cases").select_option(str(first))
    refused.get_by_role("button", name="Merge into that case").click()
    expect(page).to_have_url(re.compile(rf"{live_server}/desk/cases/{first}(#latest)?$"))
    links = page.locator("#case-links")
    expect(links).to_contain_text(f"Merged from #{duplicate} Parcel???")
    bodies = page.locator("#timeline .entry-message .body")
    expect(bodies).to_have_text(
        [
            "Order 4411 was due Monday.",
            "Hello? Order 4411 still missing.",
            "Also: my invoice shows the wrong address.\nPlease fix it.",
        ]
    )
    page.goto(f"/desk/cases/{duplicate}")
    expect(page.get_by_role("heading", name=f"Merged into #{first}")).to_be_visible()
    expect(page.get_by_role("link", name="Merge")).to_have_count(0)
    page.locator("#case-links").get_by_role("link", name=f"#{first} My parcel has not arrived").click()
    expect(page.get_by_role("heading", name="My parcel has not arrived")).to_be_visible()

    # A related case, linked and shown.
    page.get_by_role("link", name="Link", exact=True).click()
    link = page.get_by_role("dialog", name="Link a related case")
    link.get_by_label("Related case number").fill(f"#{theirs}")
    link.get_by_role("button", name="Link").click()
    expect(page.locator("#case-links")).to_contain_text(f"Related: #{theirs} Courier lost my parcel")
    check_accessibility(page, "desk: a case with its links")
    screenshot(page, "desk-case-links")

    # The invoice is another problem: split off into a case of its own.
    invoice = page.locator("#timeline .entry-message", has_text="my invoice shows the wrong address")
    invoice.get_by_role("button", name="Split into a new case").click()
    expect(page.get_by_role("heading", name="Also: my invoice shows the wrong address.")).to_be_visible()
    expect(page.locator("#case-links")).to_contain_text(f"Split off #{first} My parcel has not arrived")
    expect(page.locator("#timeline .entry-message .body")).to_have_text(
        ["Also: my invoice shows the wrong address.\nPlease fix it."]
    )
