"""Escalation requests (P3): asking for someone senior routes back to the owner, never into a new queue.

A customer asks (the portal's button, the API, or in their own words in a
message), or an agent asks their supervisor for help. Either way the case
keeps its owner and team: the request goes on the timeline with the context
a senior person needs to step in without asking the customer again (who
asked, their words, how long they have waited, the latest handoff brief),
the case is worked at high priority at least, and the owner and their
supervisor(s) are notified — for an unowned case, the team's supervisors.
Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sameside.cases import events, queries, timeline
from sameside.cases.errors import CaseNotFound
from sameside.cases.escalation import rules as escalation_rules
from sameside.cases.events import Asker
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseClosed, CaseScope, CaseStatus, EntryKind, EventType, may_view
from sameside.customers.models import Customer
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, StaffActor, SystemActor
from sameside.kit.errors import Invalid
from sameside.kit.events import publish
from sameside.staff import notifications
from sameside.staff.models import Notification, Staff

REASON_MAX = 2000
SOURCE_MAX = 32
FROM_MESSAGE = "their message"
NOTICE_KIND = "escalation"
"""The source of a request found in a customer's own words."""


@dataclass(frozen=True)
class OpenEscalation:
    """The latest request on a case nobody has answered yet: what a banner on the case page shows."""

    entry_id: int
    requested_at: datetime
    source: str
    """`portal`, `api`, `desk`, `their message`…"""
    asked_by: Asker
    reason: str
    """The asker's words: the reason they gave, or the message they wrote."""
    words: str | None
    """For a request found in a message: the words that asked ("speak to a manager")."""
    waiting_minutes: int
    """How long the customer had waited for an answer when they asked."""
    owner_id: int | None
    told: tuple[int, ...]
    """Who was notified (staff ids); empty for a repeat within the quiet period."""


def request_escalation(session: Session, actor: Actor, case: Case, *, reason: str, source: str) -> TimelineEntry:
    """Record a request for someone senior and tell the owner and their supervisor(s); returns the event.

    Customers may ask on any case they can see, with or without a reason (a
    person is never behind a form). Staff ask for their supervisor's help and
    say what they need. The owner and team never change.
    """
    if not _may_see(session, actor, case):
        raise CaseNotFound(f"There is no case #{case.id}.")
    reason = " ".join(reason.replace("\x00", "").split(" ")).strip()
    if len(reason) > REASON_MAX:
        raise Invalid(f"Please keep the reason under {REASON_MAX:,} characters.")
    if isinstance(actor, StaffActor) and not reason:
        raise Invalid("Say what you need your supervisor's help with.")
    if isinstance(actor, CustomerActor):
        waiting = open_escalation(session, case)
        quiet = not escalation_rules.tells_people(_last_told_at(session, case), clock.now())
        if waiting is not None and waiting.asked_by.kind == "customer" and quiet:
            # Pressing the button again within the quiet period changes nothing: their request stands, unanswered.
            existing = session.get(TimelineEntry, waiting.entry_id)
            assert existing is not None
            return existing
    return _record(session, actor, case, asker=_asker(session, actor), reason=reason, source=source, words=None)


def notice_in_message(session: Session, actor: Actor, case: Case, entry: TimelineEntry) -> None:
    """A customer asking for a manager in their own words is routed back to the owner and their supervisor."""
    if entry.direction != "inbound" or entry.is_automatic or not entry.body:
        return
    ask = escalation_rules.asks_for_escalation(entry.body)
    if ask is None or case.status is CaseStatus.CLOSED:
        return
    customer = session.get(Customer, entry.author_customer_id or case.customer_id)
    asker = Asker(kind="customer", id=customer.id, name=customer.name) if customer else _asker(session, actor)
    _record(
        session, actor, case, asker=asker, reason=entry.body[:REASON_MAX], source=FROM_MESSAGE, words=ask.phrase[:200]
    )


