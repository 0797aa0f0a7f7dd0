"""The survey in a real browser: a customer answers from the email's link (the page asks; only its button records),
and another answers on their case's page in the portal."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from sameside.auth.service import instance_key
from sameside.config import Settings
from sameside.kit import clock
from sameside.mail.models import OutboundMail
from sameside.surveys.links import Links
from sameside.surveys.rules import SurveyState
from sameside.surveys.tasks import LINK_KEY
from tests.factories import Factory
from tests.surveys.seed import plain_text, sent_survey, survey_of
from tests.web.browser import check_accessibility, screenshot
from tests.web.test_browser_front import _magic_link


def _links(make: Factory, live_server: str, settings: Settings) -> Links:
    """Links signed with the key the live server checks (the installation's own, kept in the database)."""
    with make.db.unit_of_work() as s:
        return Links(live_server, instance_key(s, LINK_KEY, configured=settings.secret_key))


def test_a_customer_answers_from_the_email_and_another_in_the_portal(
    page: Page, live_server: str, make: Factory, settings: Settings
) -> None:
    links = _links(make, live_server, settings)
    ana = make.customer("ana.silva@example.com", name="Ana Silva")
    survey = sent_survey(make, ana, clock.now() - timedelta(hours=2), links)
    with make.db.unit_of_work(write=False) as s:
        mail = s.get(OutboundMail, survey.outbound_id)
        assert mail is not None
        [link] = re.findall(r"(http://\S+/surveys/\d+/4\?expires=\d+&signature=[\w-]+)", plain_text(mail.raw or b""))

    page.goto(link)
    expect(page.get_by_role("heading", name="How well did we solve it?")).to_be_visible()
    expect(page.get_by_label("Well", exact=True)).to_be_checked()
    asked = survey_of(make.db, survey.case_id)
    assert asked is not None and asked.state is SurveyState.SENT  # opening the link records nothing
    check_accessibility(page, "survey: the question from the email's link")
    screenshot(page, "survey-from-email")
    page.get_by_label("Completely").check()
    page.get_by_label("Anything you would like to add? (optional)").fill("Quick and kind, thank you.")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("you told us Completely")
    answered = survey_of(make.db, survey.case_id)
    assert answered is not None and (answered.score, answered.comment) == (5, "Quick and kind, thank you.")

    sign_in = _magic_link(make, name="Ben Okafor", email="ben@example.com")
    ben = make.customer("ben@example.com", name="Ben Okafor")  # the one the link signs in
    theirs = sent_survey(make, ben, clock.now() - timedelta(hours=2), links)
    page.goto(sign_in)
    page.get_by_role("button", name="Sign in to see your cases").click()
    page.goto(f"/portal/cases/{theirs.case_id}")
    survey_section = page.locator("#survey")
    expect(survey_section.get_by_role("heading", name="How well did we solve it?")).to_be_visible()
    check_accessibility(page, "portal: the survey on a solved case")
    survey_section.get_by_label("Partly").check()
    survey_section.get_by_label("Anything you would like to add? (optional)").fill("It took three emails.")
    survey_section.get_by_role("button", name="Send my answer").click()
    expect(page.locator("#survey").get_by_role("status")).to_contain_text("You told us Partly, with a comment")
    screenshot(page, "portal-survey-answered")
    found = survey_of(make.db, theirs.case_id)
    assert found is not None and (found.score, found.via) == (3, "portal")
