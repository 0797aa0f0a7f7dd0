"""Step two: read a stored message and give it its place — a case, a thread, or a reason.

Per message: parse, classify (RFC 3834 and bounces), thread, file. Each runs
inside a savepoint, so a message that breaks anything is quarantined with the
reason and the ones behind it carry on.

Threading (`_thread`): In-Reply-To and References first, then a keyed case
token in the subject (`[#1234-k3x9mq]`). Both prove the sender had a message
of the thread; a bare `[#1234]` proves nothing (case numbers count up), so it
threads nothing. Pointing at a case is never enough either: the sender must be
one of that case's customer's addresses or one of its participants; anyone
else gets a case of their own and learns nothing of the one they pointed at.
Without a reference there is no threading at all — never by subject — so a new
problem from the same customer is a new case.

Before any of that, the sender must not be known to be forged
(`mail.authenticity`, by the receiving server's `Authentication-Results`): a
message whose sender is not verified never joins or reopens a case; it opens
one of its own, marked with the reason, and gets no automatic answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from sameside.business import queries as business_queries
from sameside.business import service as business
from sameside.business.rules import Business
from sameside.cases import service as cases
from sameside.cases.links import queries as case_links
from sameside.cases.models import Case
from sameside.cases.replies.mailing import Reach, acknowledgement_text
from sameside.cases.rules import CaseStatus
from sameside.cases.waits.queries import WaitCache
from sameside.customers import service as customers
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.rules import Channel, IdentityKind
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import CustomerActor, SystemActor
from sameside.mail import outbox
from sameside.mail.authenticity import Authenticity, sender_authenticity
from sameside.mail.blobs import BlobStore
from sameside.mail.classify import Classification, MailKind, classify
from sameside.mail.compose import sendable
from sameside.mail.models import (
    Attachment,
    CaseParticipant,
    InboundMail,
    InboundState,
    MessageRef,
    OutboundState,
)
from sameside.mail.parse import MalformedMail, ParsedMail, parse
from sameside.mail.threads import find_subject_tokens, normalize_message_id
from sameside.mail.visible import split_reply
from sameside.mailboxes import bounces
from sameside.mailboxes.senders import sender_address
from sameside.mailboxes.store import Received, receive
from sameside.staff.models import Team

log = logging.getLogger(__name__)

INTAKE = SystemActor("mail intake")
BODY_LIMIT = 100_000
QUOTED_LIMIT = 20_000
PARTICIPANTS_MAX = 20


@dataclass(frozen=True, slots=True)
class Pointer:
    """A case a message points at, and whether the pointer proves its sender had that case's mail."""

    case_id: int
    proven: bool


@dataclass(frozen=True, slots=True)
class Batch:
    """What filing reads once per batch of messages rather than once per message (the hot path).

    `ours`: the teams' own addresses; `inbound`: the admin centre's inbound addresses that have a team;
    `business`: the business's settings, pinned to each message's transaction (`business.pin`), so neither the
    acknowledgement nor the service-level clocks read them again. A change saved meanwhile applies from the
    next batch."""

    ours: dict[str, int]
    inbound: dict[str, int]
    business: Business
    reach: Reach

    @classmethod
    def read(cls, session: Session, reach: Reach) -> Batch:
        now = business.current(session)
        # The phone and hours a customer is told are the business's; the portal and chat, the deployment's.
        reach = replace(reach, phone=now.support_phone, hours=now.hours)
        return cls(_team_addresses(session), business_queries.address_teams(session), now, reach)


@dataclass(frozen=True, slots=True)
class Outcome:
    inbound_id: int
    state: InboundState
    case_id: int | None = None
    new_case: bool = False
    kind: str | None = None
    reason: str | None = None
    duplicate: bool = False
    acknowledged: bool = False


