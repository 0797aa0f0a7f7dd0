"""The jobs' work: find who an incident affects, tell them, close the linked cases. Each is safe to repeat.

- `find_affected`: the open cases in scope are linked and their customers
  affected; with "tell everyone", every customer of the organisations too.
- `tell`: one batch of affected customers not yet told message `number`
  (0 the notice, then each update), by email within their contact window
  unless the incident is urgent. A customer is told each message once: the
  batch takes only rows told less, marks them in the same transaction, and
  on PostgreSQL skips rows another worker holds.
- `close`: one batch of linked cases: the approved message is sent on each as
  a reply by the person who resolved it, and the case is resolved — only
  those linked for what they say (a tag, the pattern); a case linked only
  for whose it is stays open, and its customer is told by notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, false, func, insert, or_, select
from sqlalchemy.orm import Session

from sameside.auth.service import staff_actor
from sameside.business import service as business
from sameside.cases import service as cases
from sameside.cases import timeline
from sameside.cases.access import case_for
from sameside.cases.events import IncidentLinked, IncidentNoticeSent
from sameside.cases.models import Case, CaseTag, TimelineEntry
from sameside.cases.replies.mailing import greeting
from sameside.cases.replies.rules import hold_until
from sameside.cases.rules import ACTIVE, CaseStatus, EntryKind
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.rules import IdentityKind, Proof
from sameside.incidents import rules
from sameside.incidents.models import AffectedCustomer, Incident, IncidentCase, IncidentUpdate
from sameside.incidents.rules import IncidentStatus
from sameside.kit import clock
from sameside.kit.actors import SystemActor
from sameside.mail import outbox
from sameside.staff.models import Staff

ACTOR = SystemActor("incidents")
BATCH = 100
PATTERN_SCAN_MAX = 20_000
"""Open cases read for the text pattern at declaration, newest first (tags, organisations and the list are SQL)."""
PURPOSE = "incident_notice"
"""The outbound mail's purpose: essential, so the contact policy for non-essential messages never holds it."""


@dataclass(frozen=True)
class Found:
    cases: int
    customers: int


def find_affected(session: Session, incident_id: int) -> Found:
    incident = session.get(Incident, incident_id)
    if incident is None or incident.status is IncidentStatus.RESOLVED:
        return Found(0, 0)
    now = clock.now()
    listed = select(AffectedCustomer.customer_id).where(
        AffectedCustomer.incident_id == incident.id, AffectedCustomer.listed.is_(True)
    )
    tagged = Case.id.in_(select(CaseTag.case_id).where(CaseTag.tag.in_(incident.tags))) if incident.tags else false()
    named = [Case.customer_id.in_(listed), tagged]
    if incident.organizations:
        named.append(Customer.organization_id.in_(incident.organizations))
    open_cases = select(Case.id, Case.customer_id).join(Customer, Customer.id == Case.customer_id)
    open_cases = open_cases.where(Case.status.in_(ACTIVE))
    matched: dict[int, tuple[int, str]] = {}
    for case_id, customer_id, by_tag, org in session.execute(
        open_cases.add_columns(tagged, Customer.organization_id).where(or_(*named))
    ):
        whom = "organisation" if org is not None and org in incident.organizations else "list"
        matched[case_id] = (customer_id, "tag" if by_tag else whom)
    pattern = rules.parse_pattern(incident.pattern)
    if pattern is not None:
        for case_id, customer_id, text in _open_texts(session):
            earlier = matched.get(case_id)
            if (earlier is None or not rules.about_the_problem(earlier[1])) and rules.matches_text(pattern, text):
                matched[case_id] = (customer_id, "pattern")
    linked = set(session.scalars(select(IncidentCase.case_id).where(IncidentCase.incident_id == incident.id)))
    affected = set(
        session.scalars(select(AffectedCustomer.customer_id).where(AffectedCustomer.incident_id == incident.id))
    )
    new_cases = [(c, cu, why) for c, (cu, why) in sorted(matched.items()) if c not in linked]
    for case_id, customer_id, why in new_cases:
        session.add(
            IncidentCase(incident_id=incident.id, case_id=case_id, customer_id=customer_id, reason=why, linked_at=now)
        )
        timeline.add_event(session, case_id, ACTOR, IncidentLinked(incident=incident.id), at=now)
    people = dict(matched.values())
    if incident.tell_everyone and incident.organizations:
        for customer_id in session.scalars(
            select(Customer.id).where(Customer.organization_id.in_(incident.organizations))
        ):
            people.setdefault(customer_id, "organisation")
    rows = [
        {"incident_id": incident.id, "customer_id": c, "reason": r, "listed": False, "told": -1, "added_at": now}
        for c, r in sorted(people.items())
        if c not in affected
    ]
    for start in range(0, len(rows), 500):
        session.execute(insert(AffectedCustomer), rows[start : start + 500])
    incident.reached_at = now
    session.flush()
    return Found(len(new_cases), len(rows))


