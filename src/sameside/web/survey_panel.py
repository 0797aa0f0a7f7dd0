"""What the portal shows of surveys: the case's question (or its answer), and the customer's choice to take them."""

from __future__ import annotations

from typing import Any

from sameside.contact import service as contact
from sameside.db.engine import Session
from sameside.kit import clock
from sameside.surveys import queries as surveys_queries
from sameside.surveys import rules
from sameside.surveys.rules import SurveyState


def survey_panel(session: Session, case_id: int) -> dict[str, Any]:
    """The case's survey for the portal (sent or answered, still open or not); None when there is none to show."""
    survey = surveys_queries.for_case(session, case_id)
    if survey is None or survey.state is SurveyState.SKIPPED:
        return {"survey": None}
    return {
        "survey": survey,
        "survey_open": survey.expires_at is None or clock.now() < survey.expires_at,
        "survey_scale": rules.SCALE,
        "survey_words": rules.WORDS,
        "survey_question": rules.QUESTION,
    }


def survey_choice(session: Session, customer_id: int) -> dict[str, Any]:
    """Whether the customer takes surveys, for the preferences page."""
    return {"wants_surveys": contact.wants_surveys(session, customer_id)}
