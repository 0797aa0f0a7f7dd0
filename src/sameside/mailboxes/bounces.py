"""What a returned message tells us: which message of ours bounced, and whether an address still works.

Only a bounce that names a message we really sent (its Message-ID is unguessable) marks anything, so a
forged bounce cannot switch a customer's address off; a person writing from an address clears its mark.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from sameside.cases import service as cases
from sameside.customers.models import CustomerIdentity
from sameside.customers.rules import IdentityKind
from sameside.kit import clock
from sameside.mail import outbox
from sameside.mail.classify import Classification, bounce_report
from sameside.mail.models import OutboundMail, OutboundState
from sameside.mail.parse import ParsedMail
from sameside.mail.threads import normalize_message_id


@dataclass(frozen=True)
class Returned:
    """One of our messages came back: `permanent` when the address failed for good, not just delayed."""

    ours: OutboundMail
    permanent: bool
    diagnostic: str
    copy: str | None = None
    """The address in Cc that failed, when only a copy did: the customer still has the message."""


def returned(session: Session, mail: ParsedMail, verdict: Classification) -> Returned | None:
    """The message of ours this bounce is about, or None when it names none we sent."""
    report = mail.report or bounce_report(mail)
    named = [report.original_message_id] if report and report.original_message_id else []
    named += [normalize_message_id(m) for m in [*mail.in_reply_to, *mail.references]]
    ours = outbox.outbound_by_message_ids(session, [m for m in named if m])
    if ours is None:
        return None
    permanent = report is None or report.action in ("failed", "") or report.status.startswith("5")
    if report is not None and (report.action == "delayed" or report.status.startswith("4")):
        permanent = False
    diagnostic = (report.diagnostic or report.status) if report else verdict.reason
    failed = report.recipients if report else []
    copies = [a for a in failed if a in {c.lower() for c in ours.cc or ()}]
    copy = copies[0] if copies and ours.recipient.lower() not in failed else None
    return Returned(ours, permanent, diagnostic or "returned", copy)


def mark_bounced(session: Session, ours: OutboundMail, diagnostic: str, *, copy: str | None = None) -> None:
    """Our message failed for good: mark it, its address undeliverable, and tell its case.

    When only its `copy` to someone in Cc failed, the message stands (the customer has it) and no address of
    the customer's is marked: the case is told whose copy came back.
    """
    if copy is not None:
        if ours.case_id:
            cases.record_delivery_failure(
                session, ours.case_id, recipient=copy, reason=diagnostic, outbound_id=ours.id, bounced=True
            )
        return
    now = clock.now()
    ours.state = OutboundState.BOUNCED
    ours.failed_at = now
    ours.last_error = diagnostic[:2000]
    session.execute(
        update(CustomerIdentity)
        .where(CustomerIdentity.kind == IdentityKind.EMAIL, CustomerIdentity.value == ours.recipient)
        .values(undeliverable_since=now, undeliverable_reason=diagnostic[:500])
    )
    if ours.case_id:
        cases.record_delivery_failure(
            session, ours.case_id, recipient=ours.recipient, reason=diagnostic, outbound_id=ours.id, bounced=True
        )


def deliverable_again(session: Session, address: str) -> None:
    """A person writing from an address shows it works: clear an old bounce mark."""
    session.execute(
        update(CustomerIdentity)
        .where(
            CustomerIdentity.kind == IdentityKind.EMAIL,
            CustomerIdentity.value == address,
            CustomerIdentity.undeliverable_since.is_not(None),
        )
        .values(undeliverable_since=None, undeliverable_reason=None)
    )
