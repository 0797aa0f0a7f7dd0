"""Putting it right in real browsers (P5, P6): an agent grants within budget and above it, a supervisor
approves inside the case, the customer chooses one of the offered remedies in the portal, or from the
email's link (once); a supervisor reads the ledger."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.customers.queries import customer_by_email
from sameside.grants import service as grants
from sameside.grants.rules import BudgetLimit
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor
from sameside.mail.models import OutboundMail
from sameside.staff.models import Staff
from tests.factories import PASSWORD, SYSTEM, Factory, Person
from tests.grants.ledger_seed import first_of_month, next_month, seed
from tests.support import mail_text
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in


def test_an_agent_makes_it_right_a_supervisor_approves_and_the_customer_chooses(
    page: Page, browser: Browser, live_server: str, make: Factory
) -> None:
    team = make.team("support", name="Support")
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    sam = _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=Role.SUPERVISOR)
    admin = make.staff(Role.ADMIN, password=None)
    with make.db.unit_of_work() as s:
        people = {p.email: p for p in s.scalars(select(Staff).where(Staff.email.in_([dana, sam])))}
        for person in people.values():
            person.team_id = team.id
        dana_id = people[dana].id
        grants.set_budget(s, StaffActor(admin.id, Role.ADMIN), BudgetLimit(5000, "EUR"), role=Role.AGENT)
    link = _magic_link(make, name="Ana Silva", email="ana.silva@example.com")
    with make.db.unit_of_work(write=False) as s:
        customer = customer_by_email(s, "ana.silva@example.com")
        assert customer is not None
        s.expunge_all()
    number = make.case(customer, team=team, subject="The kettle broke again", body="Second one this year.").id
    with make.db.unit_of_work() as s:
        service.assign(s, SYSTEM, case_for(s, SYSTEM, number), s.get(Staff, dana_id))

    # The agent: goodwill at once, within her budget.
    page.goto("/")
    _sign_in(page, dana, PASSWORD)
    page.goto(f"/desk/cases/{number}")
    expect(page.get_by_text("Your budget: 50.00 € left this month")).to_be_visible()
    page.get_by_role("link", name="Grant").click()
    grant = page.get_by_role("dialog", name="Grant")
    grant.locator("select[name=kind]").select_option("voucher")
    grant.get_by_label("Goodwill: a gesture").check()
    grant.get_by_label("Amount").fill("15,5")
    grant.get_by_label("Reason (their next agent reads it)").fill("Broken twice: a gesture")
    grant.get_by_role("button", name="Grant").click()
    remedies = page.locator("#remedies")
    expect(remedies.get_by_role("list", name="Grants to this customer, newest first")).to_contain_text("15.50 €")
    expect(remedies).to_contain_text("Your budget: 34.50 € left this month")

    # A refused grant keeps what she typed and says why, in the dialog she used.
    page.get_by_role("link", name="Grant").click()
    grant = page.get_by_role("dialog", name="Grant")
    grant.get_by_label("Amount").fill("12.345")
    grant.get_by_label("Reason (their next agent reads it)").fill("Postage for the return")
    grant.get_by_role("button", name="Grant").click()
    refused = page.get_by_role("dialog", name="Grant")
    expect(refused.get_by_role("alert")).to_have_text("EUR amounts have 2 decimal places.")
    expect(refused.get_by_label("Reason (their next agent reads it)")).to_have_value("Postage for the return")
    check_accessibility(page, "desk: a refused grant")
    refused.get_by_role("button", name="Close").click()

    # Above the budget: asked of a supervisor, inside the case.
    page.get_by_role("link", name="Grant").click()
    grant = page.get_by_role("dialog", name="Grant")
    grant.locator("select[name=kind]").select_option("refund")
    grant.get_by_label("Remedy: making good what went wrong").check()
    grant.get_by_label("Amount").fill("80")
    grant.get_by_label("Reason (their next agent reads it)").fill("A full refund of the second kettle")
    grant.get_by_role("button", name="Grant").click()
    expect(page.locator("#remedies")).to_contain_text("waiting for a supervisor")

    # And a choice for the customer.
    page.get_by_role("link", name="Offer a choice").click()
    offer = page.get_by_role("dialog", name="Offer a choice")
    offer.get_by_label("What they get").nth(0).fill("A new kettle by Friday")
    offer.get_by_label("What they get").nth(1).fill("A refund of 30 €")
    offer.get_by_label("With a grant of (optional)").nth(1).fill("30")
    offer.get_by_label("Kind of grant, option 2").select_option("refund")
    offer.get_by_role("button", name="Send the choice to the customer").click()
    expect(page.locator("#remedies")).to_contain_text("open until")
    screenshot(page, "desk-case-remedies")
    check_accessibility(page, "desk: a case with grants and an offer")

    # The supervisor answers in her own browser, from the approvals page.
    desk = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="en-GB")
    theirs = desk.new_page()
    theirs.goto("/")
    _sign_in(theirs, sam, PASSWORD)
    theirs.goto("/desk/approvals")
    item = theirs.locator(".approval").first
    expect(item).to_contain_text("remedy refund of 80.00 €")
    item.get_by_label("Your reason").fill("Our fault: approved")
    item.get_by_role("button", name="Approve").click()
    expect(theirs.get_by_text("Nothing is waiting")).to_be_visible()
    check_accessibility(theirs, "desk: approvals")
    desk.close()

    # The customer picks one of the options in the portal.
    hers = browser.new_context(base_url=live_server, locale="en-GB", viewport={"width": 390, "height": 844})
    portal = hers.new_page()
    portal.goto(link)
    portal.get_by_role("button", name="Sign in to see your cases").click()
    portal.get_by_role("link", name="The kettle broke again").click()
    expect(portal.get_by_role("heading", name="Choose how we put it right")).to_be_visible()
    expect(portal.locator(".timeline")).to_contain_text("We have refunded 80.00 € to you.")
    check_accessibility(portal, "portal: an offer to choose from")
    portal.get_by_role("button", name=re.compile(r"A refund of 30 € \(30.00 €\)")).click()
    expect(portal.locator("#offer")).to_contain_text("You chose A refund of 30 €")
    screenshot(portal, "portal-offer-chosen")

    page.reload()
    expect(page.locator("#remedies")).to_contain_text("chosen")

    # A later demand goes too far: declined politely, for good, in the words the customer reads.
    page.get_by_role("link", name="Decision").click()
    decide = page.get_by_role("dialog", name="Record a decision")
    decide.get_by_label("Kind").select_option("decline")
    words = "We cannot send a kettle every month, Ana; the refund you chose stands."
    decide.get_by_label("What the customer reads").fill(words)
    decide.get_by_label("Why (for colleagues)").fill("Beyond any remedy")
    decide.get_by_label("The policy it rests on").fill("Remedies 4.2")
    decide.get_by_label("Resolve the case with it").check()
    decide.get_by_role("button", name="Record and tell the customer").click()
    expect(page.locator("#remedies .decision")).to_contain_text("Declined, for good")

    # The customer writes again: the case reopens with its owner, the decision shown to her.
    portal.reload()
    expect(portal.locator(".timeline")).to_contain_text(words)
    portal.get_by_label(re.compile("^Your (reply|message)")).first.fill("I still want a kettle every month.")
    portal.get_by_role("button", name=re.compile("^Send")).first.click()
    hers.close()
    page.reload()
    expect(page.locator("#case-facts")).to_contain_text("Owner: Dana Reyes")
    expect(page.locator("#remedies .decision")).to_contain_text("It stands unless a supervisor revises it")
    expect(page.get_by_role("heading", name="Revise the decision")).to_have_count(0)  # the agent may not
    check_accessibility(page, "desk: a decision that stands")


def _offer_links(make: Factory, case_id: int) -> list[str]:
    """The links in the email that carried the case's latest offer, as paths on the live server."""
    with make.db.unit_of_work(write=False) as s:
        mail = s.scalar(
            select(OutboundMail)
            .where(OutboundMail.case_id == case_id, OutboundMail.purpose == "reply")
            .order_by(OutboundMail.id.desc())
            .limit(1)
        )
        assert mail is not None and mail.raw is not None
        text = mail_text(mail.raw)
    return [re.sub(r"^https?://[^/]+", "", link) for link in re.findall(r"https?://\S+/offers/\S+", text)]


