"""Issue 15's "done when", walked in real browsers, each person in their own: a new admin sets the company up
(branding, two teams, a department, hours, an SLA policy, an inbound address, three staff invited); an invited
agent joins, answers a caller's case with a saved reply and an attachment, and merges the duplicate the caller had
written in the portal; the audit log shows each step, by name."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

from sameside.kit.actors import Role
from tests.factories import PASSWORD, Factory
from tests.web.browser import VIEWPORT, check_accessibility, screenshot
from tests.web.test_browser_admin import _link
from tests.web.test_browser_attachments import PNG
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in

SHOTS = Path("/tmp/sameside-first-day")
INVITED = (
    ("Dana Reyes", "dana@acme.example", "Support", "agent"),
    ("Ben Okafor", "ben@acme.example", "Billing", "agent"),
    ("Cleo Park", "cleo@acme.example", "Support", "supervisor"),
)
SAVED = (
    "Dear {{ customer.form_of_address }},\n\nthank you for calling about case #{{ case.number }}. "
    "The return label is attached: print it and the courier collects the parcel.\n\n{{ agent.first_name }}"
)
FILLED = (
    "Dear Ana Silva,\n\nthank you for calling about case #{number}. "
    "The return label is attached: print it and the courier collects the parcel.\n\nDana"
)

UNCOVERED = """() => {
  const el = document.getElementById("latest");
  if (!el) { return false; }
  el.scrollIntoView({ block: "nearest" });
  const r = el.getBoundingClientRect();
  return el.contains(document.elementFromPoint(r.left + 24, r.top + 12));
}"""
"""True once the latest entry, scrolled into view, is what shows at its top left (not the reply box over it)."""


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True, animations="disabled", caret="hide")
    screenshot(page, name)


def _own_browser(browser: Browser, live_server: str) -> BrowserContext:
    context = browser.new_context(base_url=live_server, viewport=VIEWPORT, locale="en-GB", service_workers="block")
    context.set_default_timeout(10_000)
    return context


def _case_number(page: Page) -> int:
    found = re.search(r"/(?:desk|portal)/cases/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def test_a_company_set_up_in_the_browser_answers_its_first_caller(
    page: Page, browser: Browser, live_server: str, make: Factory, tmp_path: Path
) -> None:
    admin = _staff_who_can_sign_in(make, name="Riya Admin", email="riya@acme.example", role=Role.ADMIN)
    portal_link = _magic_link(make, name="Ana Silva", email="ana.silva@example.com")
    label = tmp_path / "return-label.png"
    label.write_bytes(PNG)

    # --- The admin sets up the company, each page through its own form. -----------------------------------
    page.goto("/")
    _sign_in(page, admin, PASSWORD)
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Admin centre")
    check_accessibility(page, "the admin centre")

    sections = page.locator(".admin-sections")
    sections.get_by_role("link", name="Branding").click()
    brand = page.locator("#brand-form")
    brand.get_by_label("Company name").fill("Acme Outdoors")
    brand.get_by_label("Primary colour").fill("#1f5f3f")
    brand.get_by_role("button", name="Save name and colours").click()
    expect(page.locator(".toast")).to_contain_text("Saved")
    check_accessibility(page, "the branding page")

    page.get_by_role("navigation", name="Admin centre").get_by_role("link", name="Teams and departments").click()
    for name, slug in (("Support", "support"), ("Billing", "billing")):
        new_team = page.locator("#new-team")
        new_team.get_by_label("Name", exact=True).fill(name)
        new_team.get_by_label("Short name for addresses (lower case, digits, dashes)").fill(slug)
        new_team.get_by_role("button", name="Add the team").click()
        expect(page.get_by_role("heading", level=3, name=f"{name} ({slug})")).to_be_visible()
    department = page.locator("#new-department")
    department.get_by_label("Name", exact=True).fill("Finance")
    department.get_by_label("Short name (lower case, digits, dashes)").fill("finance")
    department.get_by_role("button", name="Add the department").click()
    expect(page.get_by_role("heading", level=3, name="Finance (finance)")).to_be_visible()
    _shot(page, "admin-teams")
    check_accessibility(page, "the teams and departments page")

    page.get_by_role("navigation", name="Admin centre").get_by_role("link", name="Business hours and settings").click()
    hours = page.locator("#settings-form")
    hours.get_by_label("Time zone").fill("Europe/Berlin")
    hours.get_by_label("Saturday opens").fill("10:00")
    hours.get_by_label("Saturday closes").fill("14:00")
    hours.get_by_role("button", name="Save hours and promises").click()
    expect(page.locator(".toast")).to_contain_text("Saved")
    check_accessibility(page, "the business page")

    page.get_by_role("navigation", name="Admin centre").get_by_role("link", name="Service levels").click()
    page.get_by_label("Normal: first reply, minutes").fill("45")
    page.get_by_role("button", name="Save the policy").click()
    expect(page.locator(".toast")).to_contain_text("Saved")
    expect(page.get_by_label("Normal: first reply, minutes")).to_have_value("45")
    check_accessibility(page, "the service-levels policy page")

    page.get_by_role("navigation", name="Admin centre").get_by_role("link", name="Channels").click()
    address = page.locator("#address-form")
    address.get_by_label("Address").fill("help@acme.example")
    address.get_by_label("Team").select_option(label="Support")
    address.get_by_role("button", name="Add address").click()
    expect(page.get_by_role("cell", name="help@acme.example", exact=True)).to_be_visible()
    page.get_by_role("button", name="Copy snippet").click()  # for the website, reached by a link as all here
    expect(page.locator("#copied")).to_have_text("Copied.")
    check_accessibility(page, "the channels page")

    page.get_by_role("navigation", name="Admin centre").get_by_role("link", name="People").click()
    for name, email, team, role in INVITED:
        form = page.locator("#invite-form")
        form.get_by_label("Email").fill(email)
        form.get_by_label("Name").fill(name)
        form.get_by_label("Role").select_option(role)
        form.get_by_label("Team").select_option(label=team)
        form.get_by_role("button", name="Send the invitation").click()
        expect(page.locator("#invitation-list")).to_contain_text(email)
    expect(page.locator("#invitation-list tbody tr")).to_have_count(3)
    _shot(page, "admin-people")
    check_accessibility(page, "the people page with three invitations")

    # --- The caller wrote in the portal first: that case will be the duplicate. ---------------------------
    customer = _own_browser(browser, live_server)
    agent = _own_browser(browser, live_server)
    try:
        ana = customer.new_page()
        ana.goto(portal_link)
        ana.get_by_role("button", name="Sign in to see your cases").click()
        expect(ana.locator("header .brand")).to_contain_text("Acme Outdoors")
        ana.goto("/portal/new")
        ana.get_by_label("Subject").fill("Parcel???")
        ana.get_by_label("Your message").fill("Hello? Order 4411 still missing.")
        ana.get_by_role("button", name="Send to a person").click()
        expect(ana.get_by_role("heading", level=1)).to_contain_text("Parcel???")
        duplicate = _case_number(ana)

        # --- Dana joins from her invitation, in her own browser. -------------------------------------------
        dana = agent.new_page()
        dana.goto(_link(make, "dana@acme.example"))
        expect(dana.locator("main")).to_contain_text("Support")
        dana.get_by_label("Password (at least 10 characters)").fill("dana's long password")
        dana.get_by_role("button", name="Join and sign in").click()
        expect(dana.locator("header.bar")).to_contain_text("Signed in as Dana Reyes (agent)")

        # She saves a reply for her team's callers; its placeholders are checked as she saves it.
        dana.get_by_role("link", name="Saved replies", exact=True).click()
        saving = dana.locator("#new-reply")
        saving.get_by_label("Title").fill("Return label attached")
        saving.get_by_label("Text").fill(SAVED)
        saving.get_by_role("button", name="Save reply").click()
        expect(dana.locator("#saved-replies-list")).to_contain_text("Return label attached")
        check_accessibility(dana, "the saved replies page")

        # Ana rings: Dana finds her by the address she reads out and opens a case for the call.
        dana.get_by_role("link", name="New phone case").click()
        dana.get_by_label("Number, email address or name").fill("ana.silva@example.com")
        dana.get_by_role("button", name="Find").click()
        expect(dana.get_by_role("status")).to_contain_text("1 found by email address")
        expect(dana.get_by_label("Ana Silva")).to_be_checked()
        dana.get_by_label("Subject: the problem in a few words").fill("Parcel 4411 has not arrived")
        dana.get_by_label("What they told you, in their words").fill("Order 4411 was due Monday; nothing came.")
        dana.get_by_label("Team").select_option(label="Support")
        dana.get_by_label("How long").fill("3:10")
        check_accessibility(dana, "a new phone case")
        dana.get_by_role("button", name="Open the case").click()
        expect(dana.get_by_role("heading", name="Parcel 4411 has not arrived")).to_be_visible()
        survivor = _case_number(dana)
        expect(dana.locator("#timeline")).to_contain_text("Inbound call")

        # She answers with the saved reply, filled in for Ana and this case, and the label attached.
        reply = dana.get_by_label("Your reply")
        dana.get_by_role("searchbox", name="Saved replies").press_sequentially("label")
        found = dana.locator("#saved-found").get_by_role("button")
        expect(found).to_have_count(1)
        expect(found.first).to_contain_text("Dear Ana Silva")
        found.first.click()
        expect(reply).to_have_value(FILLED.format(number=survivor))
        dana.locator("#reply-files").set_input_files(str(label))
        _shot(dana, "agent-reply-ready")
        dana.get_by_role("button", name="Send reply").click()
        latest = dana.locator("#latest")
        expect(latest).to_contain_text(f"thank you for calling about case #{survivor}")
        expect(latest.get_by_role("img", name="return-label.png")).to_be_visible()
        _shot(dana, "agent-reply-sent")
        # On a laptop's screen she reads what she sent: the reply box does not sit over the conversation.
        # (read again each time: a live refresh may redraw the timeline meanwhile)
        dana.wait_for_function(UNCOVERED, timeout=5_000)
        dana.screenshot(path=SHOTS / "agent-reply-sent-viewport.png", animations="disabled", caret="hide")
        check_accessibility(dana, "the caller's case, answered")

        # The portal request was the same problem: she merges it into the phone case from its own page.
        dana.locator("#customer-title").locator("xpath=..").get_by_role("link", name=f"#{duplicate} Parcel???").click()
        expect(dana.get_by_role("heading", name="Parcel???")).to_be_visible()
        dana.get_by_role("link", name="Merge").click()
        merge = dana.get_by_role("dialog", name="Merge this case into another")
        merge.get_by_label("Their other open cases").select_option(str(survivor))
        merge.get_by_role("button", name="Merge into that case").click()
        expect(dana).to_have_url(re.compile(rf"/desk/cases/{survivor}(#latest)?$"))
        expect(dana.locator("#case-links")).to_contain_text(f"Merged from #{duplicate} Parcel???")
        expect(dana.locator("#timeline")).to_contain_text("Hello? Order 4411 still missing.")
        dana.goto(f"/desk/cases/{duplicate}")
        expect(dana.get_by_role("heading", name=f"Merged into #{survivor}")).to_be_visible()
        expect(
            dana.locator("#case-links").get_by_role("link", name=f"#{survivor} Parcel 4411 has not arrived")
        ).to_be_visible()
        _shot(dana, "agent-duplicate-merged")
        check_accessibility(dana, "the merged duplicate")

        # Ana, in the portal, sees the answer and its label on her case.
        ana.goto(f"/portal/cases/{survivor}")
        expect(ana.locator("main")).to_contain_text(f"thank you for calling about case #{survivor}")
        expect(ana.get_by_role("img", name="return-label.png")).to_be_visible()
        _shot(ana, "customer-answer")
        check_accessibility(ana, "the customer's answered case")
    finally:
        customer.close()
        agent.close()

    # --- The audit log shows each step, by name. -----------------------------------------------------------
    page.get_by_role("navigation", name="Admin centre").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    entries = page.locator("#audit-entries > li")
    heads = entries.locator(".audit-head")
    # Branding, hours and the SLA policy are the company's settings: created once, then changed twice.
    for step, times in (
        ("created business settings", 1),
        ("changed business settings", 2),
        ("created teams", 2),
        ("created departments", 1),
        ("created inbound addresses", 1),
        ("created staff invitations", 3),
    ):
        expect(heads.filter(has_text="Riya Admin (admin)").filter(has_text=step)).to_have_count(times)
    _shot(page, "audit-log")
    check_accessibility(page, "the audit log")
    page.get_by_label("Who").select_option(label="Dana Reyes")
    page.get_by_role("button", name="Show").click()
    heads = page.locator("#audit-entries > li .audit-head")
    for step in (
        "created saved replies",
        f"created cases {survivor} on case #{survivor}",
        f"created calls 1 on case #{survivor}",
        f"created attachments 1 on case #{survivor}",
        f"on case #{duplicate}",
        "created case links",
    ):
        expect(heads.filter(has_text="Dana Reyes (agent)").filter(has_text=step).first).to_be_visible()
    expect(heads.filter(has_text="Riya Admin")).to_have_count(0)
    _shot(page, "audit-log-agent")
