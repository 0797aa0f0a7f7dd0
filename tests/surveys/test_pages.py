"""The survey's pages over HTTP: the email link's GET shows and never records, its POST records; the portal too."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from sameside.kit import clock
from sameside.mail.models import OutboundMail
from sameside.surveys.links import Links
from sameside.surveys.rules import SurveyState
from tests.factories import Factory
from tests.surveys.seed import plain_text, sent_survey, survey_of

T = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)
NOW = T + timedelta(hours=2)


def _links(client: TestClient) -> Links:
    return Links("http://testserver", client.app.state.link_key)  # type: ignore[attr-defined]


def _emailed_link(make: Factory, outbound_id: int | None, score: int) -> str:
    """The link for `score` in the survey email as it went out, made relative to the test server."""
    with make.db.unit_of_work(write=False) as s:
        mail = s.get(OutboundMail, outbound_id)
        assert mail is not None
        text = plain_text(mail.raw or b"")
    [link] = re.findall(rf"http://testserver(/surveys/\d+/{score}\?expires=\d+&signature=[\w-]+)", text)
    return str(link)


def test_the_email_link_shows_the_question_and_only_the_post_records(client: TestClient, make: Factory) -> None:
    customer = make.customer("ana@example.com")
    survey = sent_survey(make, customer, T, _links(client))
    link = _emailed_link(make, survey.outbound_id, 4)
    with clock.frozen(NOW):
        shown = client.get(link)
        assert shown.status_code == 200
        assert "How well did we solve it?" in shown.text
        assert re.search(r'value="4" checked', shown.text) and "Completely" in shown.text
        again = client.get(link)  # a mail scanner opening it twice changes nothing
        assert again.status_code == 200
        unanswered = survey_of(make.db, survey.case_id)
        assert unanswered is not None and unanswered.state is SurveyState.SENT and unanswered.score is None

        path, query = link.split("?")
        fields = dict(pair.split("=", 1) for pair in query.split("&"))
        posted = client.post(path, data={**fields, "score": "4", "comment": "Kind and quick"})
        assert posted.status_code == 200 and "Thank you" in posted.text
        answered = survey_of(make.db, survey.case_id)
        assert answered is not None and (answered.score, answered.comment) == (4, "Kind and quick")

        changed = client.post(path, data={**fields, "score": "5", "comment": "Kind and quick"})
        assert changed.status_code == 200
        twice = survey_of(make.db, survey.case_id)
        assert twice is not None and (twice.score, twice.answers) == (5, 2)


def test_a_forged_or_expired_link_is_a_clear_404(client: TestClient, make: Factory) -> None:
    survey = sent_survey(make, make.customer(), T, _links(client))
    link = _emailed_link(make, survey.outbound_id, 5)
    forged = re.sub(r"signature=[\w-]+", "signature=forged", link)
    with clock.frozen(NOW):
        for bad in (forged, link.replace(f"/surveys/{survey.id}/", f"/surveys/{survey.id + 1}/")):
            answer = client.get(bad)
            assert answer.status_code == 404 and "not valid or has expired" in answer.text
        path, query = forged.split("?")
        fields = dict(pair.split("=", 1) for pair in query.split("&"))
        assert client.post(path, data={**fields, "score": "5"}).status_code == 404
    with clock.frozen(T + timedelta(days=40)):
        assert client.get(link).status_code == 404
    untouched = survey_of(make.db, survey.case_id)
    assert untouched is not None and untouched.score is None


def test_the_portal_asks_on_the_case_page_and_keeps_the_choice_to_opt_out(client: TestClient, make: Factory) -> None:
    customer = make.customer("ben@example.com")
    survey = sent_survey(make, customer, T, _links(client))
    with clock.frozen(NOW):
        headers = make.customer_session(customer)
        csrf = headers["X-CSRF-Token"]
        page = client.get(f"/portal/cases/{survey.case_id}", headers=headers)
        assert page.status_code == 200 and 'id="survey"' in page.text
        posted = client.post(
            f"/portal/surveys/{survey.id}",
            data={"csrf": csrf, "case": str(survey.case_id), "score": "2", "comment": "Took three emails"},
            headers=headers,
            follow_redirects=False,
        )
        assert posted.status_code == 303
        answered = survey_of(make.db, survey.case_id)
        assert answered is not None and (answered.score, answered.via) == (2, "portal")
        refused = client.post(
            f"/portal/surveys/{survey.id}",
            data={"csrf": csrf, "case": str(survey.case_id), "score": "9"},
            headers=headers,
        )
        assert refused.status_code == 422 and "Not at all" in refused.text

        preferences = client.get("/portal/preferences", headers=headers)
        assert 'id="surveys"' in preferences.text
        saved = client.post(
            "/portal/preferences/surveys", data={"csrf": csrf, "surveys": "no"}, headers=headers, follow_redirects=False
        )
        assert saved.status_code == 303
        shown = client.get("/portal/preferences", headers=headers)
        assert re.search(r'value="no" checked', shown.text)
