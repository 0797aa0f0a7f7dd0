"""Keeping saved replies, the agent's signature, and sending a reply: signed, and with a saved reply's actions.

`send` is the desk's "Send reply" (and the API's `/saved-replies/{id}/send`):
the agent's signature goes under a reply that is a letter (email or portal)
before it is written to the timeline, so what the customer reads, what the
timeline shows and what was mailed are the same words. When the reply was
written with a saved reply, its actions are applied after the reply is on
the case, in the same transaction, and its use is counted; a status the agent
chose in the reply form wins over the saved reply's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from sameside.attachments.rules import File
from sameside.cases import service as cases
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.replies import mailing
from sameside.cases.rules import CaseStatus, Priority
from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.kit import clock
from sameside.kit.actors import StaffActor
from sameside.kit.errors import Invalid
from sameside.kit.unset import UNSET, Unset
from sameside.saved_replies import queries, rules
from sameside.saved_replies.models import SavedReply
from sameside.staff import queries as staff_queries
from sameside.staff.models import Staff


def _team_id(session: Session, team_id: int | None) -> int | None:
    if team_id is None:
        return None
    staff_queries.get_team(session, team_id)  # a 404 that names it
    return team_id


def create(
    session: Session,
    actor: StaffActor,
    *,
    title: str,
    body: str,
    shared: bool = False,
    team_id: int | None = None,
    status: CaseStatus | None = None,
    priority: Priority | None = None,
    tags: list[str] | None = None,
) -> SavedReply:
    """Save a reply: the actor's own, or (supervisors, admins) shared, for everyone or one team."""
    rules.check_may_keep(actor, shared=shared, owner_id=None)
    if team_id is not None and not shared:
        raise Invalid("Only a shared saved reply is for a team; your own is for you wherever you work.")
    actions = rules.clean_actions(status, priority, tags)
    now = clock.now()
    reply = SavedReply(
        title=rules.clean_title(title),
        body=rules.clean_body(body),
        owner_id=None if shared else actor.staff_id,
        team_id=_team_id(session, team_id),
        status=actions.status,
        priority=actions.priority,
        tags=list(actions.tags),
        use_count=0,
        created_by=actor.staff_id,
        created_at=now,
        updated_by=actor.staff_id,
        updated_at=now,
    )
    session.add(reply)
    session.flush()
    return reply


def edit(
    session: Session,
    actor: StaffActor,
    reply_id: int,
    *,
    title: str | None = None,
    body: str | None = None,
    team_id: int | Unset | None = UNSET,
    status: CaseStatus | Unset | None = UNSET,
    priority: Priority | Unset | None = UNSET,
    tags: list[str] | None = None,
) -> SavedReply:
    """Change what is given (None or UNSET: leave it; an explicit None clears an action or the team)."""
    reply = queries.reply_for(session, actor, reply_id)
    rules.check_may_keep(actor, shared=reply.shared, owner_id=reply.owner_id)
    if title is not None:
        reply.title = rules.clean_title(title)
    if body is not None:
        reply.body = rules.clean_body(body)
    if team_id is not UNSET:
        if team_id is not None and not reply.shared:
            raise Invalid("Only a shared saved reply is for a team; your own is for you wherever you work.")
        reply.team_id = _team_id(session, team_id)
    actions = rules.clean_actions(
        reply.status if status is UNSET else status,
        reply.priority if priority is UNSET else priority,
        list(reply.tags or []) if tags is None else tags,
    )
    reply.status, reply.priority, reply.tags = actions.status, actions.priority, list(actions.tags)
    reply.updated_by, reply.updated_at = actor.staff_id, clock.now()
    session.flush()
    return reply


def delete(session: Session, actor: StaffActor, reply_id: int) -> None:
    reply = queries.reply_for(session, actor, reply_id)
    rules.check_may_keep(actor, shared=reply.shared, owner_id=reply.owner_id)
    session.delete(reply)
    session.flush()


def set_signature(session: Session, actor: StaffActor, text: str | None) -> str | None:
    """The actor's own signature (empty: none), put under their replies that are letters."""
    staff = session.get(Staff, actor.staff_id)
    assert staff is not None
    staff.signature = rules.clean_signature(text)
    session.flush()
    return staff.signature


def fill(session: Session, actor: StaffActor, case: Case, reply_id: int) -> queries.Filled:
    """One saved reply as it reads on `case`: nothing is recorded until a reply is sent with it."""
    reply = queries.reply_for(session, actor, reply_id)
    [found] = queries.filled(session, actor, case, [reply], now=clock.now())
    return found


def _signed(
    session: Session,
    actor: StaffActor,
    case: Case,
    body: str,
    channel: Channel | None,
    *,
    send_now: bool,
    portal: str | None,
) -> str:
    """The body with the actor's signature when the reply will be a letter (where it goes is `mailing.deliver`'s)."""
    signature = queries.signature_of(session, actor.staff_id)
    if not signature:
        return body
    customer = session.get(Customer, case.customer_id)
    assert customer is not None
    route = mailing.deliver(
        session,
        case,
        customer,
        requested=channel,
        send_now=send_now,
        automatic=False,
        portal=portal,
        now=clock.now(),
    ).route
    return rules.signed(body, signature) if route.channel in rules.SIGNED_CHANNELS else body


def send(
    session: Session,
    actor: StaffActor,
    case: Case,
    body: str,
    *,
    saved_reply_id: int | None = None,
    apply_actions: bool = True,
    channel: Channel | None = None,
    status: CaseStatus | None = None,
    send_now: bool = False,
    portal: str | None = None,
    files: Sequence[File] = (),
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    """A person's reply, signed; written with saved reply `saved_reply_id`, its actions applied and its use counted.

    `apply_actions` False sends it and counts the use, leaving the case's status, priority and tags alone.
    `files` and `data` are the reply's own (`cases.service.reply`).
    """
    reply = queries.reply_for(session, actor, saved_reply_id) if saved_reply_id is not None else None
    actions = queries.actions_of(reply) if reply is not None and apply_actions else rules.Actions()
    text = _signed(session, actor, case, body, channel, send_now=send_now, portal=portal) if body.strip() else body
    entry = cases.reply(
        session,
        actor,
        case,
        text,
        status=status or actions.status,
        channel=channel,
        send_now=send_now,
        portal=portal,
        files=files,
        data=data,
    )
    if actions.priority is not None or actions.tags:
        tags = [*case.tag_names, *actions.tags] if actions.tags else None
        cases.update_details(session, actor, case, priority=actions.priority, tags=tags)
    if reply is not None:
        reply.use_count += 1
        reply.last_used_at = entry.created_at
    session.flush()
    return entry
