"""Live chats find a person who is there: online, with room under their chat capacity.

A chat is a conversation happening now, so whatever its team's routing mode,
a new chat is offered to whoever in its team is effectively online
(`staff.presence`) with fewer live chats than their capacity, the fewest
first (ties go round the circle, as in routing). When nobody is, it waits in
the team's Chats queue; someone coming online (`dispatch`) or taking one
(`take_chat`) picks it up. A chat stays one of its owner's live chats until
it is resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true, update
from sqlalchemy.orm import Session, joinedload

from sameside.audit import recorder as audit
from sameside.cases import events, timeline
from sameside.cases.models import Case
from sameside.cases.rules import ACTIVE
from sameside.customers.rules import Channel
from sameside.kit import clock
from sameside.kit.actors import Actor, Role, StaffActor, SystemActor
from sameside.kit.errors import Conflict, Invalid
from sameside.kit.events import publish
from sameside.staff import presence
from sameside.staff.models import Presence, Staff, Team

ROUTING = SystemActor("routing")
LIVE = tuple(ACTIVE)
"""A chat is live for its owner until it is resolved."""


@dataclass(frozen=True)
class Seat:
    """Someone online for chat, with how many live chats they have and may have."""

    staff: Staff
    chats: int

    @property
    def room(self) -> int:
        return max(0, self.staff.chat_capacity - self.chats)


def live_chats(session: Session, staff_ids: list[int]) -> dict[int, int]:
    """Live chats each person owns; people with none are absent."""
    if not staff_ids:
        return {}
    rows = session.execute(
        select(Case.owner_id, func.count())
        .where(Case.owner_id.in_(staff_ids), Case.channel == Channel.CHAT, Case.status.in_(LIVE))
        .group_by(Case.owner_id)
    ).all()
    return {owner: count for owner, count in rows if owner is not None}


def seats(session: Session, team_id: int, *, now: datetime | None = None) -> list[Seat]:
    """The team's people online now, each with their live chats, by id."""
    online = presence.online_in(session, team_id, now=now)
    counts = live_chats(session, [s.id for s in online])
    return [Seat(s, counts.get(s.id, 0)) for s in online]


def choose(found: list[Seat], last_id: int | None) -> Seat | None:
    """Who gets the next chat: fewest live chats among those with room, then next in the circle. Pure."""
    free = [s for s in found if s.room > 0]
    if not free:
        return None
    return min(free, key=lambda s: (s.chats, last_id is not None and s.staff.id <= last_id, s.staff.id))


def route_chat(session: Session, case: Case, *, reason: str) -> bool:
    """Give a waiting chat to someone online with room in its team; False when nobody is (it waits)."""
    if case.team_id is None or case.owner_id is not None or case.status not in ACTIVE:
        return False
    team = session.get(Team, case.team_id, with_for_update={"key_share": True})
    if team is None:
        return False
    found = seats(session, team.id)
    chosen = choose(found, team.last_routed_staff_id)
    if chosen is None:
        return False
    now = clock.now()
    case.owner = chosen.staff
    case.updated_at = now
    team.last_routed_staff_id = chosen.staff.id
    why = f"routed: online for chat, {chosen.chats} of {chosen.staff.chat_capacity} live chats" + (
        f", the lightest of {len(found)} online" if len(found) > 1 else ""
    )
    timeline.add_event(
        session, case, ROUTING, events.Assigned(owner_id=chosen.staff.id, reason=why, after=reason), at=now
    )
    session.flush()
    publish(session.info, "case.assigned", case_id=case.id, owner_id=chosen.staff.id)
    return True


Scope = tuple[int | None, ...] | None
"""Which teams' chats: team ids (`None` in it: chats with no team); `None` itself: every chat."""


def scope_for(actor: Actor | None) -> Scope:
    """The chats someone works: supervisors and admins every team's; others their team's and those with none."""
    if isinstance(actor, StaffActor) and actor.at_least(Role.SUPERVISOR):
        return None
    team_id = actor.team_id if isinstance(actor, StaffActor) else None
    return (team_id, None) if team_id is not None else (None,)


