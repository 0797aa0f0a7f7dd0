"""Catching a repeat contact as a case opens, and noting a customer who came back within the week (P12).

`cases.service` calls `notice` when a case opens, before routing: the
customer's cases resolved within `rules.WINDOW` are compared with the new
one (`rules.same_problem`, and by meaning when `understand_with` was given
a way to compare texts — the knowledge base's sentence embeddings, wired in
`wiring.py`); a match is recorded, written on both timelines, and the new
case goes back to the earlier owner when they are at the desk. It calls
`came_back` when a customer writes on or reopens a case resolved within the
week. Either way the earlier resolution stops counting as right first time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sameside.cases import events, timeline
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.repeats import rules
from sameside.cases.repeats.models import RepeatContact
from sameside.cases.routing import rules as routing_rules
from sameside.cases.routing import service as routing
from sameside.cases.rules import CaseStatus, EntryKind
from sameside.customers.rules import Channel
from sameside.kit.actors import Role, SystemActor
from sameside.kit.events import publish
from sameside.staff import presence
from sameside.staff.models import Presence, Staff

Meaning = Callable[[str, Sequence[str]], Sequence[float]]
"""How alike in meaning a text is to each of some others, -1 … 1 (cosine of sentence embeddings)."""
MEANING_THRESHOLD = 0.6
"""Texts this alike in meaning are the same problem even when their words differ (see docs/repeats.md)."""
DETECTION = SystemActor("repeat contacts")
ROUTED_ROLES = (Role.AGENT, Role.SUPERVISOR)

_meaning: Meaning | None = None
_paused: ContextVar[bool] = ContextVar("repeats_paused", default=False)


@contextmanager
def paused() -> Iterator[None]:
    """No detection inside: for writing down a history whose cases are played one after another, out of time order."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def understand_with(meaning: Meaning | None) -> None:
    """Compare problems by meaning too (None: by their words and identifiers alone)."""
    global _meaning
    _meaning = meaning


def notice(session: Session, case: Case, first: TimelineEntry, now: datetime) -> RepeatContact | None:
    """Is the new `case` a repeat of one resolved for its customer within the week? Link, note and route it."""
    if _paused.get():
        return None
    earlier = _recently_resolved(session, case, now)
    if not earlier:
        return None
    new = rules.Problem(case.id, case.subject, first.body or "")
    match = _follow_up(case, earlier) or rules.same_problem(new, earlier) or _by_meaning(new, earlier)
    if match is None:
        return None
    previous = session.get(Case, match.earlier)
    if previous is None:
        return None
    shared = rules.shared_words(match.shared)
    repeat = RepeatContact(case_id=case.id, earlier_id=previous.id, score=match.score, shared=shared, detected_at=now)
    session.add(repeat)
    if previous.came_back_at is None:
        previous.came_back_at = now
    timeline.add_event(session, case, DETECTION, events.RepeatContactLinked(earlier=previous.id, shared=shared), at=now)
    timeline.add_event(session, previous, DETECTION, events.RepeatContactLinked(later=case.id, shared=shared), at=now)
    owner = _on_duty(session, previous.owner_id, now)
    if owner is not None and case.owner_id is None and case.channel is not Channel.CHAT:
        repeat.routed_to = owner.id
        if owner.team_id is not None:
            case.team_id = owner.team_id
        case.owner = owner
        timeline.add_event(
            session,
            case,
            DETECTION,
            events.Assigned(owner_id=owner.id, reason=f"routed: they resolved case #{previous.id}", after="new case"),
            at=now,
        )
        publish(session.info, "case.assigned", case_id=case.id, owner_id=owner.id)
    session.flush()
    return repeat


def came_back(case: Case, now: datetime) -> None:
    """The customer wrote on `case` again (or it was reopened): a resolution within the week was not the last word."""
    if case.came_back_at is None and rules.breaks_first_contact(case.resolved_at, now):
        case.came_back_at = now


def repeat_of(session: Session, case_id: int) -> RepeatContact | None:
    return session.get(RepeatContact, case_id)


def repeats_of(session: Session, case_id: int) -> list[RepeatContact]:
    """The later cases that came back about this one, oldest first."""
    return list(
        session.scalars(
            select(RepeatContact).where(RepeatContact.earlier_id == case_id).order_by(RepeatContact.detected_at)
        )
    )


