"""Offering, booking, moving, cancelling, completing and flagging callbacks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sameside.callbacks import rules
from sameside.callbacks.models import Callback, CallbackState
from sameside.cases import events, timeline
from sameside.cases.models import Case
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, StaffActor
from sameside.kit.addresses import normalize_phone
from sameside.kit.errors import Conflict, Forbidden, Invalid, NotFound
from sameside.kit.events import publish
from sameside.staff import notifications
from sameside.staff.models import Staff

NOTICE = timedelta(minutes=30)


@dataclass(frozen=True)
class Policy:
    hours: rules.Hours
    minutes: int = 30
    days: int = 7


def agents_on_duty(session: Session) -> int:
    """Front-line people who can take a call: active staff in a team."""
    return int(
        session.scalar(
            select(func.count()).select_from(Staff).where(Staff.is_active.is_(True), Staff.team_id.is_not(None))
        )
        or 0
    )


def free_slots(session: Session, policy: Policy, *, now: datetime | None = None) -> list[datetime]:
    """Slot starts with an agent free, soonest first."""
    now = now or clock.now()
    capacity = agents_on_duty(session)
    if capacity == 0:
        return []
    candidates = list(rules.slots(policy.hours, now=now, days=policy.days, minutes=policy.minutes, notice=NOTICE))
    if not candidates:
        return []
    booked = Counter(
        session.scalars(
            select(Callback.starts_at).where(
                Callback.state == CallbackState.BOOKED,
                Callback.starts_at >= candidates[0],
                Callback.starts_at <= candidates[-1],
            )
        )
    )
    return [s for s in candidates if booked[s] < capacity]


def book(session: Session, actor: Actor, case: Case, policy: Policy, *, starts_at: datetime, phone: str) -> Callback:
    if isinstance(actor, CustomerActor) and actor.customer_id != case.customer_id:
        raise Forbidden("You can book a call only on your own case.")
    number = normalize_phone(phone)
    if starts_at not in free_slots(session, policy):
        raise Conflict("That time is no longer free; please pick another.")
    ends_at = starts_at + timedelta(minutes=policy.minutes)
    callback = Callback(
        case_id=case.id,
        customer_id=case.customer_id,
        phone=number,
        starts_at=starts_at,
        ends_at=ends_at,
        state=CallbackState.BOOKED,
        created_at=clock.now(),
    )
    session.add(callback)
    timeline.add_event(
        session, case.id, actor, events.CallbackBooked(starts_at=starts_at, phone=number), at=clock.now()
    )
    session.flush()
    publish(session.info, "case.status", case_id=case.id)
    return callback


def booked_call(session: Session, actor: Actor, callback_id: int) -> Callback:
    """A call still to come that `actor` may change: the customer's own, or any for staff.

    Someone else's call looks missing; one already made, missed or cancelled is a conflict.
    """
    callback = session.get(Callback, callback_id)
    if callback is None or (isinstance(actor, CustomerActor) and actor.customer_id != callback.customer_id):
        raise NotFound("There is no such booked call.")
    if callback.state is not CallbackState.BOOKED:
        raise Conflict(f"That call is {callback.state.value}; it can no longer be changed.")
    if callback.starts_at <= clock.now():
        raise Conflict("That call's time has come; it can no longer be moved or cancelled.")
    return callback


def move(session: Session, actor: Actor, callback_id: int, policy: Policy, *, starts_at: datetime) -> Callback:
    """The same call at another free time; the case says when it was before."""
    callback = booked_call(session, actor, callback_id)
    if starts_at == callback.starts_at:
        return callback
    if starts_at not in free_slots(session, policy):
        raise Conflict("That time is no longer free; please pick another.")
    before = callback.starts_at
    callback.starts_at = starts_at
    callback.ends_at = starts_at + timedelta(minutes=policy.minutes)
    timeline.add_event(
        session,
        callback.case_id,
        actor,
        events.CallbackBooked(starts_at=starts_at, phone=callback.phone, moved_from=before),
        at=clock.now(),
    )
    session.flush()
    publish(session.info, "case.status", case_id=callback.case_id)
    return callback


def cancel(session: Session, actor: Actor, callback_id: int) -> Callback:
    """Call it off: nobody will call, and its case says so."""
    callback = booked_call(session, actor, callback_id)
    now = clock.now()
    callback.state = CallbackState.CANCELLED
    callback.settled_at = now
    timeline.add_event(
        session,
        callback.case_id,
        actor,
        events.CallbackCancelled(starts_at=callback.starts_at, phone=callback.phone),
        at=now,
    )
    session.flush()
    publish(session.info, "case.status", case_id=callback.case_id)
    return callback


def due(session: Session, *, now: datetime | None = None, hours: int = 24) -> Sequence[Callback]:
    """Booked calls from the missed ones still open up to the next `hours`, soonest first."""
    now = now or clock.now()
    return session.scalars(
        select(Callback)
        .where(
            Callback.state.in_((CallbackState.BOOKED, CallbackState.MISSED)),
            Callback.starts_at <= now + timedelta(hours=hours),
        )
        .order_by(Callback.starts_at)
        .limit(200)
    ).all()


def mark_done(session: Session, actor: StaffActor, callback_id: int) -> Callback:
    callback = session.get(Callback, callback_id)
    if callback is None:
        raise NotFound("No such callback.")
    if callback.state is CallbackState.DONE:
        return callback
    callback.state = CallbackState.DONE
    callback.outcome = rules.CallbackOutcome.REACHED  # "marked called": made, and nothing more to note
    callback.done_by = actor.staff_id
    callback.settled_at = clock.now()
    session.flush()
    return callback


def callback_by_id(session: Session, callback_id: int) -> Callback:
    """A booked call by its id, whatever its state (who may act on it is its case's question: `calls.service`)."""
    callback = session.get(Callback, callback_id)
    if callback is None:
        raise NotFound("There is no such booked call.")
    return callback


def assign(session: Session, actor: StaffActor, callback: Callback, assignee_id: int | None) -> Callback:
    """Give a call still to make (booked, or missed and not yet made) to the person who will make it.

    `assignee_id` None takes it back to the team's list. The assignee must be
    active staff; the case says who will call.
    """
    if callback.state not in (CallbackState.BOOKED, CallbackState.MISSED):
        raise Conflict(f"That call is {callback.state.value}; there is nobody left to give it to.")
    if assignee_id is not None:
        person = session.get(Staff, assignee_id)
        if person is None or not person.is_active:
            raise Invalid("Choose a colleague who is active on the desk.")
    if callback.assignee_id == assignee_id:
        return callback
    before = callback.assignee_id
    callback.assignee_id = assignee_id
    timeline.add_event(
        session,
        callback.case_id,
        actor,
        events.CallbackAssigned(
            callback_id=callback.id,
            starts_at=callback.starts_at,
            assignee_id=assignee_id,
            previous_assignee_id=before,
        ),
        at=clock.now(),
    )
    session.flush()
    publish(session.info, "case.status", case_id=callback.case_id)
    return callback


def settle(session: Session, actor: StaffActor, callback: Callback, outcome: rules.CallbackOutcome) -> Callback:
    """The call was made: done, with how it went, by `actor` (its assignee, when it had none).

    A missed call made late is settled too: the customer was called after all.
    Only a call once made is a conflict (a second outcome would rewrite what happened).
    """
    if callback.state not in (CallbackState.BOOKED, CallbackState.MISSED):
        raise Conflict(f"That call is {callback.state.value}; its outcome can no longer be recorded.")
    callback.state = CallbackState.DONE
    callback.outcome = outcome
    callback.done_by = actor.staff_id
    callback.assignee_id = callback.assignee_id or actor.staff_id
    callback.settled_at = clock.now()
    session.flush()
    return callback


def flag_missed(session: Session, *, now: datetime | None = None) -> int:
    """Mark calls nobody made as missed, and say so on their case for the owner and supervisors."""
    now = now or clock.now()
    # In id order, skipping rows another worker has locked: two workers flagging at once never wait on each other.
    late = session.scalars(
        select(Callback)
        .where(Callback.state == CallbackState.BOOKED, Callback.ends_at <= now - rules.MISSED_AFTER)
        .order_by(Callback.id)
        .limit(200)
        .with_for_update(skip_locked=True)
    ).all()
    flagged = 0
    for callback in late:
        claimed = session.execute(
            update(Callback)
            .where(Callback.id == callback.id, Callback.state == CallbackState.BOOKED)
            .values(state=CallbackState.MISSED, settled_at=now)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            timeline.add_event(
                session,
                callback.case_id,
                None,
                events.CallbackMissed(starts_at=callback.starts_at, phone=callback.phone, notify="supervisor"),
                at=clock.now(),
            )
            _tell_of_missed(session, callback)
            publish(session.info, "case.status", case_id=callback.case_id)
            flagged += 1
    return flagged


def _tell_of_missed(session: Session, callback: Callback) -> None:
    """A customer waited by the phone for nothing (P1): the owner and their supervisors hear of it at once."""
    case = session.execute(select(Case.owner_id, Case.team_id).where(Case.id == callback.case_id)).one_or_none()
    if case is None:
        return
    supervisors = notifications.supervisors_of(session, staff_id=case.owner_id, team_id=case.team_id)
    when = callback.starts_at.strftime("%a %d %b %H:%M")
    notifications.notify(
        session,
        [case.owner_id, *(s.id for s in supervisors)],
        kind="callback_missed",
        text=f"#{callback.case_id}: nobody called {callback.phone} at {when} UTC, the time the customer booked.",
        case_id=callback.case_id,
        data={"callback_id": callback.id},
    )
