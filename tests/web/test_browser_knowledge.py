"""The knowledge base in a real browser: an agent writes, previews and publishes an article; a visitor finds it in
the help centre by asking in their own words, and is told plainly when nothing fits."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from sameside.knowledge.models import Article
from sameside.knowledge.rules import ArticleState, Visibility
from tests.factories import PASSWORD, Factory
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _sign_in, _staff_who_can_sign_in


def test_an_agent_writes_previews_and_publishes_an_article(page: Page, make: Factory) -> None:
    email = _staff_who_can_sign_in(make, name="Maya Lind", email="maya@desk.example")
    page.goto("/")
    _sign_in(page, email, PASSWORD)
    page.goto("/desk/knowledge")
    expect(page.get_by_role("heading", level=1)).to_have_text("Knowledge base")
    check_accessibility(page, "knowledge base list")

    page.get_by_role("link", name="New article").click()
    page.get_by_label("Title").fill("Your card has not arrived")
    page.get_by_label("Text, in Markdown").fill(
        "Cards arrive within **five working days**.\n\n"
        "- Check the address in the app\n- Still nothing after a week? We send a new one"
    )
    page.get_by_label("Category").fill("Cards")
    page.get_by_label("Everyone, in the help centre").check()
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.locator("strong")).to_have_text("five working days")
    expect(page.get_by_label("Title")).to_have_value("Your card has not arrived")
    check_accessibility(page, "article editor with preview")

    page.get_by_label("Publish at once").check()
    page.get_by_role("button", name="Save article").click()
    expect(page.locator("#article-facts")).to_contain_text("Published · public")
    with make.db.unit_of_work(write=False) as s:
        article = s.scalar(select(Article).where(Article.title == "Your card has not arrived"))
        assert article is not None
        assert (article.state, article.visibility) == (ArticleState.PUBLISHED, Visibility.PUBLIC)

    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    # The browser's own check stops an empty title; the server's message shows when it is only spaces.
    page.get_by_label("Title").fill("   ")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Please write a title.")
    screenshot(page, "desk-knowledge-edit")
    check_accessibility(page, "article editor refusing a blank title")


def test_a_visitor_finds_an_answer_by_asking_and_is_told_when_nothing_fits(page: Page, make: Factory) -> None:
    email = _staff_who_can_sign_in(make, name="Maya Lind", email="maya@desk.example")
    with make.db.unit_of_work(write=False) as s:
        from sameside.staff.models import Staff

        staff = s.scalar(select(Staff).where(Staff.email == email))
        assert staff is not None
        staff_id = staff.id
    from tests.knowledge.seed import article

    article(
        make.db,
        staff_id,
        title="Changing your PIN",
        body="You can change your PIN at any cash machine, or in the app under **Security**.",
        category="Cards",
    )
    page.goto("/help")
    expect(page.get_by_role("heading", level=1)).to_have_text("Help centre")
    expect(page.get_by_role("link", name="write to us")).to_be_visible()
    check_accessibility(page, "help centre")

    page.get_by_label("Ask in your own words").fill("how do I set a new pin number for my card")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Changing your PIN").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changing your PIN")
    page.get_by_role("button", name="This helped").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    screenshot(page, "help-article")
    check_accessibility(page, "help article")

    page.goto("/help")
    page.get_by_label("Ask in your own words").fill("what time does the football start")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#nothing-fits")).to_contain_text("We have no article that answers this")
    check_accessibility(page, "help centre with nothing that fits")
