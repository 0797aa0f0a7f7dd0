"""Writes on cases, as verbs in the product's language. Never commits.

Each verb checks the rules, changes the case, records what happened on the
timeline and publishes an event for live updates; side effects (email) are jobs enqueued in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.attachments.rules import File
from sameside.cases import contacts, events, rules, timeline
from sameside.cases.access import remember_owner, scope_of
from sameside.cases.escalation import service as escalations
from sameside.cases.fairness import claim
from sameside.cases.fairness import rules as fairness
from sameside.cases.models import Case, CaseTag, TimelineEntry
from sameside.cases.repeats import service as repeats
from sameside.cases.replies import mailing
from sameside.cases.replies.rules import Email
from sameside.cases.routing import service as routing
from sameside.cases.rules import CaseStatus, EntryKind, EventType, Priority
from sameside.cases.service_levels import service as service_levels
from sameside.cases.service_levels.rules import Happened
from sameside.cases.signals import language, sentiment
from sameside.cases.signals.restatement import find_restatement
from sameside.customers.models import Customer
from sameside.customers.rules import Channel
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, StaffActor, SystemActor
from sameside.kit.errors import Forbidden, Invalid
from sameside.kit.events import publish
from sameside.mail.threads import new_thread_key
from sameside.staff import notifications
from sameside.staff.models import Staff, Team

SUBJECT_MAX = 300
BODY_MAX = 100_000
EMAILED: dict[Email, events.Emailed] = {Email.REPLY: "reply", Email.NOTICE: "notice"}
"""What a reply's timeline entry says was emailed."""


def open_case(
    session: Session,
    actor: Actor,
    **details: Any,
) -> Case:
    """Open a case with the customer's first message, in their own words (see `open_case_with_message`)."""
    return open_case_with_message(session, actor, **details)[0]


def open_case_with_message(
    session: Session,
    actor: Actor,
    *,
    customer: Customer,
    subject: str,
    body: str,
    channel: Channel,
    team: Team | None = None,
    priority: Priority = Priority.NORMAL,
    tags: list[str] | None = None,
    shared_with_organization: bool = False,
    message_data: dict[str, Any] | None = None,
    follow_up_of: int | None = None,
) -> tuple[Case, TimelineEntry]:
    """Open a case with the customer's first message, in their own words; returns both.

    Staff may open one on a customer's behalf (a phone call written down);
    the message is still the customer's, recorded by that staff member.
    """
    if isinstance(actor, CustomerActor) and actor.customer_id != customer.id:
        raise Forbidden("Customers open cases for themselves only.")
    subject = _clean_text(subject, "subject", SUBJECT_MAX).replace("\r", " ").replace("\n", " ")
    body = _clean_text(body, "body", BODY_MAX)
    now = clock.now()
    case = Case(
        subject=subject,
        status=CaseStatus.NEW,
        priority=priority,
        channel=channel,
        customer=customer,
        team=team,
        owner=None,
        shared_with_organization=shared_with_organization,
        customer_tier=customer.tier,
        thread_key=new_thread_key(),
        follow_up_of=follow_up_of,
        created_at=now,
        updated_at=now,
        last_customer_message_at=now,
    )
    case.tags = [CaseTag(tag=t) for t in rules.clean_tags(tags or [])]
    case.language = language.primary(customer.language) or language.detect(f"{subject}\n{body}")
    _hear(case, body)
    data: dict[str, Any] = dict(message_data or {})
    if isinstance(actor, StaffActor):
        data["recorded_by"] = actor.staff_id
    # One flush writes the case, its tags and its first entries together.
    session.add(case)
    first = TimelineEntry(
        case=case,
        kind=EntryKind.MESSAGE,
        is_public=True,
        direction="inbound",
        channel=channel,
        author_customer_id=customer.id,
        body=body,
        data=data or None,
        created_at=now,
    )
    session.add(first)
    followed = {"follow_up_of": follow_up_of} if follow_up_of else {}  # stored only when there is one
    _event(session, case, actor, events.Created(channel=channel, **followed), at=now)
    session.flush()
    publish(session.info, "case.created", case_id=case.id, team_id=case.team_id)
    repeats.notice(session, case, first, now)  # P12: the same problem again goes back to whoever solved it
    routing.route(session, actor, case, reason="new case")
    service_levels.track(session, case, happened=Happened.OPENED, now=now)
    escalations.notice_in_message(session, actor, case, first)  # after routing: a routed owner hears of it too
    contacts.heard(session, case, first)  # linked to a declared incident, say (`contacts`)
    return case, first


