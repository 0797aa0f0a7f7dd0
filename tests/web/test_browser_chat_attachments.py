"""Files in the chat, in real browsers: a visitor on a phone-sized screen sends a picture and a program from
another site's widget (the program is refused by name under the file button, the words and the picture still
go), the agent sees the picture on the case and sends a PDF back, and the visitor gets it as a download."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from sameside.cases.models import Case
from sameside.customers.rules import Channel
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility
from tests.web.test_browser_chat import shop  # noqa: F401 - the other site, a fixture
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in

PHONE = {"width": 390, "height": 844}


def photo(width: int = 160, height: int = 100) -> bytes:
    """A real PNG big enough to see in a screenshot: a wood-brown board with a dark crack across it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\x00"
        + b"".join(
            b"\x30\x20\x18" if abs(y - height // 2 - (x // 8) % 5) < 2 else b"\xb0\x80\x50" for x in range(width)
        )
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_a_visitor_and_an_agent_send_each_other_files(
    page: Page,
    browser: Browser,
    make: Factory,
    shop: str,  # noqa: F811 - the fixture imported above
    live_server: str,
    tmp_path: Path,
) -> None:
    picture, program, form = tmp_path / "crack.png", tmp_path / "fix.exe", tmp_path / "returns-form.pdf"
    picture.write_bytes(photo())
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)
    form.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    dana = _staff_who_can_sign_in(make, name="Dana Reyes", email="dana@desk.example")

    # The visitor, on a phone.
    page.set_viewport_size(PHONE)
    page.goto(shop)
    page.get_by_role("button", name="Chat with a person").click()
    page.get_by_label("Your name").fill("Ana Silva")
    page.get_by_label("Your email (for our answer if you leave)").fill("ana@example.com")
    page.get_by_label("How can we help?").fill("The bench arrived with a cracked leg.")
    page.get_by_role("button", name="Start chat").click()
    log = page.get_by_role("log")
    expect(log).to_contain_text("The bench arrived with a cracked leg.")

    with make.db.unit_of_work(write=False) as s:
        number = s.scalar(select(Case.id).where(Case.channel == Channel.CHAT))
    assert number is not None

    # The agent, in another browser, has the chat case open.
    desk = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 900}, locale="en-GB")
    desk.set_default_timeout(10_000)
    agent = desk.new_page()
    errors: list[str] = []
    agent.on("pageerror", lambda error: errors.append(error.message))
    agent.goto("/")
    _sign_in(agent, dana, PASSWORD)
    agent.goto(f"/desk/cases/{number}")
    expect(agent.locator("#timeline")).to_contain_text("The bench arrived with a cracked leg.")
    agent.evaluate("window.sameSidePageKept = true")  # gone if the page were loaded again

    # The file button comes after the message box, by keyboard too.
    page.get_by_label("Your message").fill("Here is the crack.")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Attach files")).to_be_focused()
    page.get_by_label("Attach files").set_input_files([str(picture), str(program)])
    page.get_by_role("button", name="Send").click()

    problem = page.locator("#sameside-chat-files-problem")
    expect(problem).to_have_text("Not attached: fix.exe: programs are not accepted.")
    expect(log).to_contain_text("Here is the crack.")
    thumbnail = log.get_by_role("img", name="crack.png")
    expect(thumbnail).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    expect(page.get_by_label("Your message")).to_have_value("")  # it went
    box = page.locator("#sameside-chat").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path="/tmp/chat-files-visitor-sent.png", full_page=True)

    # The open case page shows the picture without a reload (the live hub).
    seen = agent.locator("#timeline").get_by_role("img", name="crack.png")
    expect(seen).to_be_visible()
    expect(agent.locator("#timeline")).to_contain_text("Not attached: fix.exe: programs are not accepted.")
    assert agent.evaluate("window.sameSidePageKept === true")
    agent.get_by_label("Your reply").fill("Sorry about that, Ana. Fill in this form and we send a new leg.")
    agent.locator("#reply-files").set_input_files(str(form))
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.locator("#latest")).to_contain_text("Fill in this form")
    agent.evaluate("document.getElementById('latest').scrollIntoView()")  # a live refresh may have swapped it in anew
    agent.screenshot(path="/tmp/chat-files-desk.png")
    check_accessibility(agent, "a chat case with files both ways")
    desk.close()
    assert not errors, errors

    # The visitor hears it live: the PDF is a download link, never a preview.
    expect(log).to_contain_text("Fill in this form")
    download = log.get_by_role("link", name="returns-form.pdf")
    expect(download).to_be_visible()
    assert log.get_by_role("img", name="returns-form.pdf").count() == 0
    href = download.get_attribute("href")
    assert href is not None and href.startswith(live_server) and "view=inline" not in href
    page.screenshot(path="/tmp/chat-files-visitor-answer.png", full_page=True)
    check_accessibility(page, "the chat widget with files both ways")
