"""Mail we send: composed and queued in the caller's transaction, delivered later by the worker.

`queue` writes the composed message and enqueues a `mail.deliver` job
(`jobs.enqueue`; the worker's handler is in `worker/delivery.py`) in the same
transaction as the change that causes it (the reply, the sign-in link): both
commit or neither does. The Message-ID is fixed here, so every retry — even
after a worker is killed mid-send — sends the same message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session

from sameside.business import service as business
from sameside.jobs.service import enqueue
from sameside.kit import clock
from sameside.kit.events import publish
from sameside.mail.compose import FileOut, Footer, Outgoing, compose
from sameside.mail.models import MessageRef, OutboundMail, OutboundState
from sameside.mail.threads import new_message_id

DELIVER = "mail.deliver"


@dataclass(frozen=True, slots=True)
class MailConfig:
    domain: str = "localhost"
    from_address: str = "support@localhost"
    from_name: str = "Support"
    automatic_per_hour: int = 3
    acknowledge: bool = True

    @property
    def loop_marker(self) -> str:
        return f"sameside@{self.domain}"


_config = MailConfig()


def configure(config: MailConfig) -> None:
    """Set at start-up from settings (`wiring`)."""
    global _config
    _config = config


def config() -> MailConfig:
    return _config


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who a message is from and to, as people read it."""

    to_address: str
    to_name: str
    from_name: str
    from_address: str


def queue(
    session: Session,
    *,
    purpose: str,
    envelope: Envelope,
    subject: str,
    text: str,
    case_id: int | None = None,
    entry_id: int | None = None,
    customer_id: int | None = None,
    automatic: str | None = None,
    sensitive: bool = False,
    language: str | None = None,
    not_before: datetime | None = None,
    cc: Sequence[str] = (),
    markdown: bool = False,
    files: Sequence[FileOut] = (),
) -> int:
    """Compose a message and queue its delivery, threaded onto the case's mail when there is one; returns its id.

    `files` go as real attachments; the caller has checked them and kept them within what mail carries.
    """
    cfg = _config
    message_id = new_message_id(cfg.domain, case_id=case_id)
    in_reply_to, references = _thread_of(session, case_id) if case_id else (None, [])
    brand = business.current(session)  # the company's name, phone and colour, from the admin centre
    from_name = envelope.from_name
    if from_name == cfg.from_name:  # the plain brand: the company's name, when it has one
        from_name = brand.company_name or from_name
    footer = Footer(brand.company_name or cfg.from_name, brand.support_phone, brand.primary_colour)
    raw = compose(
        Outgoing(
            from_name=from_name,
            from_address=envelope.from_address,
            to_name=envelope.to_name,
            to_address=envelope.to_address,
            subject=subject,
            text=text,
            message_id=message_id,
            date=clock.now(),
            loop_marker=cfg.loop_marker,
            cc=tuple(cc),
            markdown=markdown,
            footer=footer,
            in_reply_to=in_reply_to,
            references=references,
            automatic=automatic,
            language=language,
            files=tuple(files),
        )
    )
    now = clock.now()
    # Core statements: three rows, no unit-of-work flush (this runs once per reply and per new case).
    outbound_id: int = session.execute(
        insert(OutboundMail)
        .values(
            purpose=purpose,
            case_id=case_id,
            entry_id=entry_id,
            customer_id=customer_id,
            sender=envelope.from_address,
            recipient=envelope.to_address,
            cc=list(cc) or None,
            message_id=message_id,
            raw=raw,
            sensitive=sensitive,
            state=OutboundState.QUEUED,
            attempts=0,
            created_at=now,
        )
        .returning(OutboundMail.id)
    ).scalar_one()
    if case_id:
        session.execute(
            insert(MessageRef).values(
                message_id=message_id, case_id=case_id, entry_id=entry_id, direction="outbound", created_at=now
            )
        )
    enqueue(session, DELIVER, run_after=not_before or now, outbound_id=outbound_id)
    return outbound_id


def mark_sent(session: Session, outbound_id: int) -> None:
    """Record that the relay accepted the message: one UPDATE, meant to commit on its own at once.

    A message carrying a credential (a sign-in link) has its stored copy
    erased in the same statement. Only a queued message changes, so marking
    twice changes nothing. A case's open pages hear of it (`case.mail_sent`), to say "sent" under the reply.
    """
    case_id = session.execute(
        update(OutboundMail)
        .where(OutboundMail.id == outbound_id, OutboundMail.state == OutboundState.QUEUED)
        .values(
            state=OutboundState.SENT,
            sent_at=clock.now(),
            attempts=OutboundMail.attempts + 1,
            last_error=None,
            raw=case((OutboundMail.sensitive, None), else_=OutboundMail.raw),
        )
        .returning(OutboundMail.case_id)
    ).scalar()
    if case_id is not None:
        publish(session.info, "case.mail_sent", case_id=case_id, outbound_id=outbound_id)


def automatic_allowed(session: Session, address: str, *, now: datetime | None = None) -> bool:
    """Whether one more automatic message may go to `address` this hour (loop protection)."""
    return sent_last_hour(session, address, "acknowledgement", now=now) < _config.automatic_per_hour


def sent_last_hour(session: Session, address: str, purpose: str, *, now: datetime | None = None) -> int:
    """How many messages for `purpose` we queued to `address` in the last hour (one index range)."""
    since = (now or clock.now()) - timedelta(hours=1)
    sent = session.scalar(
        select(func.count())
        .select_from(OutboundMail)
        .where(OutboundMail.recipient == address, OutboundMail.purpose == purpose, OutboundMail.created_at >= since)
    )
    return sent or 0


def outbound_by_message_ids(session: Session, message_ids: Sequence[str]) -> OutboundMail | None:
    """The message of ours that one of these Message-IDs names (to pin a bounce on it)."""
    ids = [m for m in message_ids if m]
    if not ids:
        return None
    return session.scalar(select(OutboundMail).where(OutboundMail.message_id.in_(ids)).limit(1))


def _thread_of(session: Session, case_id: int) -> tuple[str | None, list[str]]:
    """In-Reply-To and References for the next message on a case: the customer's last, then the chain."""
    rows = session.execute(
        select(MessageRef.message_id, MessageRef.direction)
        .where(MessageRef.case_id == case_id)
        .order_by(MessageRef.id.desc())
        .limit(20)
    ).all()
    if not rows:
        return None, []
    last_inbound = next((r.message_id for r in rows if r.direction == "inbound"), None)
    chain = [r.message_id for r in reversed(rows)]
    return last_inbound or chain[-1], chain