def _in(scope: Scope) -> ColumnElement[bool]:
    if scope is None:
        return true()
    ids = [t for t in scope if t is not None]
    parts = [Case.team_id.in_(ids)] if ids else []
    if None in scope:
        parts.append(Case.team_id.is_(None))
    return or_(*parts) if parts else false()


def waiting(session: Session, scope: Scope, *, limit: int = 200) -> list[Case]:
    """Live chats nobody has yet, the longest waiting first, with their customers."""
    return list(
        session.scalars(
            select(Case)
            .where(_in(scope), Case.channel == Channel.CHAT, Case.owner_id.is_(None), Case.status.in_(LIVE))
            .order_by(Case.created_at, Case.id)
            .limit(limit)
            .options(joinedload(Case.customer), joinedload(Case.team))
        )
    )


def active(session: Session, scope: Scope, *, limit: int = 200) -> list[Case]:
    """Live chats someone has, the most recently changed first, with their customers and owners."""
    return list(
        session.scalars(
            select(Case)
            .where(_in(scope), Case.channel == Channel.CHAT, Case.owner_id.is_not(None), Case.status.in_(LIVE))
            .order_by(Case.updated_at.desc(), Case.id.desc())
            .limit(limit)
            .options(joinedload(Case.customer), joinedload(Case.owner), joinedload(Case.team))
        )
    )


def dispatch(session: Session, team_id: int) -> int:
    """Offer the team's waiting chats, oldest first, while anyone online has room; how many found someone."""
    given = 0
    for case in waiting(session, (team_id,), limit=50):
        if not route_chat(session, case, reason="someone came online"):
            break
        given += 1
    return given


def take_chat(session: Session, actor: Actor) -> Case | None:
    """The person at the desk takes the longest-waiting chat of their team (then one with no team).

    They must not be offline, and must have room under their capacity: a
    chat is a person waiting now, not a case for later. None when nobody waits.
    """
    if not isinstance(actor, StaffActor) or (actor.role is Role.ADMIN and actor.team_id is None):
        raise Invalid("Chats are taken by agents and supervisors.")
    me = session.get(Staff, actor.staff_id)
    assert me is not None
    now = clock.now()
    if presence.of(me, now=now) is Presence.OFFLINE:
        raise Invalid("Set yourself online (or away) to take a chat.")
    have = live_chats(session, [me.id]).get(me.id, 0)
    if have >= me.chat_capacity:
        raise Conflict(
            f"You have {have} live chat{'s' if have != 1 else ''}, your capacity: resolve one before taking another."
        )
    queues = [actor.team_id, None] if actor.team_id is not None else [None]
    for team_id in queues:
        for case in waiting(session, (team_id,), limit=20):
            claimed = session.execute(
                update(Case)
                .where(Case.id == case.id, Case.owner_id.is_(None), Case.status.in_(LIVE))
                .values(owner_id=me.id, team_id=case.team_id or actor.team_id, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                before = {"owner_id": None, "team_id": case.team_id}
                taken = session.get(Case, case.id, populate_existing=True)
                assert taken is not None
                after = {"owner_id": taken.owner_id, "team_id": taken.team_id}  # a Core UPDATE: the audit log is told
                audit.record(session, "changed", "cases", taken.id, before, after, case_id=taken.id)
                timeline.add_event(
                    session, taken, actor, events.Assigned(owner_id=me.id, reason="took a waiting chat"), at=now
                )
                publish(session.info, "case.assigned", case_id=taken.id, owner_id=me.id)
                return taken
    return None


def counts(session: Session, scope: Scope) -> tuple[int, int]:
    """(waiting, active) live chats in `scope`, each counted up to `COUNT_MAX` (an index range, never the table)."""
    base = select(Case.id).where(_in(scope), Case.channel == Channel.CHAT, Case.status.in_(LIVE))
    return (
        _bounded(session, base.where(Case.owner_id.is_(None))),
        _bounded(session, base.where(Case.owner_id.is_not(None))),
    )


COUNT_MAX = 999


def _bounded(session: Session, query: Select[Any]) -> int:
    found = query.limit(COUNT_MAX).subquery()
    return int(session.scalar(select(func.count()).select_from(found)) or 0)
