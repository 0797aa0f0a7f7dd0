"""Writes on calls: a case for a caller, a call written down, and the booked calls it settles. Never commits.

A call is staff's record (internal): the timeline says which way it went,
how, for how long, and the notes; the customer's own words about their
problem open a caller's case as its first message, as for any channel.
Booked callbacks belong to `callbacks`; here they are reached through
their case (`callback_for`), so who may act on one is who may work the case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.callbacks import service as callbacks
from sameside.callbacks.models import Callback
from sameside.callbacks.rules import WORTH_RETRYING
from sameside.calls import queries, rules
from sameside.calls.models import Call
from sameside.calls.rules import Direction, Outcome
from sameside.cases import events, timeline
from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.errors import CaseNotFound
from sameside.cases.models import Case
from sameside.cases.routing import homes
from sameside.customers.errors import IdentityTaken
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.rules import Channel, IdentityKind, Proof
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, Role, StaffActor
from sameside.kit.addresses import normalize_email, normalize_phone
from sameside.kit.errors import Forbidden, Invalid, NotFound
from sameside.kit.events import publish
from sameside.staff.models import Staff, Team


@dataclass(frozen=True)
class CallDetails:
    """What an agent writes down about a call."""

    direction: Direction
    outcome: Outcome
    duration_seconds: int = 0
    notes: str | None = None
    phone: str | None = None
    """The number called or calling, as typed; the booked call's number when it was one."""
    callback_id: int | None = None


def _staff(actor: Actor) -> StaffActor:
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff write down calls and open cases for callers.")
    return actor


def log_call(session: Session, actor: Actor, case: Case, details: CallDetails) -> Call:
    """Write a call down on the case (loaded for update by the caller); a booked call it was is settled with it."""
    staff = _staff(actor)
    seconds = rules.check_call(details.direction, details.outcome, details.duration_seconds)
    notes = rules.clean_notes(details.notes)
    phone = normalize_phone(details.phone) if details.phone and details.phone.strip() else None
    callback: Callback | None = None
    if details.callback_id is not None:
        callback = callbacks.callback_by_id(session, details.callback_id)
        if callback.case_id != case.id:
            raise Invalid("That booked call belongs to another case.")
        if details.direction is not Direction.OUTBOUND:
            raise Invalid("A booked call is one we make: choose “We called them”.")
        callbacks.settle(session, staff, callback, rules.callback_outcome(details.outcome))
        phone = phone or callback.phone
    now = clock.now()
    call = Call(
        case_id=case.id,
        direction=details.direction,
        outcome=details.outcome,
        duration_seconds=seconds,
        phone=phone,
        notes=notes,
        callback_id=callback.id if callback else None,
        logged_by=staff.staff_id,
        created_at=now,
    )
    session.add(call)
    session.flush()
    payload = events.CallLogged(
        call_id=call.id,
        direction=details.direction.value,
        outcome=details.outcome.value,
        duration_seconds=seconds,
        **({"phone": phone} if phone else {}),
        **({"callback_id": callback.id} if callback else {}),
    )
    timeline.add_event(session, case.id, staff, payload, at=now, body=notes)
    case.updated_at = now
    session.flush()
    publish(session.info, "case.status", case_id=case.id)
    return call


# ---------------------------------------------------------------- a case for a caller


@dataclass(frozen=True)
class NewCaller:
    """Someone we do not know yet, as the agent heard them: a name, a number, perhaps an address."""

    name: str
    phone: str
    email: str | None = None


def new_caller(session: Session, actor: Actor, caller: NewCaller) -> Customer:
    """A customer made from what the agent typed: their number and address are `pending` until proven.

    The agent heard them on the phone; nothing proves the number or the address
    is theirs, so neither gets sign-in links until the customer confirms it
    (`customers.rules.Proof`). A number or address we know already belongs to
    someone: that is a conflict that names no one (find them by it instead).
    """
    staff = _staff(actor)
    name = " ".join(caller.name.split())
    if not name:
        raise Invalid("Write the caller's name, as they give it.")
    if len(name) > 200:
        raise Invalid("Keep the name under 200 characters.")
    number = rules.international(normalize_phone(caller.phone), queries.country_code(session))
    wanted = [(IdentityKind.PHONE, number)]
    if caller.email and caller.email.strip():
        wanted.append((IdentityKind.EMAIL, normalize_email(caller.email)))
    for kind, value in wanted:
        taken = session.scalar(
            select(CustomerIdentity.id).where(CustomerIdentity.kind == kind, CustomerIdentity.value == value)
        )
        if taken is not None:
            raise IdentityTaken(f"{value} already belongs to a customer: find them by it and open the case for them.")
    customer = Customer(
        name=name,
        identities=[
            CustomerIdentity(kind=kind, value=value, proof=Proof.PENDING, added_by=staff.staff_id)
            for kind, value in wanted
        ],
    )
    session.add(customer)
    session.flush()
    return customer