def _recently_resolved(session: Session, case: Case, now: datetime) -> list[rules.Problem]:
    """The customer's cases resolved within the window, newest resolution first, with their first messages."""
    rows = session.execute(
        select(Case.id, Case.subject)
        .where(
            Case.customer_id == case.customer_id,
            Case.id != case.id,
            Case.status.in_((CaseStatus.RESOLVED, CaseStatus.CLOSED)),
            Case.resolved_at >= now - rules.WINDOW,
            Case.resolved_at <= now,
        )
        .order_by(Case.resolved_at.desc())
        .limit(rules.CANDIDATES)
    ).all()
    if not rows:
        return []
    firsts = (
        select(func.min(TimelineEntry.id))
        .where(
            TimelineEntry.case_id.in_([r.id for r in rows]),
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.direction == "inbound",
        )
        .group_by(TimelineEntry.case_id)
    )
    first_messages = select(TimelineEntry.case_id, TimelineEntry.body).where(TimelineEntry.id.in_(firsts))
    bodies = {row.case_id: row.body for row in session.execute(first_messages)}
    return [rules.Problem(r.id, r.subject, bodies.get(r.id) or "") for r in rows]


def _follow_up(case: Case, earlier: list[rules.Problem]) -> rules.Match | None:
    """A message on a closed case's thread opens a follow-up: if that case was resolved this week, it is a repeat."""
    if case.follow_up_of is None or all(p.case_id != case.follow_up_of for p in earlier):
        return None
    return rules.Match(case.follow_up_of, 1.0, ("a reply to its email thread",))


def _by_meaning(new: rules.Problem, earlier: list[rules.Problem]) -> rules.Match | None:
    if _meaning is None:
        return None
    try:
        scores = _meaning(f"{new.subject}\n{new.body}", [f"{p.subject}\n{p.body}" for p in earlier])
    except Exception:  # no model, a text it cannot read: the words have spoken, meaning adds nothing
        return None
    best = max(range(len(earlier)), key=lambda i: scores[i])
    if scores[best] < MEANING_THRESHOLD:
        return None
    return rules.Match(earlier[best].case_id, round(float(scores[best]), 3), ("the same problem in other words",))


def _on_duty(session: Session, staff_id: int | None, now: datetime) -> Staff | None:
    """The earlier owner, if they are at the desk now (a desk page of theirs open) and can take another case."""
    if staff_id is None:
        return None
    person = session.get(Staff, staff_id)
    if person is None or not person.is_active or person.role not in ROUTED_ROLES:
        return None
    at_desk = presence.effective(Presence.ONLINE, seen_at=person.seen_at, active_at=person.active_at, now=now)
    if at_desk is Presence.OFFLINE:
        return None
    load = routing.load_of(session, [person.id]).get(person.id, 0)
    return person if load < routing_rules.MAX_OPEN else None


@dataclass(frozen=True)
class Seen:
    """A case on the other side of a repeat, as the agent reads it beside the case."""

    number: int
    subject: str
    at: datetime
    """Resolved at (the earlier case), or opened at (a later one)."""
    owner: str | None


@dataclass(frozen=True)
class Story:
    """What the case page says about repeats: what this case repeats, what came back about it, and its P12 state."""

    earlier: Seen | None
    shared: str
    routed_back: bool
    later: list[Seen]
    first_contact: rules.FirstContact


def story(session: Session, case: Case, now: datetime) -> Story:
    repeat = repeat_of(session, case.id)
    later = repeats_of(session, case.id)
    numbers = [r.case_id for r in later] + ([repeat.earlier_id] if repeat else [])
    rows = {
        row.id: row
        for row in session.execute(
            select(Case.id, Case.subject, Case.resolved_at, Case.created_at, Staff.name)
            .outerjoin(Staff, Staff.id == Case.owner_id)
            .where(Case.id.in_(numbers))
        )
    }

    def seen(number: int, resolved: bool) -> Seen | None:
        row = rows.get(number)
        if row is None:
            return None
        return Seen(number, row.subject, (row.resolved_at if resolved else None) or row.created_at, row.name)

    return Story(
        earlier=seen(repeat.earlier_id, True) if repeat else None,
        shared=repeat.shared if repeat else "",
        routed_back=bool(repeat and repeat.routed_to),
        later=[s for s in (seen(r.case_id, False) for r in later) if s is not None],
        first_contact=rules.first_contact(case.resolved_at, case.came_back_at, now),
    )