def receive_message(
    session: Session,
    actor: CustomerActor,
    case: Case,
    body: str,
    *,
    channel: Channel = Channel.PORTAL,
    automatic: bool = False,
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    """The customer wrote to us on this case: an inbound message that hands the case back to us.

    An automatic one (an out-of-office) is kept on the timeline but moves
    nothing. A message on a resolved case reopens it; after a transfer, one
    that repeats what they already told us is recorded (P2); words asking for
    someone senior raise an escalation (P3).
    """
    body = _clean_text(body, "body", BODY_MAX)
    now = clock.now()
    entry = TimelineEntry(
        case_id=case.id,
        kind=EntryKind.MESSAGE,
        is_public=True,
        direction="inbound",
        channel=channel,
        author_customer_id=actor.customer_id,
        is_automatic=automatic,
        body=body,
        data=data,
        created_at=now,
    )
    if not automatic:
        new_status = rules.status_after_customer_message(case.status)
        case.last_customer_message_at = now
        _hear(case, body)
        if case.language is None:
            case.language = language.detect(body)
        if case.status is CaseStatus.RESOLVED:
            _reopen(session, actor, case, now)
        else:
            _move(session, actor, case, new_status, now)
    session.add(entry)
    case.updated_at = now
    session.flush()
    if not automatic:
        service_levels.track(session, case, happened=Happened.CUSTOMER_WROTE, now=now)
        _note_restatement(session, actor, case, entry, now)
        escalations.notice_in_message(session, actor, case, entry)
    publish(session.info, "case.message", case_id=case.id, entry_id=entry.id)
    return entry


def reply(
    session: Session,
    actor: Actor,
    case: Case,
    body: str,
    *,
    channel: Channel | None = None,
    status: CaseStatus | None = None,
    data: dict[str, Any] | None = None,
    send_now: bool = False,
    portal: str | None = None,
    files: Sequence[File] = (),
) -> TimelineEntry:
    """A person answers the customer: an outbound reply.

    The first one by a person stamps the first human reply and, on an unowned case, makes its author the owner (P3).
    It goes where the customer prefers unless `channel` says otherwise, and its email waits for their contact window
    unless it is urgent or `send_now` (P14; the rules are in `replies.rules`). Its data says what happened:
    `emailed` (`reply` or `notice`), `held_until` (UTC ISO) and a `delivery_note` when it could not go where they
    prefer. `portal` is the portal's address, for emails that link to a reply there; `files` (`attachments.rules`)
    go with its email.
    """
    if isinstance(actor, CustomerActor):
        raise Forbidden("Customers write messages; replies are staff's.")
    rules.check_work(actor, scope_of(case), "reply on this case")
    return _answer(
        session,
        actor,
        case,
        body,
        status=rules.status_after_staff_reply(case.status, status),
        channel=channel,
        data=data,
        send_now=send_now,
        portal=portal,
        files=files,
    )


def acknowledge(
    session: Session, actor: SystemActor | StaffActor, case: Case, body: str, *, mail_to: str | None = None
) -> TimelineEntry:
    """An automatic answer: the software's acknowledgement of a new case (the honest wait, how to reach a person: P1).

    Sent in a staff member's name too (an out-of-office), it is still
    automatic: it never counts as a human reply, and it leaves the case where
    it was, so a new case stays new, in the queue, until a person has taken it up. `mail_to`: where they wrote from.
    """
    body = contacts.acknowledging(session, case, body)  # what a listener adds: an incident's status (`contacts`)
    return _answer(session, actor, case, body, status=case.status, automatic=True, mail_to=mail_to)


def _answer(
    session: Session,
    actor: Actor,
    case: Case,
    body: str,
    *,
    status: CaseStatus,
    channel: Channel | None = None,
    automatic: bool = False,
    data: dict[str, Any] | None = None,
    mail_to: str | None = None,
    send_now: bool = False,
    portal: str | None = None,
    files: Sequence[File] = (),
) -> TimelineEntry:
    """An outbound message on its way to the customer, by a person or the software."""
    body = _clean_text(body, "body", BODY_MAX)
    now = clock.now()
    staff_id = actor.staff_id if isinstance(actor, StaffActor) else None
    customer = session.get(Customer, case.customer_id)
    assert customer is not None
    delivery = mailing.deliver(
        session,
        case,
        customer,
        requested=channel,
        send_now=send_now,
        automatic=automatic,
        portal=portal,
        now=now,
    )
    entry = TimelineEntry(
        case_id=case.id,
        kind=EntryKind.MESSAGE,
        is_public=True,
        direction="outbound",
        channel=delivery.route.channel,
        author_staff_id=staff_id,
        is_automatic=automatic,
        body=body,
        data={**(data or {}), **_delivery_data(delivery)} or None,
        created_at=now,
    )
    if rules.is_first_human_reply(
        already_replied=case.first_human_reply_at is not None,
        by_staff=staff_id is not None,
        automatic=automatic,
        public=True,
    ):
        case.first_human_reply_at = now
        if case.owner_id is None and staff_id is not None:
            case.owner_id = staff_id
            _event(session, case, actor, events.Assigned(owner_id=staff_id, reason="first reply"), at=now)
    _move(session, actor, case, status, now)
    session.add(entry)
    case.updated_at = now
    if staff_id is not None and not automatic:
        service_levels.track(session, case, happened=Happened.STAFF_REPLIED, now=now)
    session.flush()
    if delivery.route.email is not None:
        mailing.send_reply(
            session,
            case,
            entry,
            address=mail_to,
            not_before=delivery.held_until,
            portal=portal if delivery.route.email is Email.NOTICE else None,
            files=files,
        )
    publish(session.info, "case.message", case_id=case.id, entry_id=entry.id)
    return entry


def add_note(
    session: Session, actor: Actor, case: Case, body: str, *, data: dict[str, Any] | None = None
) -> TimelineEntry:
    """An internal note: visible to staff only, never sent. `data` is kept on its entry (files left off)."""
    rules.require_staff(actor, "write internal notes")
    body = _clean_text(body, "body", BODY_MAX)
    now = clock.now()
    entry = TimelineEntry(
        case_id=case.id,
        kind=EntryKind.NOTE,
        is_public=False,
        author_staff_id=actor.staff_id if isinstance(actor, StaffActor) else None,
        body=body,
        data=data,
        created_at=now,
    )
    session.add(entry)
    case.updated_at = now
    session.flush()
    publish(session.info, "case.note", case_id=case.id, entry_id=entry.id)
    return entry


def assign(session: Session, actor: Actor, case: Case, owner: Staff | None) -> Case:
    """Give the case its one accountable owner (or none)."""
    owner_id = owner.id if owner else None
    rules.check_assign(actor, scope_of(case), owner_id, owner.is_active if owner else True)
    if owner_id == case.owner_id:
        return case
    now = clock.now()
    previous = case.owner_id
    remember_owner(session, case.id, previous)
    case.owner_id = owner_id
    case.updated_at = now
    _event(session, case, actor, events.Assigned(owner_id=owner_id, previous_owner_id=previous), at=now)
    publish(session.info, "case.assigned", case_id=case.id, owner_id=owner_id)
    notifications.notify_assigned(session, case.id, case.subject, owner_id, actor)
    return case


def transfer(
    session: Session,
    actor: Actor,
    case: Case,
    *,
    brief: rules.HandoffBrief,
    team: Team | None = None,
    owner: Staff | None = None,
) -> Case:
    """Hand a case to another team or person, with the brief that spares the customer repeating themselves (P2).

    The brief goes on the timeline (internal) and the receiving person sees it above the timeline.
    """
    if team is None and owner is None:
        raise Invalid("Transfer to a team, a person, or both.")
    rules.check_transfer(actor, scope_of(case), owner.id if owner else None, owner.is_active if owner else True)
    brief = rules.check_brief(brief)
    now = clock.now()
    previous = events.Placement(team_id=case.team_id, owner_id=case.owner_id)
    remember_owner(session, case.id, case.owner_id)
    if team is not None:
        case.team_id = team.id
        if owner is None:
            case.owner_id = None  # the receiving team takes it up; until then nobody owns it
    if owner is not None:
        case.owner_id = owner.id
    case.updated_at = now
    _event(
        session,
        case,
        actor,
        events.Transferred(
            from_=previous,
            to=events.Placement(team_id=case.team_id, owner_id=case.owner_id),
            brief=events.Brief(
                problem=brief.problem, tried=brief.tried, promised=brief.promised, feeling=brief.feeling
            ),
        ),
        at=now,
    )
    publish(session.info, "case.assigned", case_id=case.id, owner_id=case.owner_id)
    service_levels.track(session, case, now=now)  # another team's calendar and targets
    if case.owner_id is None:
        routing.route(session, actor, case, reason="transferred")
    notifications.notify_transferred(session, case.id, case.subject, case.owner_id, case.team_id, actor)
    return case


def take_next(
    session: Session,
    actor: StaffActor,
    *,
    tier_cap_minutes: int,
    reply_target_minutes: int = fairness.DEFAULT_REPLY_TARGET_MINUTES,
) -> Case | None:
    """Give the agent the case the fair queue says is next in their team (P9); None when nobody waits.

    When their team's queue is empty, the cases with no team ("Needs a team")
    come next, so none is out of sight; taking one gives it the taker's team.
    Someone in no team is served those alone (and refused when there are none).
    Claimed with a conditional update, so two agents pressing at once never get the same case.
    """
    now = clock.now()
    for team_id in [actor.team_id, None] if actor.team_id is not None else [None]:
        claimed = claim.claim_next(
            session,
            actor,
            team_id,
            now=now,
            tier_cap_minutes=tier_cap_minutes,
            reply_target_minutes=reply_target_minutes,
        )
        if claimed is not None:
            reason = f"took next (fair-queue score {claimed.score})"
            _event(session, claimed.case, actor, events.Assigned(owner_id=actor.staff_id, reason=reason), at=now)
            publish(session.info, "case.assigned", case_id=claimed.case.id, owner_id=actor.staff_id)
            return claimed.case
    if actor.team_id is None:
        raise Invalid("Take next serves a team's queue; you are not in a team.")
    return None


def change_status(session: Session, actor: Actor, case: Case, status: CaseStatus) -> Case:
    rules.check_work(actor, scope_of(case), "change this case's status")
    if status is CaseStatus.OPEN and case.status is CaseStatus.RESOLVED:
        return reopen(session, actor, case)
    rules.check_transition(case.status, status)
    _move(session, actor, case, status, clock.now())
    return case


def resolve(session: Session, actor: Actor, case: Case, *, note: str | None = None) -> Case:
    rules.check_work(actor, scope_of(case), "resolve this case")
    rules.check_transition(case.status, CaseStatus.RESOLVED)
    if note:
        add_note(session, actor, case, note)
    _move(session, actor, case, CaseStatus.RESOLVED, clock.now())
    return case


def reopen(session: Session, actor: Actor, case: Case) -> Case:
    rules.check_work(actor, scope_of(case), "reopen this case")
    rules.check_reopen(case.status)
    _reopen(session, actor, case, clock.now())
    return case


def hand_back(session: Session, actor: Actor, case: Case, *, reason: str) -> Case:
    """The internal work a case waited on is done: it opens again, the ball back with its owner (P3, P4).

    Does nothing unless the case is waiting on internal. Whoever did that
    work may do this — a department answering a consult is not the case's
    owner, so this asks only that they are staff; the caller has checked
    they were the ones asked. The move is on the timeline, with `reason`,
    and reaches live pages like any other.
    """
    rules.require_staff(actor, "hand a case back to its owner")
    if case.status is not CaseStatus.WAITING_ON_INTERNAL:
        return case
    rules.check_transition(case.status, CaseStatus.OPEN)
    _move(session, actor, case, CaseStatus.OPEN, clock.now(), reason=reason)
    return case


def update_details(
    session: Session, actor: Actor, case: Case, *, priority: Priority | None = None, tags: list[str] | None = None
) -> Case:
    """Change a case's priority or tags (its owner, anyone while it is unowned, or a supervisor)."""
    rules.check_work(actor, scope_of(case), "change this case's details")
    now = clock.now()
    if priority is not None and priority is not case.priority:
        _event(session, case, actor, events.PriorityChanged(from_=case.priority, to=priority), at=now)
        case.priority = priority
        service_levels.track(session, case, now=now)
    if tags is not None:
        cleaned = rules.clean_tags(tags)
        if set(cleaned) != set(case.tag_names):
            existing = {t.tag: t for t in case.tags}
            case.tags = [existing.get(t) or CaseTag(tag=t) for t in sorted(cleaned)]
            _event(session, case, actor, events.Tagged(tags=tuple(sorted(cleaned))), at=now)
    case.updated_at = now
    session.flush()
    return case


# ---------------------------------------------------------------- internals


def _hear(case: Case, body: str) -> None:
    """Keep the tone of the customer's latest message on the case, for the fair queue (P9)."""
    score = sentiment.tone([body])
    case.sentiment = score
    case.upset = sentiment.is_upset(score)


def _note_restatement(session: Session, actor: Actor, case: Case, entry: TimelineEntry, now: Any) -> None:
    """After a transfer, a customer repeating what they already told us is recorded: P2 failed them."""
    transferred = session.scalar(
        select(TimelineEntry.id)
        .where(TimelineEntry.case_id == case.id, TimelineEntry.event == EventType.TRANSFERRED)
        .limit(1)
    )
    if transferred is None:
        return
    earlier = session.execute(
        select(TimelineEntry.id, TimelineEntry.body)
        .where(
            TimelineEntry.case_id == case.id,
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.direction == "inbound",
            TimelineEntry.id < entry.id,
        )
        .order_by(TimelineEntry.id.desc())
        .limit(50)
    ).all()
    found = find_restatement(entry.body or "", [row.body or "" for row in earlier])
    if found is None:
        return
    _event(
        session,
        case,
        actor,
        events.RestatementDetected(entry_id=entry.id, repeats_entry_id=earlier[found.index].id, score=found.score),
        at=now,
    )


def _move(
    session: Session, actor: Actor, case: Case, status: CaseStatus, now: Any, *, reason: str | None = None
) -> None:
    """Every change of a case's status goes through here: recorded on the timeline, published to live pages."""
    if status == case.status:
        return
    previous = case.status
    case.status = status
    case.updated_at = now
    if status is CaseStatus.RESOLVED:
        case.resolved_at = now
    elif status is CaseStatus.CLOSED:
        case.closed_at = now
    changed = (
        events.StatusChanged(from_=previous, to=status)
        if reason is None
        else events.StatusChanged(from_=previous, to=status, reason=reason)
    )
    _event(session, case, actor, changed, at=now)
    service_levels.track(session, case, now=now)
    publish(session.info, "case.status", case_id=case.id, status=status.value)


def _reopen(session: Session, actor: Actor, case: Case, now: Any) -> None:
    repeats.came_back(case, now)
    case.status = CaseStatus.OPEN
    case.reopen_count += 1
    case.resolved_at = None
    case.updated_at = now
    _event(session, case, actor, events.Reopened(count=case.reopen_count), at=now)
    service_levels.track(session, case, now=now)
    publish(session.info, "case.status", case_id=case.id, status=case.status.value)


def _event(session: Session, case: Case, actor: Actor, payload: events.Payload, *, at: Any) -> None:
    timeline.add_event(session, case, actor, payload, at=at)


def _delivery_data(delivery: mailing.Delivery) -> dict[str, Any]:
    """What the timeline keeps of where a reply went: the desk says it, the API returns it."""
    return events.Delivery(
        emailed=EMAILED[delivery.route.email] if delivery.route.email is not None else None,
        held_until=delivery.held_until,
        delivery_note=delivery.route.note or None,
    ).stored()


def _clean_text(value: str, field: str, limit: int) -> str:
    cleaned = value.replace("\x00", "").strip()
    if not cleaned:
        raise Invalid(f"The {field} cannot be empty.")
    if len(cleaned) > limit:
        raise Invalid(f"The {field} may have at most {limit:,} characters; this one has {len(cleaned):,}.")
    return cleaned


def record_delivery_failure(
    session: Session, case_id: int, *, recipient: str, reason: str, outbound_id: int, bounced: bool
) -> None:
    """Say on the case that a message did not reach the customer, so a person can try another way."""
    timeline.add_event(
        session,
        case_id,
        None,
        events.DeliveryFailed(recipient=recipient, reason=reason[:500], outbound_id=outbound_id, bounced=bounced),
        at=clock.now(),
    )
    publish(session.info, "case.delivery_failed", case_id=case_id, outbound_id=outbound_id)
