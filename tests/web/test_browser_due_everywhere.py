"""The service-level chip ("due in 40 min", "overdue by 1 h") is on every list a case shows in, not just the queue."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.cases.models import Case
from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.staff.models import Staff
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in

DUE = re.compile(r"due in (39|40) min")
OVERDUE = re.compile(r"overdue by 1 h")


def _due(make: Factory, number: int, minutes: int) -> None:
    """As the service levels set it: the next reply is due `minutes` from now (negative: already late)."""
    with make.db.unit_of_work() as s:
        row = s.get(Case, number)
        assert row is not None
        row.due_at = clock.now() + timedelta(minutes=minutes)
        row.due_kind = "first_reply"


def test_a_supervisor_sees_when_each_case_is_due_on_every_list_it_is_in(page: Page, make: Factory) -> None:
    support = make.team("support", name="Support")
    acme = make.organization("Acme Ltd")
    ana = make.customer("ana@acme.example", name="Ana Lima")
    with make.db.unit_of_work() as s:
        row = s.get(Customer, ana.id)
        assert row is not None
        row.organization_id = acme.id
    chat = make.case(ana, team=support, channel=Channel.CHAT, subject="Parcel stuck in Leipzig").id
    late = make.case(ana, team=support, subject="Refund still missing").id
    _due(make, chat, 40)
    _due(make, late, -70)
    email = _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=Role.SUPERVISOR)
    with make.db.unit_of_work() as s:
        me = s.scalar(select(Staff).where(Staff.email == email))
        assert me is not None
        me.team_id = support.id
    page.goto("/")
    _sign_in(page, email, PASSWORD)

    page.goto("/desk/search?q=Leipzig")
    hit = page.get_by_role("list", name="Cases found").get_by_role("listitem").first
    expect(hit).to_contain_text(DUE)

    page.goto(f"/desk/customers/{ana.id}")
    expect(page.locator("li").filter(has_text="Parcel stuck in Leipzig")).to_contain_text(DUE)
    expect(page.locator("li").filter(has_text="Refund still missing")).to_contain_text(OVERDUE)

    page.goto(f"/desk/organisations/{acme.id}")
    expect(page.locator("li").filter(has_text="Refund still missing")).to_contain_text(OVERDUE)

    page.goto("/desk/chats")
    expect(page.locator("#waiting tr").filter(has_text="Parcel stuck in Leipzig")).to_contain_text(DUE)

    page.goto("/desk/team")
    due_next = page.get_by_role("region", name="Due next").get_by_role("listitem")
    expect(due_next.first).to_contain_text("Refund still missing")  # the soonest due first: the late one
    expect(due_next.first).to_contain_text(OVERDUE)
    expect(due_next.nth(1)).to_contain_text(DUE)
    check_accessibility(page, "the team page's due list")