def test_the_customer_chooses_from_the_email_link_once_and_the_case_shows_it(
    page: Page, browser: Browser, live_server: str, make: Factory
) -> None:
    team = make.team("support", name="Support")
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    with make.db.unit_of_work() as s:
        person = s.scalar(select(Staff).where(Staff.email == dana))
        assert person is not None
        person.team_id, dana_id = team.id, person.id
    ana = make.customer("ana.silva@example.com", name="Ana Silva")
    number = make.case(ana, team=team, subject="The kettle broke again", body="Second one this year.").id
    with make.db.unit_of_work() as s:
        service.assign(s, SYSTEM, case_for(s, SYSTEM, number), s.get(Staff, dana_id))

    # The agent offers three ways to put it right, from her desk in her own browser.
    desk = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="en-GB")
    hers = desk.new_page()
    hers.goto("/")
    _sign_in(hers, dana, PASSWORD)
    hers.goto(f"/desk/cases/{number}")
    hers.get_by_role("link", name="Offer a choice").click()
    offer = hers.get_by_role("dialog", name="Offer a choice")
    offer.get_by_label("What they get").nth(0).fill("A new kettle by Friday")
    offer.get_by_label("What they get").nth(1).fill("A refund of 30 €")
    offer.get_by_label("With a grant of (optional)").nth(1).fill("30")
    offer.get_by_label("Kind of grant, option 2").select_option("refund")
    offer.get_by_label("What they get").nth(2).fill("A voucher of 40 €")
    offer.get_by_label("With a grant of (optional)").nth(2).fill("40")
    offer.get_by_label("Kind of grant, option 3").select_option("voucher")
    offer.get_by_role("button", name="Send the choice to the customer").click()
    expect(hers.locator("#remedies")).to_contain_text("open until")

    # The email has a link per option and one to say something else.
    links = _offer_links(make, number)
    assert len(links) == 4 and links[-1].split("?")[0].endswith("/other")

    # Opening the voucher's link only asks (a mail scanner opening it chooses nothing)...
    page.goto(links[2])
    expect(page.get_by_role("heading", name="Your choice")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"You are choosing, for case #{number}:")
    expect(page.locator("main")).to_contain_text("A voucher of 40 € (40.00 €)")
    check_accessibility(page, "an offer's email link: the confirmation page")
    screenshot(page, "offer-email-link")
    again = page.context.new_page()  # she opens the same link a second time, in another tab
    again.goto(links[2])
    hers.reload()
    expect(hers.locator("#remedies")).to_contain_text("open until")

    # ...her press chooses, and says so.
    again.get_by_role("button", name="Yes, I choose this").click()
    expect(again.get_by_role("status")).to_have_text(
        f"Thank you: you chose A voucher of 40 €. We have noted it on your case #{number}, and you will hear from us."
    )
    again.close()

    # A second press, from the first tab, is told it is already chosen: a 409 page, nothing chosen twice.
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Yes, I choose this").click()
    assert posted.value.status == 409
    expect(page.get_by_role("alert")).to_have_text("This offer has been answered already: an option was chosen.")
    expect(page.locator("main")).to_contain_text("A voucher of 40 € was chosen")
    check_accessibility(page, "an offer's email link: already chosen")

    # The case shows her choice, and the voucher it carried (asked of a supervisor: no budget is set).
    hers.reload()
    remedies = hers.locator("#remedies")
    expect(remedies).to_contain_text("chosen — they chose “A voucher of 40 €”")
    expect(remedies).to_contain_text("waiting for a supervisor")
    expect(hers.locator(".timeline")).to_contain_text("The customer chose “A voucher of 40 €” (by email)")
    desk.close()