def _open_texts(session: Session) -> Iterable[tuple[int, int, str]]:
    """Each open case's subject and first message, newest first, at most `PATTERN_SCAN_MAX`."""
    first = (
        select(func.min(TimelineEntry.id))
        .where(
            TimelineEntry.case_id == Case.id,
            TimelineEntry.kind == EntryKind.MESSAGE,
            TimelineEntry.direction == "inbound",
        )
        .correlate(Case)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Case.id, Case.customer_id, Case.subject, TimelineEntry.body)
        .outerjoin(TimelineEntry, TimelineEntry.id == first)
        .where(Case.status.in_(ACTIVE))
        .order_by(Case.id.desc())
        .limit(PATTERN_SCAN_MAX)
        .execution_options(yield_per=500)
    )
    for case_id, customer_id, subject, body in rows:
        yield case_id, customer_id, f"{subject}\n{body or ''}"


def tell(session: Session, incident_id: int, number: int, *, portal: str | None) -> bool:
    """Tell one batch of affected customers message `number`; returns whether any are left to tell."""
    incident = session.get(Incident, incident_id)
    if incident is None or number > incident.updates:
        return False
    update = session.get(IncidentUpdate, (incident_id, number)) if number else None
    due = (
        select(AffectedCustomer)
        .where(AffectedCustomer.incident_id == incident_id, AffectedCustomer.told < number)
        .order_by(AffectedCustomer.customer_id)
        .limit(BATCH)
    )
    if number == 0:
        due = due.where(AffectedCustomer.told < 0)
    batch = session.scalars(due.with_for_update(skip_locked=True)).all()
    if not batch:
        return False
    ids = [row.customer_id for row in batch]
    people = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    addresses = _addresses(session, ids)
    on_cases = _linked_cases(session, incident_id, ids)
    now = clock.now()
    cfg = outbox.config()
    brand = business.current(session).company_name or cfg.from_name
    for row in batch:
        customer = people.get(row.customer_id)
        address = addresses.get(row.customer_id)
        never_told = row.told < 0
        row.told, row.told_at = number, now
        if customer is None or address is None:
            row.data = {"no_address": True}  # the portal shows it to them when they sign in
            continue
        held = hold_until(
            now,
            urgent=incident.urgent,
            timezone=customer.timezone,
            window_start=customer.contact_window_start,
            window_end=customer.contact_window_end,
        )
        resolved = update is not None and update.status is IncidentStatus.RESOLVED
        first_time = never_told and not resolved  # told late: the notice as it stands now, not one update
        text = rules.notice_text(
            greeting(customer),
            title=incident.title,
            message=incident.message,
            status=update.status if update else incident.status,
            update_text=update.body if update and not first_time else None,
            portal=portal,
        )
        outbox.queue(
            session,
            purpose=PURPOSE,
            envelope=outbox.Envelope(address, customer.name, brand, cfg.from_address),
            subject=rules.notice_subject(incident.title, update=0 if first_time else number, resolved=resolved),
            text=text,
            customer_id=customer.id,
            automatic="auto-generated",
            language=customer.language,
            not_before=held,
        )
        row.data = {"held_until": held.isoformat()} if held else {}
        for case_id in on_cases.get(customer.id, ()):
            timeline.add_event(session, case_id, ACTOR, IncidentNoticeSent(incident=incident_id, update=number), at=now)
    session.flush()
    return len(batch) == BATCH


