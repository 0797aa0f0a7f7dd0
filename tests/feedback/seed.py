"""Feedback for tests: the customer's first message on a case, and a complaint marked on it for a department."""

from __future__ import annotations

from sqlalchemy import select

from sameside.cases.access import case_for
from sameside.cases.models import TimelineEntry
from sameside.cases.rules import EntryKind
from sameside.db.engine import Database
from sameside.feedback import service as feedback
from sameside.feedback.rules import Concerns, FeedbackKind
from tests.factories import SYSTEM


def first_message(db: Database, number: int) -> int:
    """The id of the first message on case `number` (the customer's, as the factory opens cases)."""
    with db.unit_of_work(write=False) as s:
        found = s.scalars(
            select(TimelineEntry.id)
            .where(TimelineEntry.case_id == number, TimelineEntry.kind == EntryKind.MESSAGE)
            .order_by(TimelineEntry.id)
        ).first()
        assert found is not None
        return found


def complaint_for(db: Database, number: int, department_id: int) -> int:
    """A complaint about the department, marked on case `number`'s first message; its id."""
    entry = first_message(db, number)
    with db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        concerns = Concerns(department_id=department_id)
        return feedback.mark(s, SYSTEM, case, entry, FeedbackKind.COMPLAINT, concerns, "Charged twice").id