def open_escalation(session: Session, case: Case) -> OpenEscalation | None:
    """The latest escalation request on the case, unless it has been answered.

    Answered means a person on staff has written to the customer since (a
    public, non-automatic reply), or the case is resolved or closed. Two
    indexed reads on the case's timeline.
    """
    if case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        return None
    entry = session.scalar(
        select(TimelineEntry)
        .where(TimelineEntry.case_id == case.id, TimelineEntry.event == EventType.ESCALATION_REQUESTED)
        .order_by(TimelineEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        return None
    answered = session.scalar(
        select(TimelineEntry.id)
        .where(
            TimelineEntry.case_id == case.id,
            TimelineEntry.id > entry.id,
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.direction == "outbound",
            TimelineEntry.is_automatic.is_(False),
        )
        .limit(1)
    )
    payload = events.payload_of(entry)
    if answered is not None or not isinstance(payload, events.EscalationRequested):
        return None
    return OpenEscalation(
        entry_id=entry.id,
        requested_at=entry.created_at,
        source=payload.source,
        asked_by=payload.asked_by,
        reason=payload.reason,
        words=payload.words,
        waiting_minutes=payload.waiting_minutes,
        owner_id=payload.owner_id,
        told=payload.told,
    )


# ---------------------------------------------------------------- internals


def _record(
    session: Session, actor: Actor, case: Case, *, asker: Asker, reason: str, source: str, words: str | None
) -> TimelineEntry:
    if case.status is CaseStatus.CLOSED:
        raise CaseClosed("A closed case is final; a new request opens a new case.")
    source = (source.strip() or "unknown")[:SOURCE_MAX]
    now = clock.now()
    waiting = _waiting_minutes(session, case, now)
    owner = session.get(Staff, case.owner_id) if case.owner_id else None
    supervisors = notifications.supervisors_of(session, staff_id=case.owner_id, team_id=case.team_id)
    told: list[int] = []
    if escalation_rules.tells_people(_last_told_at(session, case), now):
        recipients = [owner.id if owner and owner.is_active else None, *(s.id for s in supervisors)]
        asking_staff = asker.id if asker.kind == "staff" else None  # an agent asking needs no alert of their own
        told = [i for i in dict.fromkeys(recipients) if i is not None and i != asking_staff]
    event = _event(
        session,
        case,
        actor,
        asker,
        events.EscalationRequested(
            source=source,
            asked_by=asker,
            reason=reason,
            words=words,
            open_minutes=escalation_rules.minutes_between(case.created_at, now),
            waiting_minutes=waiting,
            first_human_reply_at=case.first_human_reply_at,
            owner_id=case.owner_id,
            team_id=case.team_id,
            supervisor_ids=tuple(s.id for s in supervisors),
            told=tuple(told),
            brief=queries.latest_brief(session, case),
        ),
        at=now,
    )
    raised = escalation_rules.priority_after(case.priority)
    if raised is not None:
        _event(
            session,
            case,
            actor,
            asker,
            events.PriorityChanged(from_=case.priority, to=raised, reason="escalation requested"),
            at=now,
        )
        case.priority = raised
    case.updated_at = now
    session.flush()
    if told:
        notifications.notify(
            session,
            told,
            kind=NOTICE_KIND,
            text=_notice_text(case, asker, reason, words, waiting, owner),
            case_id=case.id,
            data={"entry_id": event.id, "source": source},
        )
    publish(session.info, "case.note", case_id=case.id, entry_id=event.id)  # internal: staff pages refresh
    return event


def _notice_text(case: Case, asker: Asker, reason: str, words: str | None, waiting: int, owner: Staff | None) -> str:
    said = words or reason
    quote = f" “{said[:160]}”" if said else ""
    wait = f" Waiting {escalation_rules.describe_minutes(waiting)}." if waiting else ""
    keeper = f"It stays with {owner.name}." if owner else "Nobody owns it yet; it stays in its team."
    return f"#{case.id} {case.subject[:80]}: {asker.name} asked for someone senior.{quote}{wait} {keeper}"


def _asker(session: Session, actor: Actor) -> Asker:
    if isinstance(actor, CustomerActor):
        customer = session.get(Customer, actor.customer_id)
        return Asker(kind="customer", id=actor.customer_id, name=customer.name if customer else "The customer")
    if isinstance(actor, StaffActor):
        staff = session.get(Staff, actor.staff_id)
        return Asker(kind="staff", id=actor.staff_id, name=staff.name if staff else f"staff #{actor.staff_id}")
    return Asker(kind="system", id=None, name=actor.name)


def _may_see(session: Session, actor: Actor, case: Case) -> bool:
    if isinstance(actor, SystemActor):
        return True
    customer = session.get(Customer, case.customer_id)
    scope = CaseScope(
        team_id=case.team_id,
        owner_id=case.owner_id,
        customer_id=case.customer_id,
        organization_id=customer.organization_id if customer else None,
        shared_with_organization=case.shared_with_organization,
    )
    return may_view(actor, scope)


def _waiting_minutes(session: Session, case: Case, now: datetime) -> int:
    """Since the customer's first message that no person has answered yet (0 when nothing waits)."""
    last_reply = session.scalar(
        select(func.max(TimelineEntry.id)).where(
            TimelineEntry.case_id == case.id,
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.direction == "outbound",
            TimelineEntry.is_automatic.is_(False),
        )
    )
    first_unanswered = session.scalar(
        select(func.min(TimelineEntry.created_at)).where(
            TimelineEntry.case_id == case.id,
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.direction == "inbound",
            TimelineEntry.is_automatic.is_(False),
            TimelineEntry.id > (last_reply or 0),
        )
    )
    return escalation_rules.minutes_between(first_unanswered, now) if first_unanswered else 0


def _last_told_at(session: Session, case: Case) -> datetime | None:
    """When a request on this case last notified anyone (the quiet period runs from there)."""
    return session.scalar(
        select(func.max(Notification.created_at)).where(
            Notification.case_id == case.id, Notification.kind == NOTICE_KIND
        )
    )


def _event(
    session: Session, case: Case, actor: Actor, asker: Asker, payload: events.Payload, *, at: datetime
) -> TimelineEntry:
    """An internal event (the customer's page never shows who was told or what the brief says), by the asker.

    A customer's request found during intake is still theirs: the entry is
    authored by them, whoever wrote it down.
    """
    assert not payload.public
    return timeline.add_event(
        session, case, actor, payload, at=at, customer_id=asker.id if asker.kind == "customer" else None
    )
