"""Reading saved replies for a person (only the ones they may use), searching them, and what fills a reply in.

Who sees what: their own personal replies, the shared ones with no team, and
the shared ones of their team; supervisors and admins see every shared one
(they keep them). Nobody ever sees another person's personal reply: asked for
by number, it is the same 404 as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.cases.replies.mailing import say_span
from sameside.cases.waits.queries import expected_wait
from sameside.customers.models import Customer
from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import NotFound
from sameside.saved_replies import placeholders, rules
from sameside.saved_replies.models import SavedReply
from sameside.staff.models import Staff, Team

LIST_MAX = 500


def _visible(actor: StaffActor) -> ColumnElement[bool]:
    mine = SavedReply.owner_id == actor.staff_id
    if actor.at_least(Role.SUPERVISOR):
        return or_(mine, SavedReply.owner_id.is_(None))
    team = SavedReply.team_id == actor.team_id if actor.team_id is not None else false()
    return or_(mine, and_(SavedReply.owner_id.is_(None), or_(SavedReply.team_id.is_(None), team)))


def reply_for(session: Session, actor: StaffActor, reply_id: int) -> SavedReply:
    """The saved reply numbered `reply_id` if `actor` may use it; missing or not theirs is the same 404."""
    found = session.scalar(select(SavedReply).where(SavedReply.id == reply_id, _visible(actor)))
    if found is None:
        raise NotFound(f"There is no saved reply #{reply_id} for you.")
    return found


def listed(
    session: Session,
    actor: StaffActor,
    *,
    q: str = "",
    scope: str | None = None,
    limit: int = LIST_MAX,
) -> Sequence[SavedReply]:
    """The replies `actor` may use, matching `q` in the title or text; `scope` "mine" or "shared" narrows.

    Titles that match come first, then the most used: what an agent is
    typing is usually the title they remember.
    """
    query = select(SavedReply).where(_visible(actor))
    if scope == "mine":
        query = query.where(SavedReply.owner_id == actor.staff_id)
    elif scope == "shared":
        query = query.where(SavedReply.owner_id.is_(None))
    words = q.strip()[: rules.QUERY_MAX].lower()
    order: list[ColumnElement[object]] = []
    if words:
        in_title = func.lower(SavedReply.title).contains(words, autoescape=True)
        query = query.where(or_(in_title, func.lower(SavedReply.body).contains(words, autoescape=True)))
        order.append(case((in_title, 0), else_=1))
    query = query.order_by(*order, SavedReply.use_count.desc(), func.lower(SavedReply.title), SavedReply.id)
    return session.scalars(query.limit(limit)).all()


def team_names(session: Session) -> dict[int, str]:
    return {t.id: t.name for t in session.scalars(select(Team))}


def signature_of(session: Session, staff_id: int) -> str | None:
    return session.scalar(select(Staff.signature).where(Staff.id == staff_id))


@dataclass(frozen=True, slots=True)
class Filled:
    """A saved reply as it reads on one case: the text to insert, and what sending it will also do."""

    reply: SavedReply
    text: str
    actions: rules.Actions


def placeholder_values(session: Session, actor: StaffActor, case: Case, *, now: datetime) -> dict[str, dict[str, str]]:
    """What every placeholder becomes on `case`, written by `actor`."""
    customer = session.get(Customer, case.customer_id)
    agent = session.get(Staff, actor.staff_id)
    team = session.get(Team, case.team_id) if case.team_id is not None else None
    assert customer is not None and agent is not None
    wait = expected_wait(session, now=now, team_id=case.team_id)
    typical = f"within {say_span(wait.median)}" if wait.median is not None else "as soon as we can"
    name = customer.name.strip()
    return {
        "customer": {
            "name": name,
            "first_name": name.split()[0] if name else "",
            "form_of_address": (customer.form_of_address or "").strip() or name,
        },
        "case": {"number": str(case.id), "subject": case.subject},
        "agent": {"name": agent.name, "first_name": agent.name.split()[0] if agent.name.strip() else ""},
        "team": {"name": team.name if team else "", "typical_wait": typical},
    }


def actions_of(reply: SavedReply) -> rules.Actions:
    return rules.Actions(reply.status, reply.priority, tuple(reply.tags or ()))


def filled(
    session: Session, actor: StaffActor, case: Case, replies: Sequence[SavedReply], *, now: datetime
) -> list[Filled]:
    """Each reply filled in for `case` (the values are read once for all of them)."""
    if not replies:
        return []
    values = placeholder_values(session, actor, case, now=now)
    return [Filled(r, placeholders.render(r.body, values), actions_of(r)) for r in replies]
