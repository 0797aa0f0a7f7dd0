"""The demo's feedback (P15): a complaint about billing that reached Billing, and a compliment from a survey comment.

Made of the demo's own cases. A customer of an open case the demo agent
works writes that billing charged them twice and never answered; the agent
marks those words as a complaint about the Billing team, whose people see it
on their feedback page. The survey answered with a comment (`demo.surveys`)
is routed to the team that had its case, as a compliment (a good score).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.auth.service import staff_actor
from sameside.cases import service as cases
from sameside.cases.models import Case
from sameside.cases.rules import ACTIVE
from sameside.customers.models import Customer
from sameside.feedback import service as feedback
from sameside.feedback.rules import Concerns, FeedbackKind
from sameside.kit import clock
from sameside.kit.actors import CustomerActor
from sameside.staff.models import Staff, Team
from sameside.surveys.models import Survey
from sameside.surveys.rules import SurveyState

COMPLAINT = (
    "One more thing: your billing team charged my card twice for this order, "
    "and nobody there has answered my two emails about it."
)
NOTE = "Second double charge I have seen this week"


def seed_feedback(session: Session, opened: Sequence[Case], agent: Staff, billing: Team, now: datetime) -> list[int]:
    """The complaint about Billing and the survey's compliment; their ids (fewer when the demo lacks a case)."""
    made: list[int] = []
    mine = [c for c in opened if c.status in ACTIVE and c.owner_id == agent.id and c.team_id != billing.id]
    if mine:
        case = max(mine, key=lambda c: c.id)
        customer = session.get(Customer, case.customer_id)
        assert customer is not None
        with clock.frozen(now):
            said = cases.receive_message(session, CustomerActor(customer.id, customer.organization_id), case, COMPLAINT)
            session.flush()
            complaint = feedback.mark(
                session, staff_actor(agent), case, said.id, FeedbackKind.COMPLAINT, Concerns(team_id=billing.id), NOTE
            )
        made.append(complaint.id)
    answered = session.scalars(
        select(Survey).where(Survey.state == SurveyState.ANSWERED, Survey.comment.is_not(None)).order_by(Survey.id)
    ).first()
    if answered is not None:
        surveyed = session.get(Case, answered.case_id)
        assert surveyed is not None
        with clock.frozen(answered.answered_at or now):
            routed = feedback.from_survey(session, answered, surveyed)  # already routed when the surveys are wired
        if routed is not None:
            made.append(routed.id)
    return made