class Intake:
    """Inbound mail for one database: receive, process, reprocess.

    `reach` is how a customer reaches a person now, said in every
    acknowledgement: the portal to book a call and the chat come from here
    (the deployment), the phone and business hours from the business's
    settings (`Batch`); with none of them the acknowledgement offers only a
    reply by email. The typical wait it states is kept per team for a minute
    (`WaitCache`), so acknowledging costs no extra query per message.

    `authserv_id` names the receiving server whose `Authentication-Results`
    are believed (`mail.authenticity`); None takes every sender on its From.
    """

    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        *,
        max_attachment_bytes: int = 25 * 1024 * 1024,
        reach: Reach | None = None,
        authserv_id: str | None = None,
    ) -> None:
        self.db = db
        self.authserv_id = authserv_id
        self.blobs = blobs
        self.max_attachment_bytes = max_attachment_bytes
        self.reach = reach or Reach()
        self.waits = WaitCache()

    # ------------------------------------------------------------ entry points

    def receive(self, raw: bytes, **where: Any) -> Received:
        """Store and commit: when this returns, the message is safe (the SMTP 250 follows)."""
        with self.db.unit_of_work() as session:
            return receive(session, raw, **where)

    def take(self, messages: Sequence[tuple[bytes, dict[str, Any]]]) -> list[Outcome]:
        """Receive and process a batch in one transaction (import, benchmarks): stored and filed together."""
        outcomes = []
        with self.db.unit_of_work() as session:
            batch = Batch.read(session, self.reach)
            for raw, where in messages:
                received = receive(session, raw, **where)
                if received.duplicate:
                    outcomes.append(_known(session, received.inbound_id))
                    continue
                outcomes.append(self._process_one(session, received.inbound_id, batch))
        return outcomes

    def process_pending(self, limit: int = 100) -> list[Outcome]:
        """File up to `limit` messages stored but not yet read, oldest first (after an SMTP 250, or a crash).

        Each message in its own short transaction, claimed with SKIP LOCKED so
        several workers share the backlog: a new case in a routed team holds
        that team's routing lock only until its own message commits, so two
        workers never wait on each other's batches, nor deadlock across teams.
        """
        outcomes: list[Outcome] = []
        batch: Batch | None = None
        for _ in range(limit):
            with self.db.unit_of_work() as session:
                inbound_id = session.scalar(
                    select(InboundMail.id)
                    .where(InboundMail.state == InboundState.RECEIVED)
                    .order_by(InboundMail.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                if inbound_id is None:
                    break
                if batch is None:
                    batch = Batch.read(session, self.reach)
                else:
                    business.pin(session, batch.business)
                outcomes.append(self._process_one(session, inbound_id, batch))
        return outcomes

    def reprocess(self, inbound_id: int) -> Outcome:
        """Try a quarantined (or ignored) message again, after a fix."""
        with self.db.unit_of_work() as session:
            row = session.get(InboundMail, inbound_id)
            if row is None:
                raise LookupError(inbound_id)
            if row.state is InboundState.FILED:
                return _known(session, inbound_id)
            row.state = InboundState.RECEIVED
            row.reason = None
            session.flush()
            return self._process_one(session, inbound_id, Batch.read(session, self.reach))

    # ------------------------------------------------------------ one message

    def _process_one(self, session: Session, inbound_id: int, batch: Batch) -> Outcome:
        try:
            with session.begin_nested():
                return _File(self, session, batch).run(inbound_id)
        except Exception as exc:
            if isinstance(exc, OperationalError) and _transient(exc):
                # A deadlock or serialisation failure says nothing about the message: it stays received, and
                # is filed on a later round rather than quarantined for a person to retry.
                log.warning("inbound mail %s: %s; will try again", inbound_id, type(exc.orig).__name__)
                return Outcome(inbound_id, InboundState.RECEIVED, reason="busy; will try again")
            log.exception("inbound mail %s could not be filed", inbound_id)
            reason = f"Could not be filed ({type(exc).__name__}: {exc})"[:2000]
            _settle(session, inbound_id, InboundState.QUARANTINED, reason=reason)
            return Outcome(inbound_id, InboundState.QUARANTINED, reason=reason)


class _File:
    """Filing one message: the state of the work, so each step reads as one sentence."""

    def __init__(self, intake: Intake, session: Session, batch: Batch) -> None:
        self.session = session
        self.blobs = intake.blobs
        self.max_attachment_bytes = intake.max_attachment_bytes
        self.waits = intake.waits
        self.authserv_id = intake.authserv_id
        self.batch = batch
        self.teams = batch.ours

    def run(self, inbound_id: int) -> Outcome:
        session = self.session
        row = session.get(InboundMail, inbound_id)
        assert row is not None
        row.attempts += 1
        try:
            mail = parse(row.raw, max_attachment_bytes=self.max_attachment_bytes)
        except MalformedMail as exc:
            return self._settle(row, InboundState.QUARANTINED, reason=f"Unreadable: {exc}")
        verdict = classify(mail, loop_marker=outbox.config().loop_marker)
        row.kind = verdict.kind.value
        if mail.html:
            row.html = mail.html
        if verdict.kind is MailKind.BOUNCE:
            return self._bounce(row, mail, verdict)
        if verdict.kind in (MailKind.REPORT, MailKind.LOOP):
            return self._settle(row, InboundState.IGNORED, reason=verdict.reason)
        sender = sender_address(row.raw, row.envelope_from, mail)
        if sender is None:
            return self._settle(row, InboundState.QUARANTINED, reason="No sender address we could answer.")
        if sender in self.teams or sender == outbox.config().from_address.lower():
            return self._settle(
                row, InboundState.IGNORED, reason=f"From one of our own addresses ({sender}); never filed or answered."
            )
        authenticity = sender_authenticity(
            mail.authentication_results,
            authserv_id=self.authserv_id,
            sender=sender,
            from_address=mail.sender.address if mail.sender else None,
        )
        pointers = self._pointers(mail)
        if not authenticity.may_join_a_case:
            return self._kept_apart(row, mail, sender, verdict, authenticity, pointers)
        case = self._thread(pointers, sender)
        if verdict.kind is MailKind.AUTO_REPLY:
            if case is None:
                return self._settle(
                    row, InboundState.IGNORED, reason=f"{verdict.reason}; not part of any case, so no case opened."
                )
            return self._add_to_case(row, mail, case, sender, verdict, automatic=True)
        if case is not None and case.status is not CaseStatus.CLOSED:
            return self._add_to_case(row, mail, case, sender, verdict, automatic=False)
        return self._open_case(
            row,
            mail,
            sender,
            verdict,
            follow_up_of=case.id if case else None,
            points_at=[p.case_id for p in pointers if case is None or p.case_id != case.id],
        )

    def _kept_apart(
        self,
        row: InboundMail,
        mail: ParsedMail,
        sender: str,
        verdict: Classification,
        authenticity: Authenticity,
        pointers: list[Pointer],
    ) -> Outcome:
        """A sender not verified: whatever the message points at, it joins nothing, and nothing answers it."""
        if verdict.kind is MailKind.AUTO_REPLY:
            return self._settle(
                row,
                InboundState.IGNORED,
                reason=f"{verdict.reason}; sender not verified ({authenticity.reason}), so it joins no case.",
            )
        return self._open_case(
            row,
            mail,
            sender,
            verdict,
            follow_up_of=None,
            points_at=[p.case_id for p in pointers],
            unverified=authenticity.reason,
        )

    # ------------------------------------------------------------ threading

    def _pointers(self, mail: ParsedMail) -> list[Pointer]:
        """The existing cases the message points at, each once, in the order they count.

        In-Reply-To and References name messages of a thread, which only the
        people on it had; a subject token's key is in our mail only. Both are
        proof. A bare `[#1234]` is not: anyone can count to 1234. A token
        with the wrong key points nowhere.
        """
        refs = [normalize_message_id(m) for m in [*mail.in_reply_to, *reversed(mail.references)] if m.strip()]
        found: list[Pointer] = []
        if refs:
            rows = self.session.execute(
                select(MessageRef.message_id, MessageRef.case_id).where(MessageRef.message_id.in_(refs[:50]))
            ).all()
            by_id = {r.message_id: r.case_id for r in rows}
            found += [Pointer(by_id[r], proven=True) for r in refs if r in by_id]
        for token in find_subject_tokens(mail.subject)[:10]:
            case = self.session.get(Case, token.case_id)
            if case is not None and (token.key is None or token.key == (case.thread_key or "")):
                found.append(Pointer(case.id, proven=token.key is not None))
        unique: dict[int, Pointer] = {}
        for pointer in found:
            if pointer.case_id not in unique or (pointer.proven and not unique[pointer.case_id].proven):
                unique[pointer.case_id] = pointer
        return list(unique.values())

    def _thread(self, pointers: list[Pointer], sender: str) -> Case | None:
        """The case this message continues: the first it proves it belongs to, whose sender belongs to it."""
        for pointer in pointers:
            if pointer.proven and self._belongs(pointer.case_id, sender):
                case = self.session.get(Case, pointer.case_id)
                if case is not None:  # a merged case's thread goes on in its survivor, if the sender's too
                    return case_links.forwarded(self.session, case, lambda number: self._belongs(number, sender))
        return None

    def _belongs(self, case_id: int, sender: str) -> bool:
        customer_address = self.session.scalar(
            select(CustomerIdentity.id)
            .join(Case, Case.customer_id == CustomerIdentity.customer_id)
            .where(
                Case.id == case_id,
                CustomerIdentity.kind == IdentityKind.EMAIL,
                CustomerIdentity.value == sender,
            )
        )
        if customer_address is not None:
            return True
        participant = self.session.get(CaseParticipant, (case_id, sender))
        return participant is not None

    # ------------------------------------------------------------ filing

    def _open_case(
        self,
        row: InboundMail,
        mail: ParsedMail,
        sender: str,
        verdict: Classification,
        *,
        follow_up_of: int | None,
        points_at: list[int] | None = None,
        unverified: str | None = None,
    ) -> Outcome:
        """A new case for the message. `points_at`: cases it named but did not join, noted for the agent.

        `unverified` is why its sender could not be believed: then the case is
        marked with it, nothing is answered and no bounce mark is cleared —
        the address's owner may never have written.
        """
        session = self.session
        customer, created = customers.find_or_create(
            session, kind=IdentityKind.EMAIL, value=sender, name=mail.sender.name if mail.sender else None
        )
        if not created and unverified is None:
            bounces.deliverable_again(session, sender)
        team_id = self._team_for(row, mail)
        row.team_id = team_id
        team = session.get(Team, team_id) if team_id else None
        text, data = self._message(row, mail)
        if unverified is not None:
            data["sender_unverified"] = unverified
        if points_at:
            data["points_at"] = points_at[:10]
        case, first = cases.open_case_with_message(
            session,
            CustomerActor(customer.id, customer.organization_id),
            customer=customer,
            subject=(mail.subject or "(no subject)")[:300],
            body=text,
            channel=Channel.EMAIL,
            team=team,
            message_data=data,
            follow_up_of=follow_up_of,
        )
        entry_id = first.id
        self._index(row, mail, case.id, entry_id)
        ours = set(self.teams) | {outbox.config().from_address}
        others = {a.address for a in [*mail.to, *mail.cc] if a.address and "@" in a.address}
        for address in sorted(others - ours - {sender})[:PARTICIPANTS_MAX]:
            session.add(CaseParticipant(case_id=case.id, address=address))
        acknowledged = False
        if verdict.kind is MailKind.HUMAN and outbox.config().acknowledge and unverified is None:
            acknowledged = self._acknowledge(case, customer, sender)
        reason = f"Sender not verified ({unverified}): filed on a case of its own." if unverified else None
        self._settle(row, InboundState.FILED, reason=reason, case_id=case.id, entry_id=entry_id)
        return Outcome(
            row.id,
            InboundState.FILED,
            case.id,
            new_case=True,
            kind=verdict.kind.value,
            reason=reason,
            acknowledged=acknowledged,
        )

    def _add_to_case(
        self, row: InboundMail, mail: ParsedMail, case: Case, sender: str, verdict: Classification, *, automatic: bool
    ) -> Outcome:
        session = self.session
        customer, _ = customers.find_or_create(
            session, kind=IdentityKind.EMAIL, value=sender, name=mail.sender.name if mail.sender else None
        )
        if not automatic:
            bounces.deliverable_again(session, sender)
        text, data = self._message(row, mail)
        data["classification"] = verdict.kind.value
        entry = cases.receive_message(
            session,
            CustomerActor(customer.id, customer.organization_id),
            case,
            text,
            channel=Channel.EMAIL,
            automatic=automatic,
            data=data,
        )
        self._index(row, mail, case.id, entry.id)
        self._settle(row, InboundState.FILED, case_id=case.id, entry_id=entry.id)
        return Outcome(row.id, InboundState.FILED, case.id, kind=verdict.kind.value)

    def _message(self, row: InboundMail, mail: ParsedMail) -> tuple[str, dict[str, Any]]:
        """The text the timeline shows (what they wrote this time) and what we note beside it."""
        split = split_reply(mail.text)
        text = split.visible.strip()
        if not text:
            names = ", ".join(a.filename for a in mail.attachments[:5])
            text = f"(No text. Attachments: {names})" if names else "(This message has no text.)"
        if len(text) > BODY_LIMIT:
            text = text[: BODY_LIMIT - 80].rstrip() + "\n\n[… shortened here; the whole message is kept as received]"
        data: dict[str, Any] = {
            "inbound_id": row.id,
            "message_id": row.message_id,
            "from": mail.sender.address if mail.sender else None,
        }
        if mail.cc:
            data["cc"] = [a.address for a in mail.cc if a.address][:PARTICIPANTS_MAX]
        if split.quoted:
            data["quoted"] = split.quoted[:QUOTED_LIMIT]
        if split.signature:
            data["signature"] = split.signature[:2000]
        if mail.html:
            data["has_html"] = True
        if mail.defects:
            data["defects"] = mail.defects[:10]
        return text, data

    def _index(self, row: InboundMail, mail: ParsedMail, case_id: int, entry_id: int | None) -> None:
        if row.message_id:
            self.session.add(
                MessageRef(message_id=row.message_id, case_id=case_id, entry_id=entry_id, direction="inbound")
            )
        for attachment in mail.attachments:
            sha = self.blobs.put(attachment.data)
            self.session.add(
                Attachment(
                    sha256=sha,
                    size=len(attachment.data),
                    filename=attachment.filename[:255],
                    content_type=attachment.content_type[:255],
                    content_id=(attachment.content_id or None) and attachment.content_id[:255],
                    inline=attachment.inline,
                    case_id=case_id,
                    entry_id=entry_id,
                    inbound_id=row.id,
                )
            )

    def _acknowledge(self, case: Case, customer: Customer, address: str) -> bool:
        """An honest automatic answer to a new case — unless this address already had its share this hour.

        It states the team's typical wait as it has really been lately (or that
        we cannot say), and how to reach a person now (P1).
        """
        if not sendable(address) or not outbox.automatic_allowed(self.session, address):
            return False
        now = clock.now()
        wait = self.waits.for_team(self.session, case.team_id, now=now)
        cases.acknowledge(
            self.session,
            INTAKE,
            case,
            acknowledgement_text(case, customer, wait=wait, reach=self.batch.reach, now=now),
            mail_to=address,
        )
        return True

    def _team_for(self, row: InboundMail, mail: ParsedMail) -> int | None:
        """A team's own address first (on the envelope, To or Cc), then an inbound address the admin centre gave
        a team (envelope or To): both from the batch, no query."""
        for address in [*row.envelope_to, *(a.address for a in [*mail.to, *mail.cc])]:
            team_id = self.teams.get(address.lower())
            if team_id is not None:
                return team_id
        for address in [*row.envelope_to, *(a.address for a in mail.to)]:
            team_id = self.batch.inbound.get(address.strip().lower()) if address else None
            if team_id is not None:
                return team_id
        return None

    # ------------------------------------------------------------ bounces

    def _bounce(self, row: InboundMail, mail: ParsedMail, verdict: Classification) -> Outcome:
        """Mark the message of ours that bounced, and its address; never a case, never an answer."""
        back = bounces.returned(self.session, mail, verdict)
        if back is None:
            return self._settle(row, InboundState.IGNORED, reason=f"{verdict.reason}; not about a message we sent.")
        if back.permanent and back.ours.state is not OutboundState.BOUNCED:
            bounces.mark_bounced(self.session, back.ours, back.diagnostic, copy=back.copy)
        state = "returned for good" if back.permanent else "delayed, still trying"
        return self._settle(
            row,
            InboundState.IGNORED,
            reason=f"{verdict.reason}: our message #{back.ours.id} to {back.ours.recipient} {state}.",
            case_id=back.ours.case_id,
        )

    def _settle(
        self,
        row: InboundMail,
        state: InboundState,
        *,
        reason: str | None = None,
        case_id: int | None = None,
        entry_id: int | None = None,
    ) -> Outcome:
        row.state = state
        row.reason = reason[:2000] if reason else None
        row.case_id = case_id
        row.entry_id = entry_id
        row.processed_at = clock.now()
        return Outcome(row.id, state, case_id, kind=row.kind, reason=row.reason)


# ---------------------------------------------------------------- helpers


def _team_addresses(session: Session) -> dict[str, int]:
    rows = session.execute(select(Team.email, Team.id).where(Team.email.is_not(None))).all()
    return {r.email.lower(): r.id for r in rows if r.email}


def _known(session: Session, inbound_id: int) -> Outcome:
    row = session.get(InboundMail, inbound_id)
    assert row is not None
    return Outcome(inbound_id, row.state, row.case_id, kind=row.kind, reason=row.reason, duplicate=True)


def _settle(session: Session, inbound_id: int, state: InboundState, *, reason: str) -> None:
    session.execute(
        update(InboundMail)
        .where(InboundMail.id == inbound_id)
        .values(state=state, reason=reason, processed_at=clock.now(), attempts=InboundMail.attempts + 1)
    )


TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
"""Serialisation failure, deadlock, lock not available: PostgreSQL's "try again" errors."""


def _transient(error: OperationalError) -> bool:
    return getattr(error.orig, "sqlstate", None) in TRANSIENT_SQLSTATES