def team_for_phone(session: Session, actor: StaffActor, team: Team | None) -> Team:
    """The team a caller's case goes to: the one chosen, the phone channel's (or the default), else the agent's.

    No case lands nowhere: with none of these, the agent is asked to choose.
    """
    if team is not None:
        return team
    home = homes.home_for(session, Channel.PHONE)
    if home is not None:
        return home
    if actor.team_id is not None:
        own = session.get(Team, actor.team_id)
        if own is not None:
            return own
    raise Invalid("Choose a team for this case: no team takes phone cases yet (an admin sets one under Channels).")


def open_caller_case(
    session: Session,
    actor: Actor,
    customer: Customer,
    *,
    subject: str,
    problem: str,
    call: CallDetails,
    team: Team | None = None,
    take: bool = True,
) -> tuple[Case, Call]:
    """Open a case by phone for `customer`, in their words (`problem`), and write down the call it came from.

    It goes to a team (`team_for_phone`) and is routed there as any new case;
    with `take`, the agent on the line keeps it when it is theirs to keep
    (their own team's, or they lead) and routing gave it nobody (P3: the
    person who heard the story owns it).
    """
    staff = _staff(actor)
    if not subject.strip():
        raise Invalid("Give the case a subject: the problem in a few words.")
    if not problem.strip():
        raise Invalid("Write what the caller told you, in their words.")
    home = team_for_phone(session, staff, team)
    case = cases.open_case(
        session,
        staff,
        customer=customer,
        subject=subject,
        body=problem,
        channel=Channel.PHONE,
        team=home,
    )
    if take and case.owner_id is None and (case.team_id == staff.team_id or staff.at_least(Role.SUPERVISOR)):
        me = session.get(Staff, staff.staff_id)
        if me is not None and me.is_active:
            cases.assign(session, staff, case, me)
    phone = call.phone or session.scalar(
        select(CustomerIdentity.value)
        .where(CustomerIdentity.customer_id == customer.id, CustomerIdentity.kind == IdentityKind.PHONE)
        .order_by(CustomerIdentity.id)
        .limit(1)
    )
    logged = log_call(session, staff, case, replace(call, phone=phone, callback_id=None))
    return case, logged


# ---------------------------------------------------------------- booked callbacks, through their case


def callback_for(session: Session, actor: Actor, callback_id: int, *, for_update: bool = True) -> Callback:
    """A booked call whose case `actor` may see (`for_update`: work on); any other looks missing.

    A customer reaches only their own; staff, those on cases they may work.
    """
    callback = session.get(Callback, callback_id)
    if callback is None or (isinstance(actor, CustomerActor) and actor.customer_id != callback.customer_id):
        raise NotFound("There is no such booked call.")
    try:
        case_for(session, actor, callback.case_id, for_update=for_update and isinstance(actor, StaffActor))
    except CaseNotFound:
        raise NotFound("There is no such booked call.") from None
    return callback


def assign_callback(session: Session, actor: Actor, callback_id: int, assignee_id: int | None) -> Callback:
    """Give a booked call to the colleague who will make it (or oneself: "take"); None gives it back."""
    staff = _staff(actor)
    return callbacks.assign(session, staff, callback_for(session, staff, callback_id), assignee_id)


def callback_outcome(
    session: Session,
    actor: Actor,
    callback_id: int,
    details: CallDetails,
    policy: callbacks.Policy,
    *,
    retry_at: datetime | None = None,
) -> tuple[Call, Callback | None]:
    """The booked call was made: the call is written down on its case, the booking settled with its outcome.

    When nobody answered (no answer, busy, voicemail) `retry_at` books the next
    try at a free time, for the same number and the same person; the case says
    when, so the customer reads it too. Returns the call and the new booking.
    """
    staff = _staff(actor)
    callback = callback_for(session, staff, callback_id)
    case = case_for(session, staff, callback.case_id, for_update=True)
    outbound = replace(details, direction=Direction.OUTBOUND, callback_id=callback.id)
    call = log_call(session, staff, case, outbound)
    retry: Callback | None = None
    if retry_at is not None:
        if rules.callback_outcome(details.outcome) not in WORTH_RETRYING:
            raise Invalid("Book another try only when nobody answered; for anything else, write to them.")
        retry = callbacks.book(session, staff, case, policy, starts_at=retry_at, phone=callback.phone)
        callbacks.assign(session, staff, retry, callback.assignee_id or staff.staff_id)
    return call, retry


def cancel_callback(session: Session, actor: Actor, callback_id: int) -> Callback:
    """Call a booked call off: the customer (their own), or staff who may work its case."""
    callback_for(session, actor, callback_id)
    return callbacks.cancel(session, actor, callback_id)


def move_callback(
    session: Session, actor: Actor, callback_id: int, policy: callbacks.Policy, *, starts_at: datetime
) -> Callback:
    """Move a booked call to another free time in business hours: the customer, or staff who may work its case."""
    callback_for(session, actor, callback_id)
    return callbacks.move(session, actor, callback_id, policy, starts_at=starts_at)