def test_a_supervisor_reads_the_remedies_ledger_with_its_chart_and_csv(page: Page, make: Factory) -> None:
    sam = _staff_who_can_sign_in(make, name="Sam Park", email="sam@desk.example", role=Role.SUPERVISOR)
    with make.db.unit_of_work(write=False) as s:
        person = s.scalar(select(Staff).where(Staff.email == sam))
        assert person is not None
        supervisor = Person(person.id, sam, {}, None)
    now = clock.now()
    month1 = first_of_month(next_month(first_of_month(now) - timedelta(days=70)))  # two whole months before this
    seed(make, month1, supervisor=supervisor)
    days = (now - month1).days + 1  # from just before the first of the two months, so the month before is out

    page.goto("/")
    _sign_in(page, sam, PASSWORD)
    page.goto(f"/desk/reports/remedies?group=team&days={days}")
    expect(page.get_by_role("heading", name="Remedies and goodwill", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="Remedy and goodwill by team")).to_be_visible()
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text(re.compile(r"Support\s*120.00 €\s*15.00 €\s*3"))
    expect(rows.nth(1)).to_have_text(re.compile(r"Billing\s*40.00 €\s*0.00 €\s*1"))
    expect(page.locator("main")).to_contain_text(
        "3 asked of a supervisor: 1 approved, 1 declined, 1 waiting. Answered in 4.0 h (median)."
    )
    expect(page.locator("main")).to_contain_text("1 open, 1 chosen, 1 countered, 1 expired, 1 withdrawn.")
    check_accessibility(page, "desk: the remedies ledger")
    screenshot(page, "desk-remedies-ledger")

    # By month; the CSV link follows the choice.
    page.get_by_role("combobox", name="By").select_option("month")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"group=month"))
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(f"{month1:%Y-%m}")
    expect(page.get_by_role("link", name="Download CSV")).to_have_attribute("href", re.compile(r"group=month"))
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download CSV").click()
    body = Path(downloaded.value.path()).read_bytes().decode()
    assert body == (
        "month,currency,remedy_minor,goodwill_minor,grants\r\n"
        f"{month1:%Y-%m},EUR,9000,1500,2\r\n{next_month(month1):%Y-%m},EUR,7000,0,2\r\n"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    check_accessibility(page, "desk: the remedies ledger, narrow")
