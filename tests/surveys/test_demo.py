"""The demo shows the survey story: one answered with a comment, and the same customer's next skipped (last week)."""

from __future__ import annotations

from sqlalchemy import select

from sameside.db.engine import Database
from sameside.demo import seed
from sameside.surveys.models import Survey
from sameside.surveys.rules import Skip, SurveyState


def test_the_demo_has_an_answered_survey_and_one_skipped_because_one_went_last_week(db: Database) -> None:
    with db.unit_of_work() as session:
        seed.seed_demo(session, cases=240, seed=7)
    with db.unit_of_work(write=False) as session:
        rows = session.scalars(select(Survey).order_by(Survey.id)).all()
        answered = [s for s in rows if s.state is SurveyState.ANSWERED]
        skipped = [s for s in rows if s.skipped is Skip.RECENT]
        assert answered and answered[0].comment and answered[0].score == 4
        assert skipped and skipped[0].reason == "one was sent last week (at most one every 30 days)"
        assert skipped[0].customer_id == answered[0].customer_id
