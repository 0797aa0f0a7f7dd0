"""`sameside imap`: empty existing IMAP mailboxes into the desk.

The rule that matters: a message is ours only once its raw bytes are
committed. Only then is it flagged, moved or deleted on the server; if
storing fails it stays there untouched and the next poll tries again, and the
messages behind it carry on. Nothing is taken twice: each message is keyed by
the mailbox, its folder's UIDVALIDITY and its UID (a reset UIDVALIDITY makes a
new key, so old and new UIDs are never confused), and the intake recognises
the same bytes arriving again. If marking a message fails after it was
stored, the next poll finds it again, is told it is a duplicate, and marks it
then. Everything is addressed by UID, never by sequence number, because
another client may expunge between our commands.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import logging
import re
import signal
import ssl
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any, Protocol

from sameside.business import queries as business_queries
from sameside.config import ImapMailbox
from sameside.db.engine import Database
from sameside.mailboxes.store import Received
from sameside.staff.errors import TeamNotFound
from sameside.staff.queries import team_by_slug

log = logging.getLogger(__name__)

MAX_BYTES = 25 * 1024 * 1024
"""The largest message taken (as `Settings.mail_max_bytes`); a bigger one stays on the server."""
CHUNK = 50
"""UIDs per FETCH."""
TIMEOUT_SECONDS = 60.0
FILING_ROUNDS = 100
"""At most this many `process_pending` batches after a poll (the rest wait for the next one)."""

_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


class Intake(Protocol):
    """What the poller needs of `sameside.mailboxes.filing.Intake`."""

    db: Database

    def receive(self, raw: bytes, **where: Any) -> Received: ...

    def process_pending(self, limit: int = ...) -> Sequence[object]: ...


class Refused(Exception):
    """The server answered NO or BAD to a command."""


@dataclass
class PollResult:
    """What one poll of one mailbox did."""

    mailbox: str
    folder: str = "INBOX"
    fetched: int = 0
    stored: int = 0
    already_had: int = 0
    errors: int = 0
    """Messages that could not be stored, or not marked on the server after storing."""
    too_big: int = 0
    failure: str | None = None
    """Why the mailbox could not be polled (or the poll broke off), if it could not."""

    def summary(self) -> str:
        parts = [f"{self.stored} new", f"{self.already_had} already had"]
        if self.too_big:
            parts.append(f"{self.too_big} too big (left on the server)")
        parts.append(f"{self.errors} error{'' if self.errors == 1 else 's'}")
        where = f"{self.mailbox} ({self.folder})"
        if self.failure and not (self.fetched or self.too_big):
            return f"{where}: failed: {self.failure}"
        line = f"{where}: " + ", ".join(parts)
        return f"{line}; then failed: {self.failure}" if self.failure else line


@dataclass(frozen=True, slots=True)
class _After:
    kind: str  # "seen", "delete" or "move"
    folder: str = ""

    @classmethod
    def parse(cls, after: str) -> _After:
        value = after.strip()
        if value in ("seen", "delete"):
            return cls(value)
        if value.startswith("move:") and value[5:].strip():
            return cls("move", value[5:].strip())
        raise ValueError(f"after={after!r} is not one of 'seen', 'delete' or 'move:FOLDER'")


class ImapPoller:
    """Polls each mailbox in turn; one mailbox's trouble never stops the others.

    The mailboxes are those given (the environment's, `SAMESIDE_IMAP_MAILBOXES`) and, with `stored`, those an
    admin keeps in the database, read again at every round: one added, changed or removed in the admin centre
    is polled as it is now from the next round on, without a restart."""

    def __init__(
        self,
        intake: Intake,
        mailboxes: list[ImapMailbox],
        *,
        stored: bool = False,
        max_bytes: int = MAX_BYTES,
        chunk: int = CHUNK,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.intake = intake
        self.mailboxes = list(mailboxes)
        self.stored = stored
        self.max_bytes = max_bytes
        self.chunk = max(1, chunk)
        self.timeout = timeout
        self.stopping = threading.Event()

    # ------------------------------------------------------------ entry points

    def poll_all(self) -> list[str]:
        """Poll every mailbox once; a line per mailbox saying what happened."""
        lines = []
        for mailbox in self.current():
            if self.stopping.is_set():
                break
            try:
                result = self.poll(mailbox)
            except Exception as exc:  # a bug must not stop the other mailboxes either
                log.exception("IMAP mailbox %s: the poll failed", mailbox.name)
                result = PollResult(mailbox.name, mailbox.folder, failure=f"{type(exc).__name__}: {exc}")
            lines.append(result.summary())
        return lines

    def current(self) -> list[ImapMailbox]:
        """The mailboxes to poll this round: the environment's, then the stored ones (a name is polled once)."""
        if not self.stored:
            return self.mailboxes
        try:
            with self.intake.db.unit_of_work(write=False) as session:
                stored = business_queries.imap_mailboxes(session)
        except Exception:  # the database away for a moment: poll what the environment names, try again next round
            log.exception("could not read the stored IMAP mailboxes; polling the environment's only")
            stored = []
        names = {m.name for m in self.mailboxes}
        return [*self.mailboxes, *(m for m in stored if m.name not in names)]

    def poll(self, mailbox: ImapMailbox) -> PollResult:
        """Take what is new in one mailbox's folder, then file what was stored into cases."""
        result = PollResult(mailbox.name, mailbox.folder)
        try:
            self._poll(mailbox, _After.parse(mailbox.after), result)
        except (ValueError, Refused, TeamNotFound, imaplib.IMAP4.error, OSError) as exc:
            result.failure = _describe(exc)
            log.error("IMAP mailbox %s (%s): %s", mailbox.name, mailbox.folder, result.failure)
        if result.stored:
            self._file_stored()
        return result

    def run_forever(self, poll_seconds: float) -> None:
        """Poll every `poll_seconds` until SIGTERM or SIGINT (or `stop()`); the poll under way finishes its batch."""
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, self._on_signal)
        log.info("IMAP poller started: %d mailbox(es) now, every %ss", len(self.current()), poll_seconds)
        try:
            while not self.stopping.is_set():
                for line in self.poll_all():
                    log.info("%s", line)
                self.stopping.wait(poll_seconds)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log.info("IMAP poller stopped")

    def stop(self) -> None:
        self.stopping.set()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the current batch", signum)
        self.stopping.set()

    # ------------------------------------------------------------ one mailbox

    def _poll(self, mailbox: ImapMailbox, after: _After, result: PollResult) -> None:
        envelope_to = self._team_address(mailbox)
        imap = self._connect(mailbox)
        try:
            imap.login(mailbox.username, mailbox.password)
            capabilities = _capabilities(imap)
            folder = _mailbox_name(mailbox.folder)
            _ok(imap.select(folder), f"SELECT {mailbox.folder}")
            key = f"{mailbox.name}/{mailbox.folder}#{_uidvalidity(imap, folder)}"
            typ, data = imap.uid("SEARCH", "UNSEEN" if after.kind == "seen" else "ALL")
            _ok((typ, data), "UID SEARCH")
            uids = sorted(int(u) for u in b" ".join(d for d in data if d).split())
            for start in range(0, len(uids), self.chunk):
                if self.stopping.is_set():
                    break
                self._take(
                    imap, capabilities, mailbox, after, key, envelope_to, uids[start : start + self.chunk], result
                )
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                imap.logout()

    def _take(
        self,
        imap: imaplib.IMAP4,
        capabilities: set[str],
        mailbox: ImapMailbox,
        after: _After,
        key: str,
        envelope_to: list[str],
        uids: list[int],
        result: PollResult,
    ) -> None:
        """One chunk: sizes first, then the bodies that fit, each stored before anything is done to it."""
        typ, data = imap.uid("FETCH", _uid_set(uids), "(UID RFC822.SIZE)")
        _ok((typ, data), "UID FETCH RFC822.SIZE")
        sizes = _sizes(data)
        wanted = []
        for uid in uids:
            size = sizes.get(uid)
            if size is None:
                continue  # expunged by someone else since the search
            if size > self.max_bytes:
                result.too_big += 1
                log.warning(
                    "IMAP mailbox %s: UID %s is %d bytes, over the %d-byte limit; left on the server",
                    mailbox.name,
                    uid,
                    size,
                    self.max_bytes,
                )
                continue
            wanted.append(uid)
        for group in _within(wanted, sizes, self.max_bytes):
            typ, data = imap.uid("FETCH", _uid_set(group), "(UID BODY.PEEK[])")
            _ok((typ, data), "UID FETCH BODY.PEEK[]")
            bodies = _bodies(data)
            taken = []
            for uid in group:
                raw = bodies.get(uid)
                if raw is None:
                    continue  # expunged meanwhile
                result.fetched += 1
                try:
                    received = self.intake.receive(
                        raw, source="imap", mailbox=key, uid=str(uid), envelope_to=envelope_to
                    )
                except Exception:
                    # Left on the server untouched: the next poll tries it again.
                    log.exception("IMAP mailbox %s: could not store UID %s; left on the server", mailbox.name, uid)
                    result.errors += 1
                    continue
                if received.duplicate:
                    result.already_had += 1
                else:
                    result.stored += 1
                taken.append(uid)
            if taken:
                self._settle(imap, capabilities, mailbox, after, taken, result)

    def _settle(
        self,
        imap: imaplib.IMAP4,
        capabilities: set[str],
        mailbox: ImapMailbox,
        after: _After,
        uids: list[int],
        result: PollResult,
    ) -> None:
        """Do `after` to messages already committed. If the server refuses, the next poll finds them again."""
        uid_set = _uid_set(uids)
        try:
            if after.kind == "seen":
                _ok(imap.uid("STORE", uid_set, "+FLAGS.SILENT", r"(\Seen)"), "UID STORE \\Seen")
            elif after.kind == "delete":
                _delete(imap, capabilities, uid_set)
            else:
                _move(imap, capabilities, uid_set, after.folder)
        except imaplib.IMAP4.abort:
            raise  # the connection is gone: the poll ends here
        except (Refused, imaplib.IMAP4.error) as exc:
            result.errors += len(uids)
            log.warning(
                "IMAP mailbox %s: stored UIDs %s but could not %s them (%s); the next poll tries again",
                mailbox.name,
                uid_set,
                after.kind if after.kind != "move" else f"move to {after.folder}",
                _describe(exc),
            )

    # ------------------------------------------------------------ around the poll

    def _connect(self, mailbox: ImapMailbox) -> imaplib.IMAP4:
        if mailbox.ssl:
            return imaplib.IMAP4_SSL(
                mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=self.timeout
            )
        return imaplib.IMAP4(mailbox.host, mailbox.port, timeout=self.timeout)

    def _team_address(self, mailbox: ImapMailbox) -> list[str]:
        """The team's address as the envelope recipient: that is how the intake routes mail to a team."""
        if not mailbox.team:
            return []
        with self.intake.db.unit_of_work(write=False) as session:
            email = team_by_slug(session, mailbox.team).email
        if not email:
            log.warning(
                "IMAP mailbox %s: team %r has no email address, so its mail cannot be routed to it",
                mailbox.name,
                mailbox.team,
            )
            return []
        return [email]

    def _file_stored(self) -> None:
        """File what was stored into cases now (a failure here loses nothing: it stays stored for later)."""
        try:
            for _ in range(FILING_ROUNDS):
                if not self.intake.process_pending():
                    break
        except Exception:
            log.exception("filing stored mail failed; it stays stored and is filed on a later round")


