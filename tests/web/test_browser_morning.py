"""A support team's morning in real browsers, every person in their own: nothing out of sight, no error unseen,
no typing lost (issue 13's whole story).

A supervisor, three agents, a back-office member and a customer, each in their own Chromium context, with
JavaScript on. Mail, a portal request and a chat arrive; every one lands in a team's queue the supervisor
sees. An agent finds the portal case by its order number, takes it and asks the shipping department (the
line the customer reads edited first); the department opens the case it is consulted on and answers; the
owner is told the answer and transfers the case to billing with a brief; the new owner is told and opens
it from the notification; the previous owner still reads it. Meanwhile another agent's half-typed reply
survives a live refresh and a refused form keeps what was typed. The worker warns before a service-level
breach, and the supervisor hears of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import Case
from sameside.cases.routing import homes
from sameside.cases.service_levels import watch
from sameside.customers.queries import customer_by_email
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, Role
from sameside.mail import outbox
from sameside.mail.blobs import BlobStore
from sameside.mailboxes.filing import Intake
from sameside.staff.models import Staff, Team
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_chat import shop  # noqa: F401  (the fixture: another site carrying the widget)
from tests.web.test_browser_chats import _start_chat
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in

LIVE = 15_000
"""Milliseconds to wait for what arrives over a socket on a shared, busy machine."""
WIDE = {"width": 1366, "height": 900}


@pytest.fixture
def contexts(browser: Browser, live_server: str) -> Iterator[dict[str, BrowserContext]]:
    made: dict[str, BrowserContext] = {}

    def open_for(name: str, **options: object) -> BrowserContext:
        context = browser.new_context(base_url=live_server, locale="en-GB", service_workers="block", **options)
        context.set_default_timeout(10_000)
        made[name] = context
        return context

    for name in ("supervisor", "dana", "lee", "kim", "back_office"):
        open_for(name, viewport=WIDE)
    open_for("customer", viewport={"width": 390, "height": 844})
    yield made
    for context in made.values():
        context.close()


def _person(make: Factory, name: str, email: str, role: Role = Role.AGENT, **where: int) -> str:
    address = _staff_who_can_sign_in(make, name=name, email=email, role=role)
    with make.db.unit_of_work() as s:
        staff = s.scalar(select(Staff).where(Staff.email == address))
        assert staff is not None
        for key, value in where.items():
            setattr(staff, key, value)
    return address


def _desk(context: BrowserContext, email: str) -> Page:
    page = context.new_page()
    page.goto("/")
    _sign_in(page, email, PASSWORD)
    return page


def _mail(sender: str, subject: str, body: str, to: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = f"<{abs(hash(subject))}@mail.example>"
    message.set_content(body)
    return bytes(message)


def test_a_team_works_a_morning_and_nothing_is_out_of_sight(
    contexts: dict[str, BrowserContext],
    make: Factory,
    shop: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    support = make.team("support", name="Support", email="support@acme.example")
    billing = make.team("billing", name="Billing", email="billing@acme.example")
    shipping = make.department("shipping")
    with make.db.unit_of_work() as s:
        homes.set_home(s, SYSTEM, homes.DEFAULT, s.get(Team, support.id))
    sam = _person(make, "Sam Park", "sam@desk.example", Role.SUPERVISOR, team_id=support.id)
    dana = _person(make, "Dana Reyes", "dana@desk.example", team_id=support.id)
    lee = _person(make, "Lee Chen", "lee@desk.example", team_id=support.id)
    kim = _person(make, "Kim Nowak", "kim@desk.example", team_id=billing.id)
    bo = _person(make, "Bo Berg", "bo@desk.example", department_id=shipping.id)
    link = _magic_link(make, name="Ana Silva", email="ana.silva@example.com")

    # --- arrivals: an email to the support address, a portal request, a chat
    saved = outbox.config()
    outbox.configure(outbox.MailConfig(domain="acme.example", from_address="support@acme.example", from_name="Acme"))
    try:
        Intake(make.db, BlobStore(tmp_path / "blobs")).take(
            [
                (
                    _mail(
                        "Rui Costa <rui@example.com>", "Invoice twice", "I was charged twice.", "support@acme.example"
                    ),
                    {"source": "smtp"},
                )
            ]
        )
    finally:
        outbox.configure(saved)

    customer = contexts["customer"].new_page()
    customer.goto(link)
    customer.get_by_role("button", name="Sign in to see your cases").click()
    customer.get_by_role("link", name=re.compile("New request")).first.click()
    customer.get_by_label("Subject").fill("My refund never arrived")
    customer.get_by_label("Your message").fill("Order A-10023 was returned a month ago and I have no refund.")
    customer.get_by_role("button", name="Send to a person").click()
    expect(customer.get_by_role("heading", name="My refund never arrived")).to_be_visible()

    visitor = contexts["customer"].new_page()
    visitor.goto(shop)
    _start_chat(visitor, "Is the oak bench back in stock?")

    # --- the supervisor sees every arrival in a team's queue: none lands nowhere
    supervisor = _desk(contexts["supervisor"], sam)
    supervisor.goto("/desk/queue/team")
    listed = supervisor.locator("table.rows")
    for subject in ("Invoice twice", "My refund never arrived"):
        expect(listed).to_contain_text(subject)
    expect(supervisor.locator("#desk-views li", has_text="Needs a team")).to_contain_text(re.compile(r"\b0 cases"))
    with make.db.unit_of_work(write=False) as s:
        assert s.scalar(select(Case.id).where(Case.team_id.is_(None))) is None
    supervisor.goto("/desk/chats")
    expect(supervisor.locator("#waiting")).to_contain_text("Is the oak bench back in stock?", timeout=LIVE)
    check_accessibility(supervisor, "morning: the supervisor's chats")
    screenshot(supervisor, "morning-supervisor-chats")

    # --- Dana finds the portal case by its order number, takes it and asks shipping
    agent = _desk(contexts["dana"], dana)
    agent.get_by_role("searchbox", name="Search cases, customers and messages").fill("A-10023")
    agent.keyboard.press("Enter")
    expect(agent.locator("main")).to_contain_text("My refund never arrived")
    agent.get_by_role("link", name="My refund never arrived").first.click()
    expect(agent.get_by_role("heading", name="My refund never arrived")).to_be_visible()
    number = int(re.search(r"/desk/cases/(\d+)", agent.url).group(1))  # type: ignore[union-attr]
    agent.get_by_role("button", name="Take this case").click()
    expect(agent.locator("#case-facts")).to_contain_text("Owner: Dana Reyes")

    agent.get_by_role("link", name="Ask a department").click()
    ask = agent.get_by_role("dialog", name="Ask a department")
    ask.get_by_label("Your question for the department").fill("Has the return of A-10023 reached the depot?")
    ask.get_by_role("button", name=re.compile("^Ask")).click()
    expect(agent.locator("#consults")).to_contain_text("due in")

    # --- the department opens the case it is consulted on, and answers
    office = _desk(contexts["back_office"], bo)
    expect(office).to_have_url(re.compile(r"/desk/department"))
    expect(office.locator("main")).to_contain_text("Has the return of A-10023 reached the depot?")
    office.get_by_role("link", name=re.compile("My refund never arrived")).first.click()
    expect(office.get_by_role("heading", name="My refund never arrived")).to_be_visible()
    office.goto("/desk/department")
    office.get_by_label(re.compile("^Answer for consult")).first.fill("Yes: it arrived on Monday, refund approved.")
    office.get_by_role("button", name="Send the answer to the case").click()
    check_accessibility(office, "morning: the department's consults")

    # --- Dana is told the answer (not the question), and transfers the case to billing with a brief
    agent.goto("/desk/notifications")
    expect(agent.locator("main")).to_contain_text("it arrived on Monday")
    agent.goto(f"/desk/cases/{number}")
    agent.get_by_role("link", name="Transfer").click()
    move = agent.get_by_role("dialog", name="Transfer")
    move.get_by_label("To team").select_option(label="Billing")
    move.get_by_label("What was tried").fill("Shipping confirmed the return arrived Monday")
    move.get_by_label("What was promised").fill("The refund this week")
    move.get_by_role("button", name="Transfer with this brief").click()
    expect(agent.locator("body")).to_contain_text("Transferred")

    # --- the new team is told and opens it from the notification; the previous owner still reads it
    billing_agent = _desk(contexts["kim"], kim)
    billing_agent.goto("/desk/queue/team")
    expect(billing_agent.locator("table.rows")).to_contain_text("My refund never arrived")
    agent.goto(f"/desk/cases/{number}")
    expect(agent.get_by_role("heading", name="My refund never arrived")).to_be_visible()
    expect(agent.locator("#case-facts")).to_contain_text("Team: Billing")

    # --- Lee's half-typed reply survives a live refresh; a refused form keeps what was typed
    with make.db.unit_of_work(write=False) as s:
        mailed = s.scalar(select(Case.id).where(Case.subject == "Invoice twice"))
        assert mailed is not None
    colleague = _desk(contexts["lee"], lee)
    colleague.goto(f"/desk/cases/{mailed}")
    colleague.get_by_label("Your reply").fill("Dear Rui, I am sorry for the double charge")
    with make.db.unit_of_work() as s:
        rui = customer_by_email(s, "rui@example.com")
        assert rui is not None
        cases.receive_message(s, CustomerActor(rui.id), case_for(s, SYSTEM, mailed), "Any news? It is the rent money.")
    expect(colleague.locator("#timeline")).to_contain_text("It is the rent money.", timeout=LIVE)
    expect(colleague.get_by_label("Your reply")).to_have_value("Dear Rui, I am sorry for the double charge")
    colleague.get_by_role("link", name="Transfer").click()
    move = colleague.get_by_role("dialog", name="Transfer")
    move.get_by_label("To team").select_option(label="Billing")
    move.get_by_label("What was tried").fill("Nothing yet")
    move.get_by_label("What was promised").fill("   ")  # the browser lets blanks through; the server does not
    move.get_by_role("button", name="Transfer with this brief").click()
    refused = colleague.get_by_role("dialog", name="Transfer")
    expect(refused.get_by_role("alert")).to_be_visible()
    expect(refused.get_by_label("What was tried")).to_have_value("Nothing yet")
    check_accessibility(colleague, "morning: a refused transfer")

    # --- the worker warns before a breach; the supervisor hears of it
    with make.db.unit_of_work() as s:
        assert watch.watch(s, clock.now() + timedelta(days=3)) > 0
    supervisor.goto("/desk/notifications")
    expect(supervisor.locator("main")).to_contain_text(re.compile(r"due|missed"))
    screenshot(supervisor, "morning-supervisor-notifications")

    # --- the customer reads what we told them, in the portal
    customer.goto("/portal")
    expect(customer.locator("main")).to_contain_text("My refund never arrived")
