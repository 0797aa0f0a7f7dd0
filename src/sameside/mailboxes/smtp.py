"""The SMTP listener: mail for the teams' addresses, stored before we say 250.

aiosmtpd speaks the protocol; we decide three things. Which recipients we
take (the teams' addresses and `SAMESIDE_MAIL_ADDRESSES`; anything when none
is configured), 550 for the rest. That a message is ours only once its raw
bytes are committed: the 250 comes after the commit, and if storing fails the
client hears 451 and tries again later. Filing the stored message into a case
happens after the reply, on a background thread, so a slow or broken filing
step never makes a sender wait or lose mail.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from sameside.business import queries as business_queries
from sameside.config import Settings
from sameside.mailboxes.filing import Intake
from sameside.staff.models import Team

log = logging.getLogger(__name__)

MAX_RECIPIENTS = 50
ADDRESS_CACHE_SECONDS = 10.0
MISS_RELOAD_SECONDS = 1.0
TEMPORARY = "451 4.3.0 Temporary failure here; please try again later"


class Filer:
    """A thread that files stored messages as soon as they arrive (and, every few seconds, any left over)."""

    def __init__(self, intake: Intake, *, idle_seconds: float = 5.0) -> None:
        self.intake = intake
        self.idle_seconds = idle_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mail-filer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def nudge(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.idle_seconds)
            self._wake.clear()
            try:
                while not self._stop.is_set() and self.intake.process_pending(limit=50):
                    pass
            except Exception:
                log.exception("filing stored mail failed; retrying shortly")


class Handler:
    """aiosmtpd's hooks, named as it expects."""

    def __init__(self, intake: Intake, settings: Settings, on_stored: Any = None) -> None:
        self.intake = intake
        self.extra_addresses = {a.strip().lower() for a in settings.mail_addresses if a.strip()}
        self.on_stored = on_stored
        self._addresses: set[str] = set()
        self._addresses_at = 0.0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        if address.strip().lower() == "postmaster":  # RFC 5321 4.5.1: always taken
            envelope.rcpt_tos.append(address)
            return "250 2.1.5 OK"
        if "\r" in address or "\n" in address or "@" not in address:
            return "553 5.1.3 Not a valid mailbox address"
        wanted = address.strip().lower()
        try:
            accepted = await asyncio.get_running_loop().run_in_executor(None, self._accepted_addresses, wanted)
        except Exception:
            log.exception("could not look up the addresses we take mail for")
            return TEMPORARY
        if accepted and wanted not in accepted:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if not raw:
            return "554 5.6.0 An empty message is not a message"
        loop = asyncio.get_running_loop()
        try:
            received = await loop.run_in_executor(
                None,
                lambda: self.intake.receive(
                    raw,
                    source="smtp",
                    envelope_from=envelope.mail_from or None,
                    envelope_to=list(envelope.rcpt_tos),
                ),
            )
        except Exception:
            log.exception("could not store an inbound message")
            return "451 4.3.0 Could not store the message just now; please try again later"
        if self.on_stored is not None:
            self.on_stored()
        return f"250 2.0.0 Stored as {received.inbound_id}"

    async def handle_exception(self, error: Exception) -> str:
        """Anything unexpected is a temporary failure: the sender keeps the message and tries again."""
        log.error("SMTP session failed: %r", error)
        return TEMPORARY

    def _accepted_addresses(self, wanted: str) -> set[str]:
        """Team addresses and configured ones, cached briefly; a miss re-reads (a team may be brand new)."""
        now = time.monotonic()
        age = now - self._addresses_at
        if age > ADDRESS_CACHE_SECONDS or (wanted not in self._addresses and age > MISS_RELOAD_SECONDS):
            with self.intake.db.unit_of_work(write=False) as session:
                teams = {e.lower() for e in session.scalars(select(Team.email).where(Team.email.is_not(None))) if e}
                try:  # the admin centre's inbound addresses; a database not yet migrated to them has none
                    teams |= business_queries.accepted_addresses(session)
                except DBAPIError:
                    log.warning("could not read the inbound addresses; taking the teams' own only")
            self._addresses = teams | self.extra_addresses
            self._addresses_at = now
        return self._addresses


class SmtpListener:
    """The listener and its filer, started and stopped together."""

    def __init__(self, settings: Settings, intake: Intake, *, host: str, port: int) -> None:
        self.filer = Filer(intake)
        handler = Handler(intake, settings, on_stored=self.filer.nudge)
        self.controller = Controller(
            handler,
            hostname=host,
            port=port,
            data_size_limit=settings.mail_max_bytes,
            decode_data=False,
            ident="Sameside",
            server_hostname=settings.mail_domain,
        )

    def start(self) -> None:
        self.filer.start()
        self.filer.nudge()  # anything stored before a crash is filed first
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
        self.filer.stop()