def _addresses(session: Session, customer_ids: list[int]) -> dict[int, str]:
    """Each customer's address to write to, as `mailing.email_address_of` picks it: deliverable, then oldest."""
    rows = session.execute(
        select(CustomerIdentity.customer_id, CustomerIdentity.value, CustomerIdentity.undeliverable_since)
        .where(
            CustomerIdentity.customer_id.in_(customer_ids),
            CustomerIdentity.kind == IdentityKind.EMAIL,
            CustomerIdentity.proof != Proof.PENDING,
        )
        .order_by(CustomerIdentity.id)
    ).all()
    chosen: dict[int, str] = {}
    for customer_id, value, undeliverable in rows:
        if customer_id not in chosen or (undeliverable is None and chosen[customer_id].startswith("!")):
            chosen[customer_id] = value if undeliverable is None else f"!{value}"
    return {c: v.lstrip("!") for c, v in chosen.items()}


def _linked_cases(session: Session, incident_id: int, customer_ids: list[int]) -> dict[int, list[int]]:
    """Each customer's linked cases a notice is noted on: all but those the incident's end already answered."""
    found: dict[int, list[int]] = {}
    for case_id, customer_id, closed_at, reason in session.execute(
        select(IncidentCase.case_id, IncidentCase.customer_id, IncidentCase.closed_at, IncidentCase.reason).where(
            IncidentCase.incident_id == incident_id,
            IncidentCase.customer_id.in_(customer_ids),
        )
    ):
        if closed_at is None or not rules.about_the_problem(reason):
            found.setdefault(customer_id, []).append(case_id)
    return found


def close(session: Session, incident_id: int, number: int, staff_id: int, *, portal: str | None) -> bool:
    """Send the resolution on one batch of linked cases and resolve them; returns whether any are left.

    Only cases linked for what they say (`rules.about_the_problem`) are answered and resolved. One linked only
    because its customer is on the list or in an organisation may be about anything: it stays open with its
    owner, and its customer hears the end by the notice that follows (`tell`), noted on the case.
    """
    update = session.get(IncidentUpdate, (incident_id, number))
    staff = session.get(Staff, staff_id)
    if update is None or staff is None:
        return False
    batch = session.scalars(
        select(IncidentCase)
        .where(IncidentCase.incident_id == incident_id, IncidentCase.closed_at.is_(None))
        .order_by(IncidentCase.case_id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    if not batch:
        return False
    actor = staff_actor(staff)
    now = clock.now()
    for row in batch:
        case = case_for(session, ACTOR, row.case_id, for_update=True)  # loaded as replies need it
        row.closed_at = now
        if case.status not in ACTIVE or not rules.about_the_problem(row.reason):
            continue  # resolved meanwhile, or perhaps about something else: the customer hears the end by notice
        cases.reply(session, actor, case, update.body, status=CaseStatus.RESOLVED, portal=portal)
        told = session.get(AffectedCustomer, (incident_id, row.customer_id))
        if told is not None and told.told < number:
            told.told, told.told_at = number, now  # the reply on their case was the notice
    session.flush()
    return len(batch) == BATCH


def still_open(session: Session, incident_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(IncidentCase)
            .where(and_(IncidentCase.incident_id == incident_id, IncidentCase.closed_at.is_(None)))
        )
        or 0
    )
