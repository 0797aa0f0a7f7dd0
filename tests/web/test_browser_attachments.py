"""Attachments in a real browser: an agent sends a reply with a picture and a program (the program is refused by
name under the reply, the reply and the picture still go, shown as a thumbnail), and a customer attaches a photo to
their message in the portal; both pages pass axe."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from sameside.cases.access import case_for
from sameside.cases.service import assign
from sameside.customers.queries import customer_by_email
from sameside.staff.models import Staff
from tests.factories import PASSWORD, SYSTEM, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _magic_link, _sign_in, _staff_who_can_sign_in

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c0f01f0005000201e5270ade0000000049454e44ae426082"
)


def test_an_agent_and_a_customer_attach_files(page: Page, make: Factory, tmp_path: Path) -> None:
    picture, program = tmp_path / "label.png", tmp_path / "setup.exe"
    picture.write_bytes(PNG)
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")
    link = _magic_link(make, name="Ana Silva", email="ana.silva@example.com")
    with make.db.unit_of_work() as s:
        ana = customer_by_email(s, "ana.silva@example.com")
        assert ana is not None
        s.expunge_all()
    number = make.case(ana, subject="The parcel never came", body="Where is it?").id
    with make.db.unit_of_work() as s:
        person = s.query(Staff).filter_by(email=dana).one()
        assign(s, SYSTEM, case_for(s, SYSTEM, number), person)

    page.goto("/")
    _sign_in(page, dana, PASSWORD)
    page.goto(f"/desk/cases/{number}")
    page.get_by_label("Your reply").fill("Here is the return label.")
    page.locator("#reply-files").set_input_files([str(picture), str(program)])
    page.get_by_role("button", name="Send reply").click()

    latest = page.locator("#latest")
    expect(latest).to_contain_text("Here is the return label.")
    expect(latest.locator("[data-files-refused]")).to_have_text("Not attached: setup.exe: programs are not accepted.")
    thumbnail = latest.get_by_role("img", name="label.png")
    expect(thumbnail).to_be_visible()
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    screenshot(page, "desk-reply-with-files")
    check_accessibility(page, "case page with an attachment and a refused file")
    page.context.clear_cookies()

    page.goto(link)
    page.get_by_role("button", name="Sign in to see your cases").click()
    page.goto(f"/portal/cases/{number}")
    expect(page.get_by_role("img", name="label.png")).to_be_visible()
    page.get_by_label("Your message").fill("Thanks, and here is a photo of the box.")
    page.locator("#portal-files").set_input_files(str(picture))
    page.get_by_role("button", name="Send", exact=True).click()
    mine = page.locator("#latest")
    expect(mine).to_contain_text("here is a photo of the box")
    expect(mine.get_by_role("img", name="label.png")).to_be_visible()
    screenshot(page, "portal-message-with-file")
    check_accessibility(page, "portal case with attachments")
