"""Nothing typed is lost: live refreshes keep what is being written, drafts survive a reload, changes confirm."""

from __future__ import annotations

import json
import re
import urllib.request

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.kit.actors import Role
from sameside.staff.models import Staff
from tests.factories import PASSWORD, Factory, Person
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in


def _post(url: str, body: dict[str, object], headers: dict[str, str]) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={**headers, "Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201


def _sign_in_as(page: Page, make: Factory, email: str, **where: int | None) -> None:
    with make.db.unit_of_work() as s:
        staff = s.scalar(select(Staff).where(Staff.email == email))
        assert staff is not None
        for key, value in where.items():
            setattr(staff, key, value)
    page.goto("/")
    _sign_in(page, email, PASSWORD)


def test_a_half_typed_consult_answer_survives_a_new_consult_arriving_live(
    page: Page, make: Factory, live_server: str
) -> None:
    shipping = make.department("shipping")
    team = make.team("support", name="Support")
    owner: Person = make.staff(Role.AGENT, team=team)
    first = make.case(team=team, owner=owner, subject="Parcel stuck in Leipzig").id
    second = make.case(team=team, owner=owner, subject="Box arrived crushed").id
    _post(
        f"{live_server}/api/v1/cases/{first}/consults",
        {"department_id": shipping.id, "question": "Where is it?"},
        owner.headers,
    )
    email = _staff_who_can_sign_in(make, name="Kim Lager", email="kim@desk.example")
    _sign_in_as(page, make, email, department_id=shipping.id)
    expect(page).to_have_url(f"{live_server}/desk/department")  # a back-office member lands on the consults

    answer = page.get_by_role("textbox").first
    answer.fill("It left the hub this morning, tracking")
    _post(
        f"{live_server}/api/v1/cases/{second}/consults",
        {"department_id": shipping.id, "question": "Can we photograph the box?", "tell_customer": False},
        owner.headers,
    )

    expect(page.get_by_text("Can we photograph the box?")).to_be_visible(timeout=10_000)  # the list updated
    values = page.locator("textarea").evaluate_all("els => els.map(e => e.value)")
    assert "It left the hub this morning, tracking" in values  # nothing typed was lost
    focused = page.evaluate("document.activeElement && document.activeElement.value")
    assert focused == "It left the hub this morning, tracking"  # and the cursor is still in it


def test_a_reply_draft_survives_a_reload_and_is_forgotten_once_sent(page: Page, make: Factory) -> None:
    email = _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=Role.SUPERVISOR)
    number = make.case(subject="Wrong size", body="I ordered M.").id
    _sign_in_as(page, make, email)
    page.goto(f"/desk/cases/{number}")
    page.get_by_label("Your reply").fill("Hello, we are sending the right size. Sorry for the inconvenience.")
    # The coach's own request from the reply box has come back: it must not count as the form being sent.
    expect(page.locator("#coach").get_by_role("button", name="Use this").first).to_be_visible()
    page.get_by_role("tab", name="Note").click()
    page.get_by_label("Note for colleagues").fill("stock checked")

    page.reload()
    expect(page.get_by_label("Note for colleagues")).to_have_value("stock checked")
    page.get_by_role("tab", name="Reply").click()
    expect(page.get_by_label("Your reply")).to_have_value(
        "Hello, we are sending the right size. Sorry for the inconvenience."
    )

    page.get_by_label("Your reply").press("Control+Enter")  # sends, as the button does
    expect(page.locator("#timeline")).to_contain_text("we are sending the right size")
    expect(page.get_by_role("status").filter(has_text="Reply sent.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/desk/cases/{number}(\?from=\w+)?(#latest)?$"))  # not the POST address
    page.reload()
    expect(page.get_by_label("Your reply")).to_have_value("")
    page.get_by_role("tab", name="Note").click()
    expect(page.get_by_label("Note for colleagues")).to_have_value("stock checked")  # not sent: still kept


def test_a_transfer_is_confirmed_where_the_agent_lands(page: Page, make: Factory) -> None:
    support = make.team("support", name="Support")
    make.team("billing", name="Billing")
    email = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    _sign_in_as(page, make, email, team_id=support.id)
    number = make.case(team=support, subject="Charged twice", body="Two charges for one order.").id
    page.goto(f"/desk/cases/{number}")
    page.get_by_role("link", name="Transfer", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("To team").select_option(label="Billing")
    dialog.get_by_label("What was tried").fill("Checked the payment log")
    dialog.get_by_label("What was promised").fill("A refund by Friday")
    dialog.get_by_role("button", name="Transfer with this brief").click()

    expect(page.get_by_role("status").filter(has_text="Transferred, with your brief.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine")


_STUB_NOTIFICATIONS = """
window.__alerts = [];
window.__asked = 0;
function Stub(title, options) { window.__alerts.push([title, (options || {}).body || ""]); }
Stub.permission = "default";
Stub.requestPermission = function () {
  window.__asked += 1; Stub.permission = "granted"; return Promise.resolve("granted");
};
window.Notification = Stub;
document.hasFocus = function () { return false; };  // the agent is in another window
"""


def test_desktop_alerts_are_asked_for_once_by_a_button_and_bring_a_notification(
    page: Page, make: Factory, live_server: str
) -> None:
    page.add_init_script(_STUB_NOTIFICATIONS)
    team = make.team("support", name="Support")
    email = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    customer = make.customer("bo@example.com", name="Bo Berg")
    _sign_in_as(page, make, email, team_id=team.id)
    with make.db.unit_of_work(write=False) as s:
        me = s.scalar(select(Staff).where(Staff.email == email))
        assert me is not None
        owner = Person(me.id, email, {}, team.id)
    number = make.case(customer, team=team, owner=owner, subject="Still no refund").id
    page.goto("/desk/queue/mine")
    assert page.evaluate("window.__asked") == 0  # never asked on load

    page.get_by_role("button", name="Turn on desktop alerts").click()
    expect(page.get_by_role("button", name="Turn on desktop alerts")).to_be_hidden()  # asked once
    assert page.evaluate("window.__asked") == 1

    _post(
        f"{live_server}/api/v1/cases/{number}/escalation",
        {"reason": "I want to speak to a manager."},
        make.customer_session(customer),
    )
    page.wait_for_function("window.__alerts.length > 0", timeout=10_000)
    title, body = page.evaluate("window.__alerts[0]")
    assert title == "Sameside" and "Bo Berg" in body  # the notification's own words
