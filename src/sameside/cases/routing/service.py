"""Routing a team's new cases to an owner (P9, P14).

`cases.service` calls `route` when a case is opened and when one is
transferred to a team without a named owner. The team's mode decides
(`routing_rules.choose`); this module gathers what the rule needs, gives the
case its owner and says on the timeline why.

Who can be routed to: active members of the team with the role agent or
supervisor (admins run the desk, they do not work its queue). There are no
rosters yet, so someone off shift is routed to like anyone else; the load cap
(`routing_rules.MAX_OPEN`) keeps a pile from growing without end. Live chats
are the exception: they go only to people online with room (`routing.chats`).

A case that arrives with no team first gets its channel's team, or the
default team (`routing.homes`): every case has a home.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sameside.cases import events, timeline
from sameside.cases.models import Case, CaseTag
from sameside.cases.routing import chats, homes
from sameside.cases.routing import rules as routing_rules
from sameside.cases.rules import ACTIVE, CaseStatus
from sameside.customers.rules import Channel
from sameside.kit import clock
from sameside.kit.actors import Actor, Role, SystemActor
from sameside.kit.events import publish
from sameside.staff.models import Routing, Staff, Team

LOAD = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_INTERNAL)
"""What counts as someone's load: cases waiting on them or a colleague, not ones waiting on the customer."""
ROUTED_ROLES = (Role.AGENT, Role.SUPERVISOR)
ROUTING = SystemActor("routing")
"""Who routed a case, on its timeline: the software, by the team's rule."""


def route(session: Session, actor: Actor, case: Case, *, reason: str) -> None:
    """Give an unowned case in a team an owner by the team's routing; does nothing for take-next teams.

    `actor` is who opened or transferred the case; the owner is the team's
    rule's choice, so the timeline entry is the software's (`by: routing`),
    with the rule's reason — `reason` says what set routing off.

    Concurrency: on PostgreSQL two cases arriving at once for one team would
    both read the same round-robin position and the same loads, and land on
    the same person. So the team's row is locked before anything is read:
    the second transaction waits for the first to commit, then reads its
    position and its new owner's load afresh (read committed starts each
    statement from the latest commit). Routing is thus serial per team, until
    the opening transaction commits, which is short. The lock is `FOR NO KEY
    UPDATE`, not `FOR UPDATE`: inserting a case already holds `FOR KEY SHARE`
    on its team (the foreign key), and two openings each holding that while
    asking for `FOR UPDATE` would deadlock. SQLite has one writer at a time,
    so there routing is serial anyway.
    """
    if case.owner_id is not None or case.status not in ACTIVE:
        return
    if case.team_id is None:
        home = homes.home_for(session, case.channel)
        if home is None:
            return  # no team configured: it waits in "Needs a team"
        case.team = home
        session.flush()
    if case.channel is Channel.CHAT:
        chats.route_chat(session, case, reason=reason)
        return
    # Most teams take next: look before locking, so their cases never wait on each other.
    team = session.get(Team, case.team_id)
    if team is None or team.routing is Routing.TAKE_NEXT:
        return
    team = session.get(Team, team.id, with_for_update={"key_share": True}, populate_existing=True)
    if team is None or team.routing is Routing.TAKE_NEXT:  # changed while we waited for the lock
        return
    members = session.scalars(
        select(Staff).where(Staff.team_id == team.id, Staff.is_active.is_(True), Staff.role.in_(ROUTED_ROLES))
    ).all()
    loads = load_of(session, [m.id for m in members])
    tags: list[str] = []
    if team.routing is Routing.SKILL:
        tags = list(session.scalars(select(CaseTag.tag).where(CaseTag.case_id == case.id)))
    choice = routing_rules.choose(
        team.routing.value,
        [
            routing_rules.Candidate(
                id=m.id,
                languages=tuple(m.languages or ()),
                products=tuple(m.products or ()),
                load=loads.get(m.id, 0),
                active=m.is_active,
            )
            for m in members
        ],
        language=case.language,
        tags=tags,
        last_id=team.last_routed_staff_id,
        team=team.name,
        max_open=routing_rules.MAX_OPEN,
    )
    if choice.staff_id is None:
        return
    now = clock.now()
    case.owner = next(m for m in members if m.id == choice.staff_id)  # the relationship too, for whoever reads it next
    case.updated_at = now
    # Every mode moves the circle on: it is round robin's turn, and the others' tie-break.
    team.last_routed_staff_id = choice.staff_id
    timeline.add_event(
        session,
        case,
        ROUTING,
        events.Assigned(owner_id=choice.staff_id, reason=f"routed: {choice.why}", after=reason),
        at=now,
    )
    session.flush()
    publish(session.info, "case.assigned", case_id=case.id, owner_id=choice.staff_id)


def load_of(session: Session, staff_ids: list[int]) -> dict[int, int]:
    """Active cases each person owns (see `LOAD`), in one grouped query; people with none are absent."""
    if not staff_ids:
        return {}
    rows = session.execute(
        select(Case.owner_id, func.count())
        .where(Case.owner_id.in_(staff_ids), Case.status.in_(LOAD))
        .group_by(Case.owner_id)
    ).all()
    return {owner: count for owner, count in rows if owner is not None}


@dataclass(frozen=True)
class Member:
    """Someone in a team as its page shows them: their load, and whether routing gives them cases."""

    staff: Staff
    load: int
    routed: bool


def roster(session: Session, team_id: int) -> list[Member]:
    """Everyone in the team by name, with their load; two queries whatever the team's size."""
    people = session.scalars(select(Staff).where(Staff.team_id == team_id).order_by(Staff.name, Staff.id)).all()
    loads = load_of(session, [p.id for p in people])
    return [Member(staff=p, load=loads.get(p.id, 0), routed=p.is_active and p.role in ROUTED_ROLES) for p in people]
