"""Asking a department, answering, and the department's queue.

The owner asks inside the case; the case waits on internal, and the customer
is told plainly who we are checking with and by when, in the words the agent
saw and chose (a line we suggest, in their form of address and time zone), or
told nothing if the agent chooses so. The department answers
in its queue; the answer lands on the case as an internal note for the owner,
who keeps the case (P3) and tells the customer. Once nothing else is asked,
the case opens again for them through the case verbs, so the move is on its
timeline and its live pages. A consult past its due time is overdue, on the
department's page and the case's, and the owner and the department are
notified once (`flag_overdue_consults`, run by the worker).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sameside.cases import events, timeline
from sameside.cases import rules as case_rules
from sameside.cases import service as cases
from sameside.cases.access import remember_consulted, scope_of
from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.consults import rules
from sameside.consults.models import Consult
from sameside.customers.models import Customer
from sameside.kit import clock
from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.errors import Conflict, Forbidden, Invalid, NotFound
from sameside.kit.events import publish
from sameside.kit.hours import Hours, add_business_hours
from sameside.kit.words import due_in, first_line
from sameside.staff import notifications
from sameside.staff.models import Department

QUESTION_MAX = 10_000


def ask(
    session: Session,
    actor: Actor,
    case: Case,
    department: Department,
    question: str,
    hours: Hours,
    *,
    customer_line: str | None = None,
    tell_customer: bool = True,
) -> Consult:
    """Ask `department` about `case`; the case waits on internal and stays its owner's.

    The customer reads `customer_line` (the agent's words; the suggested line
    from `suggested_line` when None), or nothing at all when `tell_customer`
    is false: then the step is on the timeline for staff only.
    """
    case_rules.check_work(actor, scope_of(case), "ask a department about this case")
    question = question.replace("\x00", "").strip()
    if not question:
        raise Invalid("Write the question for the department.")
    if len(question) > QUESTION_MAX:
        raise Invalid(f"A question may have at most {QUESTION_MAX:,} characters.")
    now = clock.now()
    due = due_for(department, hours, now)
    line = None
    if tell_customer:
        line = (
            rules.check_line(customer_line)
            if customer_line is not None
            else suggested_line(session.get(Customer, case.customer_id), department, due, now, hours)
        )
    consult = Consult(
        case_id=case.id,
        department_id=department.id,
        question=question,
        asked_by=actor.staff_id if isinstance(actor, StaffActor) else None,
        asked_at=now,
        due_at=due,
    )
    session.add(consult)
    remember_consulted(session, case.id, department.id)
    entry = timeline.add_event(
        session,
        case,
        actor,
        events.ConsultOpened(department_id=department.id, due_at=due, question=question[:2000]),
        at=now,
        body=line,  # what the customer reads, in words the agent saw and chose
    )
    if line is None:
        entry.is_public = False  # the agent chose to tell the customer nothing: staff see the step, they do not
    if (
        case.status is not CaseStatus.WAITING_ON_INTERNAL
        and CaseStatus.WAITING_ON_INTERNAL in case_rules.TRANSITIONS.get(case.status, frozenset())
    ):
        cases.change_status(session, actor, case, CaseStatus.WAITING_ON_INTERNAL)
    session.flush()
    publish(session.info, "case.status", case_id=case.id)
    return consult


def due_for(department: Department, hours: Hours, now: datetime) -> datetime:
    """When a consult asked now is due: the department's service level, in business hours."""
    return add_business_hours(hours, now, department.service_level_hours)


def suggested_line(
    customer: Customer | None, department: Department, due: datetime, now: datetime, hours: Hours
) -> str:
    """The line we suggest the customer reads: their form of address, the due time in their time zone."""
    return rules.customer_line(
        department=department.name,
        due=due,
        now=now,
        customer_zone=customer.timezone if customer else None,
        business_zone=hours.zone,
        form_of_address=customer.form_of_address if customer else None,
    )


