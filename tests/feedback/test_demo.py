"""The demo shows feedback: a complaint about billing that reached Billing, and a compliment from a survey comment."""

from __future__ import annotations

from sqlalchemy import select

from sameside.auth.service import staff_actor
from sameside.db.engine import Database
from sameside.demo import seed
from sameside.feedback import queries
from sameside.feedback.models import Feedback
from sameside.feedback.rules import FeedbackKind, FeedbackSource
from sameside.kit.actors import Role
from sameside.staff.models import Staff, Team


def test_the_demo_has_a_complaint_reaching_billing_and_a_survey_compliment(db: Database) -> None:
    with db.unit_of_work() as session:
        seed.seed_demo(session, cases=240, seed=7)
    with db.unit_of_work(write=False) as session:
        billing = session.scalars(select(Team).where(Team.slug == "billing")).one()
        member = session.scalars(
            select(Staff).where(Staff.team_id == billing.id, Staff.role == Role.AGENT).order_by(Staff.id)
        ).first()
        assert member is not None
        seen = queries.inbox(session, staff_actor(member))
        [complaint] = [r for r in seen if r.feedback.source is FeedbackSource.CONVERSATION]
        assert complaint.feedback.kind is FeedbackKind.COMPLAINT and complaint.concerns == "Billing"
        assert complaint.feedback.source is FeedbackSource.CONVERSATION and complaint.marked_by
        assert "charged my card twice" in complaint.feedback.words
        everything = session.scalars(select(Feedback).order_by(Feedback.id)).all()
        surveyed = [r for r in everything if r.source is FeedbackSource.SURVEY]
        assert [r.kind for r in surveyed] == [FeedbackKind.COMPLIMENT]
        assert "thank you" in surveyed[0].words
