"""Feedback as verbs (P15): mark a customer's message, route a survey comment, acknowledge, answer.

Never commits. Marking is like writing a note: whoever may work on the
case marks one of the customer's messages as a compliment, complaint or
suggestion about a team or department; the case's timeline says so (staff
only). A department it concerns is remembered as consulted on the case
(`remember_consulted`), so its members read the case they are told about,
even a restricted team's. The department's members (or the team's
supervisors) are notified; whoever handles it acknowledges it, and may
answer the agent who marked it, who is notified with the answer.

A survey comment is routed by itself when the answer is recorded
(`from_survey`, wired as the surveys' listener): to the team that had the
case, a complaint when the score is low. A changed comment is routed again:
the same feedback, new again.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.cases import events, timeline
from sameside.cases import rules as case_rules
from sameside.cases.access import remember_consulted, scope_of
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import EntryKind
from sameside.feedback import rules
from sameside.feedback.models import Feedback
from sameside.feedback.rules import Concerns, FeedbackKind, FeedbackSource, FeedbackState
from sameside.kit import clock
from sameside.kit.actors import Actor, StaffActor, SystemActor
from sameside.kit.errors import Invalid, NotFound
from sameside.kit.words import first_line
from sameside.staff import notifications
from sameside.staff.models import Department, Team
from sameside.surveys.models import Survey
from sameside.surveys.rules import SurveyState

SOFTWARE = SystemActor("feedback")


class FeedbackNotFound(NotFound):
    title = "Feedback not found"
    slug = "feedback-not-found"


def mark(
    session: Session,
    actor: Actor,
    case: Case,
    entry_id: int,
    kind: FeedbackKind,
    concerns: Concerns,
    note: str | None = None,
) -> Feedback:
    """Mark the customer's message `entry_id` on `case` as feedback about a team or department.

    Only a message the customer wrote (inbound, not an automatic one) is
    feedback. The caller loads the case for the actor (`case_for`); marking
    is refused to whoever may only read it, as a note would be.
    """
    staff = case_rules.require_staff(actor, "mark feedback")
    case_rules.check_may_work(staff, scope_of(case))
    note = rules.clean_note(note)
    entry = session.get(TimelineEntry, entry_id)
    if entry is None or entry.case_id != case.id:
        raise Invalid("Choose one of the customer's messages on this case.")
    if entry.kind is not EntryKind.MESSAGE or entry.direction != "inbound" or entry.is_automatic or not entry.body:
        raise Invalid("Only a message the customer wrote can be marked as feedback.")
    name = _name_of(session, concerns)
    now = clock.now()
    row = Feedback(
        case_id=case.id,
        entry_id=entry.id,
        source=FeedbackSource.CONVERSATION,
        kind=kind,
        team_id=concerns.team_id,
        department_id=concerns.department_id,
        words=rules.quoted(entry.body),
        note=note,
        marked_by=staff.staff_id if isinstance(staff, StaffActor) else None,
        marked_at=now,
        state=FeedbackState.NEW,
    )
    session.add(row)
    session.flush()
    _routed(session, case, actor, row, name)
    return row


def from_survey(session: Session, survey: Survey, case: Case) -> Feedback | None:
    """Route an answered survey's comment to the team that had the case; None when there is nothing to route.

    Called in the transaction that records the answer. A survey without a
    comment, or of a case that had no team, routes nothing. Answered again
    with another comment, the same feedback takes the new words and kind and
    is new again for the team.
    """
    if survey.state is not SurveyState.ANSWERED or not survey.comment or survey.score is None:
        return None
    if survey.team_id is None:
        return None
    concerns = Concerns(team_id=survey.team_id)
    team = session.get(Team, survey.team_id)
    if team is None:
        return None
    now = clock.now()
    kind = rules.kind_of_score(survey.score)
    row = session.scalar(select(Feedback).where(Feedback.survey_id == survey.id))
    if row is not None and row.words == rules.quoted(survey.comment) and row.kind is kind:
        survey.routed_at = survey.routed_at or now
        return row
    if row is None:
        row = Feedback(case_id=case.id, survey_id=survey.id, source=FeedbackSource.SURVEY, team_id=concerns.team_id)
        session.add(row)
    row.kind, row.words, row.marked_at, row.state = kind, rules.quoted(survey.comment), now, FeedbackState.NEW
    row.acknowledged_by = row.acknowledged_at = row.answered_by = row.answered_at = None
    row.answer = None
    session.flush()
    survey.routed_at = now
    _routed(session, case, SOFTWARE, row, team.name)
    return row


def acknowledge(session: Session, actor: Actor, feedback_id: int) -> Feedback:
    """The team or department has read it. Acknowledging again changes nothing (a second click)."""
    row = _locked(session, feedback_id)
    rules.check_handle(actor, row.concerns, "acknowledge this feedback")
    if row.state is not FeedbackState.NEW:
        return row
    row.state, row.acknowledged_at = FeedbackState.ACKNOWLEDGED, clock.now()
    row.acknowledged_by = actor.staff_id if isinstance(actor, StaffActor) else None
    session.flush()
    return row


def answer(session: Session, actor: Actor, feedback_id: int, text: str) -> Feedback:
    """Answer the agent who marked it (once): they are notified with the answer; it acknowledges it too."""
    row = _locked(session, feedback_id)
    rules.check_handle(actor, row.concerns, "answer this feedback")
    rules.check_move(row.state, FeedbackState.ANSWERED)
    text = rules.clean_answer(text)
    now = clock.now()
    by = actor.staff_id if isinstance(actor, StaffActor) else None
    if row.acknowledged_at is None:
        row.acknowledged_at, row.acknowledged_by = now, by
    row.state, row.answer, row.answered_at, row.answered_by = FeedbackState.ANSWERED, text, now, by
    session.flush()
    if row.marked_by is not None and row.marked_by != by:
        name = _name_of(session, row.concerns)
        notifications.notify(
            session,
            [row.marked_by],
            kind="feedback_answered",
            text=f"#{row.case_id}: {name} answered your {row.kind.value}: “{first_line(text, 200)}”",
            case_id=row.case_id,
            data={"feedback_id": row.id},
            url=f"/desk/feedback?marked=me#feedback-{row.id}",
        )
    return row


def get(session: Session, feedback_id: int) -> Feedback:
    row = session.get(Feedback, feedback_id)
    if row is None:
        raise FeedbackNotFound("There is no such feedback.")
    return row


# ---------------------------------------------------------------- inside


def _locked(session: Session, feedback_id: int) -> Feedback:
    row = session.get(Feedback, feedback_id, with_for_update=True)
    if row is None:
        raise FeedbackNotFound("There is no such feedback.")
    return row


def _name_of(session: Session, concerns: Concerns) -> str:
    """The team's or department's name; refused when there is no such team or department."""
    if concerns.department_id is not None:
        department = session.get(Department, concerns.department_id)
        if department is None:
            raise Invalid("There is no such department.")
        return department.name
    team = session.get(Team, concerns.team_id)
    if team is None:
        raise Invalid("There is no such team.")
    return team.name


def _routed(session: Session, case: Case, actor: Actor, row: Feedback, name: str) -> None:
    """On the case's timeline, and to the people it concerns: the department's members, or the team's supervisors."""
    assert row.id is not None
    payload = events.FeedbackMarked(
        feedback_id=row.id,
        feedback=row.kind.value,
        concerns=name,
        note=row.note,
        survey_id=row.survey_id,
    )
    timeline.add_event(session, case, actor, payload, at=clock.now())
    if row.department_id is not None:
        remember_consulted(session, case.id, row.department_id)  # its members read the case they are told of
        told = notifications.department_members(session, row.department_id)
    else:
        told = [s.id for s in notifications.supervisors_of(session, team_id=row.team_id)]
    by = actor.staff_id if isinstance(actor, StaffActor) else None
    notifications.notify(
        session,
        [i for i in told if i != by],
        kind="feedback",
        text=f"#{case.id}: A {row.kind.value} about {name}: “{first_line(row.words, 160)}”",
        case_id=case.id,
        data={"feedback_id": row.id},
        url=f"/desk/feedback#feedback-{row.id}",
    )
    session.flush()
