"""Trying an IMAP mailbox once, the way the poller would, and saying precisely what happened.

The admin centre's "Test connection": DNS, the TCP connection, TLS, the sign-in and the folder, each
failure named as a person would fix it. A short timeout; nothing is read or changed in the mailbox.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
from dataclasses import dataclass

from sameside.config import ImapMailbox

TIMEOUT_SECONDS = 8.0


@dataclass(frozen=True)
class Probe:
    ok: bool
    step: str
    """`dns`, `connect`, `tls`, `auth`, `folder`, or `ok`."""
    detail: str
    messages: int | None = None


def probe(mailbox: ImapMailbox, *, timeout: float = TIMEOUT_SECONDS) -> Probe:
    where = f"{mailbox.host}:{mailbox.port}"
    try:
        socket.getaddrinfo(mailbox.host, mailbox.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        return Probe(False, "dns", f"The name {mailbox.host!r} could not be found (DNS: {exc}).")
    try:
        if mailbox.ssl:
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=timeout
            )
        else:
            imap = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
    except ssl.SSLError as exc:
        return Probe(False, "tls", f"{where} answered, but TLS failed: {exc.reason or exc}.")
    except ConnectionRefusedError:
        return Probe(False, "connect", f"{where} refused the connection: is the port right, the server up?")
    except TimeoutError:
        return Probe(False, "connect", f"{where} did not answer within {timeout:g} seconds.")
    except (OSError, imaplib.IMAP4.error) as exc:
        return Probe(False, "connect", f"Could not talk IMAP to {where}: {exc}.")
    try:
        try:
            imap.login(mailbox.username, mailbox.password)
        except imaplib.IMAP4.error as exc:
            return Probe(False, "auth", f"{where} refused the sign-in for {mailbox.username!r}: {_said(exc)}.")
        try:
            kind, data = imap.select(_quoted(mailbox.folder), readonly=True)
        except imaplib.IMAP4.error as exc:
            kind, data = "NO", [str(exc).encode()]
        if kind != "OK":
            return Probe(False, "folder", f"Signed in, but the folder {mailbox.folder!r} is not there: {_said(data)}.")
        count = int(data[0] or 0) if data and data[0] and data[0].isdigit() else 0
        return Probe(True, "ok", f"Connected and signed in; {mailbox.folder} holds {count} messages.", count)
    except (OSError, imaplib.IMAP4.abort) as exc:
        return Probe(False, "connect", f"{where} closed the connection: {exc}.")
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            imap.logout()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _said(what: object) -> str:
    text = (
        what[0].decode("utf-8", "replace")
        if isinstance(what, list) and what and isinstance(what[0], bytes)
        else str(what)
    )
    text = re.sub(r"^b'(.*)'$", r"\1", text)
    return text.strip() or "no reason given"