def answer(session: Session, actor: Actor, consult_id: int, text: str) -> Consult:
    consult = session.get(Consult, consult_id, with_for_update=True)
    if consult is None:
        raise NotFound("No such consult.")
    if not isinstance(actor, StaffActor) or (
        actor.department_id != consult.department_id and not actor.at_least(Role.SUPERVISOR)
    ):
        raise Forbidden("Only the department asked may answer this consult.")
    if consult.answered_at is not None:
        raise Conflict("This consult has been answered already.")
    text = text.replace("\x00", "").strip()
    if not text:
        raise Invalid("Write the answer.")
    now = clock.now()
    consult.answer, consult.answered_by, consult.answered_at = text[:QUESTION_MAX], actor.staff_id, now
    department = session.get(Department, consult.department_id)
    name = department.name if department else "the department"
    case = session.get(Case, consult.case_id)
    assert case is not None  # a consult is deleted with its case
    asked = first_line(consult.question, 200)
    cases.add_note(session, actor, case, f"Answer from {name} to “{asked}”:\n\n{consult.answer}")
    timeline.add_event(
        session, case, actor, events.ConsultAnswered(consult_id=consult.id, late=now > consult.due_at), at=now
    )
    session.flush()
    still_open = session.scalar(
        select(func.count())
        .select_from(Consult)
        .where(Consult.case_id == consult.case_id, Consult.answered_at.is_(None))
    )
    if not still_open:
        cases.hand_back(session, actor, case, reason="consult answered")  # the ball is back with the owner
    # The owner keeps the case (P3), so the answer is theirs to act on; the asker's if nobody owns it.
    notifications.notify_consult_answered(
        session,
        case_id=consult.case_id,
        consult_id=consult.id,
        keeper_id=case.owner_id or consult.asked_by,
        by=actor.staff_id,
        department=name,
        answer=consult.answer,
        late=now > consult.due_at,
    )
    return consult


def flag_overdue_consults(session: Session, now: datetime | None = None, *, batch: int = 200) -> int:
    """Tell the case's owner and the department, once, about each consult past its due time; returns how many.

    Each consult is marked when flagged (`overdue_flagged_at`), so a round
    reads only consults that have newly gone overdue — one index range,
    usually empty — however many old ones were never answered. Locked with
    SKIP LOCKED on PostgreSQL, so two workers never flag the same consult
    twice (SQLite has one writer at a time anyway).
    """
    now = now or clock.now()
    flagged = 0
    while True:
        overdue = session.scalars(
            select(Consult)
            .where(Consult.answered_at.is_(None), Consult.overdue_flagged_at.is_(None), Consult.due_at < now)
            .order_by(Consult.due_at, Consult.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        flagged += _flag(session, overdue, now)
        if len(overdue) < batch:
            return flagged


def _flag(session: Session, overdue: Sequence[Consult], now: datetime) -> int:
    if not overdue:
        return 0
    keepers = dict(
        session.execute(select(Case.id, Case.owner_id).where(Case.id.in_({c.case_id for c in overdue}))).all()
    )
    members = {d: notifications.department_members(session, d) for d in {c.department_id for c in overdue}}
    names = dict(session.execute(select(Department.id, Department.name).where(Department.id.in_(members.keys()))).all())
    flagged = 0
    for consult in overdue:
        consult.overdue_flagged_at = now
        made = notifications.notify(
            session,
            [keepers.get(consult.case_id) or consult.asked_by, *members[consult.department_id]],
            kind="consult_overdue",
            text=f"#{consult.case_id}: {names.get(consult.department_id, 'The department')} has not answered "
            f"“{first_line(consult.question, 120)}”, {due_in(consult.due_at, now)}",
            case_id=consult.case_id,
            data={"consult_id": consult.id},
        )
        flagged += bool(made)
    session.flush()
    return flagged


def queue(session: Session, department_id: int) -> Sequence[Consult]:
    """The department's open consults, soonest due first."""
    return session.scalars(
        select(Consult)
        .where(Consult.department_id == department_id, Consult.answered_at.is_(None))
        .order_by(Consult.due_at, Consult.id)
        .limit(200)
    ).all()


def open_on_case(session: Session, case_id: int) -> Sequence[Consult]:
    return session.scalars(select(Consult).where(Consult.case_id == case_id).order_by(Consult.id)).all()


def is_overdue(consult: Consult, *, now: datetime | None = None) -> bool:
    return consult.answered_at is None and (now or clock.now()) > consult.due_at