# ---------------------------------------------------------------- IMAP helpers


def _ok(response: tuple[str, list[Any]], what: str) -> list[Any]:
    typ, data = response
    if typ != "OK":
        text = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise Refused(f"{what}: {typ} {text}".strip())
    return data


def _describe(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith(("b'", 'b"')):  # imaplib puts the server's bytes in its message
        text = text[2:-1]
    name = "IMAP error" if isinstance(exc, imaplib.IMAP4.error) else type(exc).__name__
    return f"{name}: {text}" if text else name


def _capabilities(imap: imaplib.IMAP4) -> set[str]:
    """Asked again after login: servers announce MOVE and UIDPLUS only to the authenticated."""
    _, data = imap.capability()
    words = b" ".join(d for d in data if isinstance(d, bytes)).decode("ascii", "replace").upper().split()
    return set(words) | {c.upper() for c in imap.capabilities}


def _uidvalidity(imap: imaplib.IMAP4, folder: str) -> int:
    _, data = imap.response("UIDVALIDITY")
    values = [d for d in data if d]
    if not values:
        status = _ok(imap.status(folder, "(UIDVALIDITY)"), "STATUS UIDVALIDITY")
        found = re.search(rb"UIDVALIDITY (\d+)", b" ".join(d for d in status if isinstance(d, bytes)))
        values = [found.group(1)] if found else []
    if not values:
        raise Refused("the server reports no UIDVALIDITY, so UIDs cannot be trusted")
    return int(values[-1])


def _uid_set(uids: Sequence[int]) -> str:
    """Ascending UIDs as an IMAP set, runs folded into ranges: 3:7,9."""
    parts = []
    start = previous = uids[0]
    for uid in uids[1:]:
        if uid == previous + 1:
            previous = uid
            continue
        parts.append(f"{start}:{previous}" if previous != start else str(start))
        start = previous = uid
    parts.append(f"{start}:{previous}" if previous != start else str(start))
    return ",".join(parts)


def _within(uids: list[int], sizes: dict[int, int], budget: int) -> Iterator[list[int]]:
    """Split into FETCH groups of at most `budget` bytes together (a single message always goes alone)."""
    group: list[int] = []
    total = 0
    for uid in uids:
        if group and total + sizes[uid] > budget:
            yield group
            group, total = [], 0
        group.append(uid)
        total += sizes[uid]
    if group:
        yield group


def _sizes(data: list[Any]) -> dict[int, int]:
    sizes = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if not isinstance(line, bytes):
            continue
        uid, size = _UID.search(line), _SIZE.search(line)
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _bodies(data: list[Any]) -> dict[int, bytes]:
    """UID → raw bytes from a FETCH answer: (head, literal) tuples, each followed by the rest of its line."""
    bodies = {}
    for index, item in enumerate(data):
        if not isinstance(item, tuple) or len(item) != 2:
            continue
        head, literal = item
        found = _UID.search(head)
        if found is None:  # the UID may come after the literal, on the line's remainder
            rest = data[index + 1] if index + 1 < len(data) else b""
            found = _UID.search(rest) if isinstance(rest, bytes) else None
        if found is not None and b"BODY[]" in head.upper():
            bodies[int(found.group(1))] = bytes(literal)
    return bodies


def _delete(imap: imaplib.IMAP4, capabilities: set[str], uid_set: str) -> None:
    _ok(imap.uid("STORE", uid_set, "+FLAGS.SILENT", r"(\Deleted)"), "UID STORE \\Deleted")
    if "UIDPLUS" in capabilities:
        _ok(imap.uid("EXPUNGE", uid_set), "UID EXPUNGE")
    else:
        _ok(imap.expunge(), "EXPUNGE")


def _move(imap: imaplib.IMAP4, capabilities: set[str], uid_set: str, folder: str) -> None:
    target = _mailbox_name(folder)
    command = "MOVE" if "MOVE" in capabilities else "COPY"
    typ, data = imap.uid(command, uid_set, target)
    if typ == "NO" and b"TRYCREATE" in b" ".join(d for d in data if isinstance(d, bytes)).upper():
        _ok(imap.create(target), f"CREATE {folder}")
        typ, data = imap.uid(command, uid_set, target)
    _ok((typ, data), f"UID {command} {folder}")
    if command == "COPY":
        _delete(imap, capabilities, uid_set)


def _mailbox_name(folder: str) -> str:
    """A folder name as an IMAP quoted string, non-ASCII in modified UTF-7 (RFC 3501 5.1.3)."""
    encoded = []
    pending = ""

    def flush() -> None:
        if pending:
            chunk = base64.b64encode(pending.encode("utf-16-be")).decode("ascii").rstrip("=")
            encoded.append("&" + chunk.replace("/", ",") + "-")

    for char in folder:
        if " " <= char <= "~":
            flush()
            pending = ""
            encoded.append("&-" if char == "&" else char)
        else:
            pending += char
    flush()
    name = "".join(encoded)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
