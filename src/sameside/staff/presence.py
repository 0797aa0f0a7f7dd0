"""Who is there for live chat: online, away or offline, as each person says and as their idleness shows.

A person sets their presence (the Chats page, `PUT /api/v1/staff/me/presence`).
What counts is `effective`: what they set, made less by idleness. An open
desk page of theirs beats every minute (`beat`); a beat says whether they did
anything since the last one. Without a beat for `OFFLINE_AFTER` they are
offline (the page was closed, the laptop slept); without doing anything for
`AWAY_AFTER` they are away. Nobody is ever made *more* present than they said.

Each person takes at most `chat_capacity` live chats at once (default
`DEFAULT_CAPACITY`; an admin changes it). Chat routing
(`cases.routing.chats`) offers a chat only to people effectively online
with room.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.kit import clock
from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.errors import Invalid
from sameside.staff import rules as staff_rules
from sameside.staff.models import Presence, Staff

AWAY_AFTER = timedelta(minutes=10)
"""Doing nothing at the desk this long makes someone online away."""
OFFLINE_AFTER = timedelta(minutes=3)
"""No desk page of theirs open this long (three missed heartbeats) makes anyone offline."""
BEAT_EVERY = timedelta(minutes=1)
"""How often an open desk page tells us it is there."""
DEFAULT_CAPACITY = 3
MAX_CAPACITY = 20
LABELS = {
    Presence.ONLINE: "Online",
    Presence.AWAY: "Away",
    Presence.OFFLINE: "Offline",
}


def effective(chosen: Presence, *, seen_at: datetime | None, active_at: datetime | None, now: datetime) -> Presence:
    """What someone is for chat now: what they chose, made less (never more) by idleness. Pure."""
    if chosen is Presence.OFFLINE or seen_at is None or now - seen_at >= OFFLINE_AFTER:
        return Presence.OFFLINE
    if chosen is Presence.AWAY or active_at is None or now - active_at >= AWAY_AFTER:
        return Presence.AWAY
    return Presence.ONLINE


def of(staff: Staff, *, now: datetime | None = None) -> Presence:
    return effective(staff.presence, seen_at=staff.seen_at, active_at=staff.active_at, now=now or clock.now())


def parse(value: str) -> Presence:
    try:
        return Presence(value)
    except ValueError:
        raise Invalid("Choose online, away or offline.") from None


def set_presence(session: Session, actor: Actor, presence: Presence) -> Staff:
    """The person at the desk says whether they take chats now; saying it is doing something, so it counts as a beat."""
    me = staff_rules.require_staff(actor)
    staff = _locked(session, me)
    now = clock.now()
    staff.presence = presence
    staff.seen_at = now
    staff.active_at = now
    session.flush()
    return staff


def beat(session: Session, actor: StaffActor, *, active: bool) -> Staff:
    """An open desk page of theirs is still there (`active`: and they did something since the last beat)."""
    staff = _locked(session, actor)
    now = clock.now()
    staff.seen_at = now
    if active:
        staff.active_at = now
    session.flush()
    return staff


def set_capacity(session: Session, actor: Actor, staff: Staff, capacity: int) -> Staff:
    """How many chats someone takes at once: an admin's call, like their role."""
    staff_rules.require_admin(actor)
    if not 0 <= capacity <= MAX_CAPACITY:
        raise Invalid(f"A chat capacity is a whole number from 0 to {MAX_CAPACITY}.")
    staff.chat_capacity = capacity
    session.flush()
    return staff


def online_in(session: Session, team_id: int, *, now: datetime | None = None) -> list[Staff]:
    """The team's people effectively online now (active agents and supervisors), by id."""
    now = now or clock.now()
    rows = session.scalars(
        select(Staff)
        .where(
            Staff.team_id == team_id,
            Staff.is_active.is_(True),
            Staff.presence == Presence.ONLINE,
            Staff.seen_at >= now - OFFLINE_AFTER,
        )
        .order_by(Staff.id)
    ).all()
    return [s for s in rows if of(s, now=now) is Presence.ONLINE and s.role in (Role.AGENT, Role.SUPERVISOR)]


def _locked(session: Session, actor: StaffActor) -> Staff:
    staff = session.get(Staff, actor.staff_id)
    if staff is None or not staff.is_active:
        raise Invalid("There is no such person on staff.")
    return staff
