"""Reads for feedback (P15): a team's or department's inbox, what an agent marked, a case's, and the figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.consults.models import Consult
from sameside.feedback import rules
from sameside.feedback.models import Feedback
from sameside.feedback.rules import FeedbackKind, FeedbackState
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor
from sameside.staff.models import Department, Staff, Team

LIMIT = 100


@dataclass(frozen=True)
class FeedbackRow:
    """One piece of feedback with the words a page needs: the case's subject, whom it concerns, who marked it."""

    feedback: Feedback
    subject: str
    concerns: str
    marked_by: str | None
    answered_by: str | None


@dataclass(frozen=True)
class Figures:
    """A department's internal service over the last `days`: consults answered on time, feedback by kind."""

    days: int
    consults_answered: int
    consults_on_time: int
    consults_open: int
    by_kind: dict[FeedbackKind, int]
    waiting: int
    """Feedback not yet acknowledged (any age)."""

    @property
    def on_time_rate(self) -> float | None:
        return rules.on_time_rate(self.consults_answered, self.consults_on_time)

    @property
    def on_time_words(self) -> str:
        return rules.rate_words(self.on_time_rate)


def _theirs(actor: StaffActor) -> ColumnElement[bool]:
    """The feedback a person handles: their department's and their team's (everyone's for supervisors)."""
    if actor.at_least(Role.SUPERVISOR):
        return Feedback.id.is_not(None)
    mine: list[ColumnElement[bool]] = []
    if actor.department_id is not None:
        mine.append(Feedback.department_id == actor.department_id)
    if actor.team_id is not None:
        mine.append(Feedback.team_id == actor.team_id)
    return or_(*mine) if mine else false()


def inbox(
    session: Session,
    actor: StaffActor,
    *,
    team_id: int | None = None,
    department_id: int | None = None,
    state: FeedbackState | None = None,
    limit: int = LIMIT,
) -> list[FeedbackRow]:
    """Feedback concerning the viewer's team or department, newest first (supervisors: everyone's, filtered)."""
    query = select(Feedback).where(_theirs(actor))
    if team_id is not None:
        query = query.where(Feedback.team_id == team_id)
    if department_id is not None:
        query = query.where(Feedback.department_id == department_id)
    if state is not None:
        query = query.where(Feedback.state == state)
    rows = session.scalars(query.order_by(Feedback.marked_at.desc(), Feedback.id.desc()).limit(limit)).all()
    return described(session, rows)


def marked_by(session: Session, staff_id: int, *, limit: int = 50) -> list[FeedbackRow]:
    """What this person marked, newest first: where they read the answers they were given."""
    rows = session.scalars(
        select(Feedback)
        .where(Feedback.marked_by == staff_id)
        .order_by(Feedback.marked_at.desc(), Feedback.id.desc())
        .limit(limit)
    ).all()
    return described(session, rows)


def on_case(session: Session, case_id: int) -> list[FeedbackRow]:
    rows = session.scalars(select(Feedback).where(Feedback.case_id == case_id).order_by(Feedback.id)).all()
    return described(session, rows)


def waiting_count(session: Session, actor: StaffActor) -> int:
    """Feedback for the viewer not yet acknowledged (their tab's count)."""
    return int(
        session.scalar(
            select(func.count()).select_from(Feedback).where(_theirs(actor), Feedback.state == FeedbackState.NEW)
        )
        or 0
    )


def described(session: Session, rows: Sequence[Feedback]) -> list[FeedbackRow]:
    """Rows with their words, in four statements whatever their number."""
    if not rows:
        return []
    cases = {r.case_id for r in rows}
    subjects = dict(session.execute(select(Case.id, Case.subject).where(Case.id.in_(cases))).all())
    people = {i for r in rows for i in (r.marked_by, r.answered_by) if i is not None}
    names = dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(people))).all()) if people else {}
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    departments = dict(session.execute(select(Department.id, Department.name)).all())

    def concerns(row: Feedback) -> str:
        if row.department_id is not None:
            return departments.get(row.department_id, "a department")
        return teams.get(row.team_id or 0, "a team")

    return [
        FeedbackRow(
            feedback=r,
            subject=subjects.get(r.case_id, ""),
            concerns=concerns(r),
            marked_by=names.get(r.marked_by) if r.marked_by is not None else None,
            answered_by=names.get(r.answered_by) if r.answered_by is not None else None,
        )
        for r in rows
    ]


def figures(
    session: Session,
    *,
    department_id: int | None = None,
    team_id: int | None = None,
    now: datetime | None = None,
) -> Figures:
    """The figures of a department (consults and feedback) or a team (feedback only) over the last 30 days.

    The on-time rate is of consults answered in the window: answered by their
    due time, over answered. Open consults are counted apart (they have no
    verdict yet).
    """
    now = now or clock.now()
    since = now - timedelta(days=rules.FIGURE_DAYS)
    answered = on_time = still_open = 0
    if department_id is not None:
        answered, on_time = session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((Consult.answered_at <= Consult.due_at, 1), else_=0)), 0),
            ).where(
                Consult.department_id == department_id,
                Consult.answered_at.is_not(None),
                Consult.answered_at >= since,
            )
        ).one()
        still_open = int(
            session.scalar(
                select(func.count())
                .select_from(Consult)
                .where(Consult.department_id == department_id, Consult.answered_at.is_(None))
            )
            or 0
        )
    target = Feedback.department_id == department_id if department_id is not None else Feedback.team_id == team_id
    kinds = session.execute(
        select(Feedback.kind, func.count()).where(target, Feedback.marked_at >= since).group_by(Feedback.kind)
    ).all()
    by_kind = dict.fromkeys(FeedbackKind, 0)
    for kind, count in kinds:
        by_kind[FeedbackKind(kind)] = int(count)
    waiting = int(
        session.scalar(
            select(func.count()).select_from(Feedback).where(and_(target, Feedback.state == FeedbackState.NEW))
        )
        or 0
    )
    return Figures(
        days=rules.FIGURE_DAYS,
        consults_answered=int(answered),
        consults_on_time=int(on_time),
        consults_open=still_open,
        by_kind=by_kind,
        waiting=waiting,
    )
