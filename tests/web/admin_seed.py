"""A message waiting in the mail quarantine, for the admin centre's tests."""

from __future__ import annotations

import itertools

from sameside.db.engine import Session
from sameside.mail.models import InboundMail, InboundState
from sameside.mailboxes.store import receive

_seq = itertools.count(1)
MESSAGE = (
    b"From: Pat <pat@example.com>\r\nTo: help@desk.example\r\nSubject: Broken order\r\n"
    b"Message-ID: <q-%d@example.com>\r\nContent-Type: text/html\r\n\r\n"
    b"<p>My order <b>never</b> came.</p><script>alert(1)</script>\r\n"
)


def quarantined(session: Session) -> int:
    """A message that could not be filed, with its reason, as intake leaves one."""
    received = receive(session, MESSAGE % next(_seq), source="smtp")
    row = session.get(InboundMail, received.inbound_id)
    assert row is not None
    row.state, row.reason = InboundState.QUARANTINED, "Could not be filed: no team takes mail at help@desk.example"
    return received.inbound_id
