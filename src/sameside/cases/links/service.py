"""Merging, linking and splitting cases, as verbs. Never commits.

Every change goes through the session as ORM objects (no bulk UPDATE), so the
audit log sees each step: the entries that moved, the links made, the
statuses changed. The rules are in `links.rules`; why a merge moves a
customer's words only between their own cases is in docs/case-links.md.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.cases import events, timeline
from sameside.cases import service as cases
from sameside.cases.access import scope_of
from sameside.cases.links import queries, rules
from sameside.cases.links.models import CaseLink, LinkKind
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus, EntryKind, may_view
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, StaffActor
from sameside.kit.errors import NotFound
from sameside.kit.events import publish
from sameside.mail.models import Attachment, CaseParticipant, MessageRef


def side(session: Session, case: Case) -> rules.Side:
    return rules.Side(case.id, scope_of(case), case.status, queries.merged_into(session, case.id))


def merge(session: Session, actor: Actor, duplicate: Case, survivor: Case) -> Case:
    """Close `duplicate` into `survivor`; returns the survivor.

    The same customer's: the duplicate's timeline, attachments and mail
    threads move to the survivor (its entries keep their order by time, as
    the timeline reads by id and ids follow time), and the people in copy
    come along. Another customer's of the same organisation: nothing moves,
    so neither customer reads the other's words. Either way the duplicate is
    resolved and closed, says where it went (its customer reads the
    survivor's number only if they may open it), and points there for mail.
    """
    moves = rules.check_merge(actor, side(session, duplicate), side(session, survivor))
    now = clock.now()
    moved = _move_timeline(session, duplicate, survivor) if moves else 0
    owner = duplicate.customer
    theirs = may_view(CustomerActor(owner.id, owner.organization_id), scope_of(survivor))
    session.add(CaseLink(case_id=duplicate.id, other_id=survivor.id, kind=LinkKind.MERGED, created_by=_by(actor)))
    timeline.add_event(
        session,
        duplicate,
        actor,
        events.MergedInto(into=survivor.id, moved=moved),
        at=now,
        body=rules.merged_words(survivor=survivor.id, theirs=theirs),
    )
    timeline.add_event(session, survivor, actor, events.MergedFrom(from_=duplicate.id, moved=moved), at=now)
    if duplicate.status is not CaseStatus.RESOLVED:
        cases.resolve(session, actor, duplicate)
    cases.change_status(session, actor, duplicate, CaseStatus.CLOSED)
    if moves and duplicate.last_customer_message_at is not None:
        latest = survivor.last_customer_message_at
        if latest is None or duplicate.last_customer_message_at > latest:
            survivor.last_customer_message_at = duplicate.last_customer_message_at
    survivor.updated_at = now
    session.flush()
    # The customer's page of the survivor changes too when their words moved there.
    publish(session.info, "case.message" if moved else "case.note", case_id=survivor.id, entry_id=None)
    return survivor


def _move_timeline(session: Session, duplicate: Case, survivor: Case) -> int:
    entries = session.scalars(select(TimelineEntry).where(TimelineEntry.case_id == duplicate.id)).all()
    for entry in entries:
        entry.case_id = survivor.id
    for attachment in session.scalars(select(Attachment).where(Attachment.case_id == duplicate.id)):
        attachment.case_id = survivor.id
    # Replies to the duplicate's mail now thread onto the survivor by their In-Reply-To and References.
    for ref in session.scalars(select(MessageRef).where(MessageRef.case_id == duplicate.id)):
        ref.case_id = survivor.id
    present = set(session.scalars(select(CaseParticipant.address).where(CaseParticipant.case_id == survivor.id)))
    for address in session.scalars(select(CaseParticipant.address).where(CaseParticipant.case_id == duplicate.id)):
        if address not in present:
            session.add(CaseParticipant(case_id=survivor.id, address=address))
    session.flush()
    return len(entries)


def link(session: Session, actor: Actor, case: Case, other: Case) -> CaseLink:
    """Mark two cases as related: shown on both, recorded on both timelines."""
    rules.check_link(
        actor,
        side(session, case),
        side(session, other),
        linked=queries.link_between(session, case.id, other.id) is not None,
    )
    now = clock.now()
    row = CaseLink(
        case_id=min(case.id, other.id),
        other_id=max(case.id, other.id),
        kind=LinkKind.RELATED,
        created_by=_by(actor),
        created_at=now,
    )
    session.add(row)
    timeline.add_event(session, case, actor, events.Linked(other=other.id), at=now)
    timeline.add_event(session, other, actor, events.Linked(other=case.id), at=now)
    session.flush()
    publish(session.info, "case.note", case_id=case.id, entry_id=None)
    publish(session.info, "case.note", case_id=other.id, entry_id=None)
    return row


def unlink(session: Session, actor: Actor, case: Case, other_number: int) -> None:
    """Undo a related link; merges and splits are history and stay."""
    rules.check_unlink(actor, side(session, case))
    row = queries.link_between(session, case.id, other_number)
    if row is None or row.kind is not LinkKind.RELATED:
        raise NotFound(f"Case #{case.id} is not linked to case #{other_number}.")
    now = clock.now()
    session.delete(row)
    timeline.add_event(session, case, actor, events.Unlinked(other=other_number), at=now)
    timeline.add_event(session, other_number, actor, events.Unlinked(other=case.id), at=now)
    session.flush()
    publish(session.info, "case.note", case_id=case.id, entry_id=None)
    publish(session.info, "case.note", case_id=other_number, entry_id=None)


def split(session: Session, actor: Actor, case: Case, entry_id: int) -> Case:
    """Take one of the customer's messages off `case` into a new case of theirs, in the same team.

    The message itself moves (with its attachments and mail thread), so it is
    the new case's first; the new case is routed and timed like any other.
    """
    entry = session.get(TimelineEntry, entry_id)
    first_inbound = session.scalar(
        select(TimelineEntry.id)
        .where(
            TimelineEntry.case_id == case.id,
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.direction == "inbound",
        )
        .order_by(TimelineEntry.id)
        .limit(1)
    )
    rules.check_split(
        actor,
        side(session, case),
        rules.Message(
            id=entry_id,
            on_case=entry is not None and entry.case_id == case.id,
            from_customer=entry is not None and entry.kind is EntryKind.MESSAGE and entry.direction == "inbound",
            opened_the_case=entry_id == first_inbound,
        ),
    )
    assert entry is not None and entry.body is not None and entry.channel is not None
    new, copy = cases.open_case_with_message(
        session,
        actor,
        customer=case.customer,
        subject=rules.split_subject(entry.body, case.subject),
        body=entry.body,
        channel=entry.channel,
        team=case.team,
        priority=case.priority,
        shared_with_organization=case.shared_with_organization,
    )
    # The message opened with is the one split off: the copy goes, the original moves in (it sorts first).
    session.delete(copy)
    entry.case_id = new.id
    for attachment in session.scalars(select(Attachment).where(Attachment.entry_id == entry.id)):
        attachment.case_id = new.id
    for ref in session.scalars(select(MessageRef).where(MessageRef.entry_id == entry.id)):
        ref.case_id = new.id
    now = clock.now()
    new.last_customer_message_at = entry.created_at
    session.add(CaseLink(case_id=new.id, other_id=case.id, kind=LinkKind.SPLIT, created_by=_by(actor)))
    timeline.add_event(session, case, actor, events.SplitOff(into=new.id, entry_id=entry.id), at=now)
    timeline.add_event(session, new, actor, events.SplitFrom(from_=case.id, entry_id=entry.id), at=now)
    case.updated_at = now
    session.flush()
    publish(session.info, "case.note", case_id=case.id, entry_id=None)
    return new


def _by(actor: Actor) -> int | None:
    return actor.staff_id if isinstance(actor, StaffActor) else None
