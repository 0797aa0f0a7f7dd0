"""Step one for every inbound message: keep the raw bytes, exactly once.

Nothing is read or judged here — a message that cannot be parsed is still
stored, so nothing a customer sent is ever lost. A duplicate is recognised by
content, not by trust: the same Message-ID *and* the same bytes (trace
headers aside, so one message reaching us by two routes counts once). A
forged Message-ID with different content is a different message. IMAP
messages are also keyed by mailbox and UID, so re-polling takes nothing twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.kit import clock
from sameside.mail.models import InboundMail, InboundState
from sameside.mail.threads import normalize_message_id

# Headers each hop adds on the way: they differ between two copies of one message.
TRACE_HEADERS = frozenset(
    {
        b"received",
        b"return-path",
        b"delivered-to",
        b"x-original-to",
        b"x-received",
        b"received-spf",
        b"authentication-results",
        b"arc-seal",
        b"arc-message-signature",
        b"arc-authentication-results",
        b"x-spam-status",
        b"x-spam-score",
        b"x-virus-scanned",
    }
)
_HEADER_NAME = re.compile(rb"^([!-9;-~]+)[ \t]*:")


@dataclass(frozen=True, slots=True)
class Received:
    inbound_id: int
    duplicate: bool


@dataclass(frozen=True, slots=True)
class Fingerprint:
    content_hash: str
    message_id: str | None


def fingerprint(raw: bytes) -> Fingerprint:
    """The content hash (without trace headers) and the Message-ID, from one pass over the header block."""
    digest = hashlib.sha256()
    message_id: str | None = None
    keep = True
    in_message_id = False
    position = 0
    size = len(raw)
    while position < size:
        end = raw.find(b"\n", position)
        end = size if end < 0 else end + 1
        line = raw[position:end]
        if line in (b"\r\n", b"\n"):  # the blank line: the body follows
            digest.update(raw[position:])
            break
        if line[:1] in (b" ", b"\t"):  # a folded continuation belongs to the header above
            if in_message_id and message_id is not None and not message_id:
                message_id = line.strip().decode("latin-1")
        else:
            match = _HEADER_NAME.match(line)
            name = match.group(1).lower() if match else b""
            keep = name not in TRACE_HEADERS
            in_message_id = name == b"message-id"
            if in_message_id and message_id is None:
                message_id = line.split(b":", 1)[1].strip().decode("latin-1")
        if keep:
            digest.update(line)
        position = end
    cleaned = normalize_message_id(message_id)[:998] if message_id else None
    return Fingerprint(digest.hexdigest(), cleaned or None)


def receive(
    session: Session,
    raw: bytes,
    *,
    source: str,
    mailbox: str | None = None,
    uid: str | None = None,
    envelope_from: str | None = None,
    envelope_to: Sequence[str] = (),
) -> Received:
    """Store a message as received (the caller commits), or find the copy we already have."""
    if mailbox is not None and uid is not None:
        known = session.scalar(select(InboundMail.id).where(InboundMail.mailbox == mailbox, InboundMail.uid == uid))
        if known is not None:
            return Received(known, duplicate=True)
    print_ = fingerprint(raw)
    same_id = InboundMail.message_id == print_.message_id if print_.message_id else InboundMail.message_id.is_(None)
    known = session.scalar(
        select(InboundMail.id).where(InboundMail.content_hash == print_.content_hash, same_id).limit(1)
    )
    if known is not None:
        return Received(known, duplicate=True)
    row = InboundMail(
        received_at=clock.now(),
        source=source,
        mailbox=mailbox,
        uid=uid,
        envelope_from=(envelope_from or None) and envelope_from[:320],
        envelope_to=[a[:320] for a in envelope_to][:50],
        content_hash=print_.content_hash,
        message_id=print_.message_id,
        size=len(raw),
        raw=raw,
        state=InboundState.RECEIVED,
        attempts=0,
    )
    session.add(row)
    session.flush()
    return Received(row.id, duplicate=False)
