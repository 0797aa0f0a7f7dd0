"""Reads for the back office: a department's consults as its queue (P4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.consults.models import Consult
from sameside.consults.service import is_overdue, queue


@dataclass(frozen=True)
class QueuedConsult:
    """One consult in a department's queue, with the subject of the case it is about."""

    consult: Consult
    subject: str
    overdue: bool


def department_queue(session: Session, department_id: int, *, now: datetime | None = None) -> list[QueuedConsult]:
    """The department's open consults, soonest due first, each with its case's subject (two statements)."""
    waiting = queue(session, department_id)
    ids = {c.case_id for c in waiting}
    subjects = {row.id: row.subject for row in session.execute(select(Case.id, Case.subject).where(Case.id.in_(ids)))}
    return [QueuedConsult(c, subjects.get(c.case_id, ""), is_overdue(c, now=now)) for c in waiting]
