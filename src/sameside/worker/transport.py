"""How a composed message leaves: handed to an SMTP relay, or printed on the console.

`SAMESIDE_MAIL_TRANSPORT` chooses; unset, it is `smtp` when a relay is
configured (`SAMESIDE_SMTP_HOST`) and `console` otherwise, so a worker on a
developer's machine needs no mail server and shows what it would send.

A transport either accepts a message (returns) or raises `Refusal`: a 4xx
code (or a network failure, reported as 421) may pass later and is retried,
a 5xx never will. The console transport accepts everything — the message is
then `sent` as far as the desk is concerned.
"""

from __future__ import annotations

import email
import email.policy
import logging
import smtplib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol, TextIO

from sameside.config import Settings
from sameside.jobs.run import Need

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Refusal(Exception):
    code: int
    message: str

    @property
    def permanent(self) -> bool:
        return self.code >= 500


class MailTransport(Protocol):
    def send(self, sender: str, recipient: str, raw: bytes, cc: Sequence[str] = ()) -> None:
        """Hand one message over; return once it is accepted for `recipient`, raise `Refusal` when it is not.

        `cc` are more envelope recipients (the people in its Cc header). A copy refused while `recipient` is
        accepted is logged, not raised: the customer has the message, and sending it again would repeat it.
        """


TRANSPORT: Need[MailTransport] = Need("mail transport")


class SmtpTransport:
    """One SMTP session per message with the relay, STARTTLS and login as configured."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        timeout: float = 30.0,
        local_hostname: str | None = None,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.local_hostname = local_hostname
        self.starttls = starttls
        self.username = username
        self.password = password

    def send(self, sender: str, recipient: str, raw: bytes, cc: Sequence[str] = ()) -> None:
        try:
            self._send(sender, recipient, raw, cc)
        except Refusal:
            raise
        except (OSError, smtplib.SMTPException) as exc:
            raise Refusal(421, f"{type(exc).__name__}: {exc}") from exc

    def _send(self, sender: str, recipient: str, raw: bytes, cc: Sequence[str]) -> None:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout, local_hostname=self.local_hostname)
        try:
            if self.starttls:
                smtp.starttls()
            if self.username and self.password:
                smtp.login(self.username, self.password)
            try:
                refused = smtp.sendmail(sender, [recipient, *cc], raw)
            except smtplib.SMTPRecipientsRefused as exc:
                code, message = next(iter(exc.recipients.values()))
                raise Refusal(code, _text(message)) from exc
            except smtplib.SMTPResponseException as exc:
                raise Refusal(exc.smtp_code, _text(exc.smtp_error)) from exc
            if recipient in refused:
                code, message = refused[recipient]
                raise Refusal(code, _text(message))
            for copy, (code, message) in refused.items():
                log.warning("the relay refused the copy to %s: %s %s", copy, code, _text(message))
        except BaseException:
            smtp.close()
            raise
        _say_goodbye(smtp)


def _say_goodbye(smtp: smtplib.SMTP) -> None:
    """End a session whose message the relay has accepted; nothing that goes wrong now may count as a failure.

    The relay said 250 to the DATA: the message is theirs. A relay that then
    answers QUIT with an error, hangs up or times out must not make us send
    it again, so the goodbye's troubles are logged and swallowed.
    """
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException) as exc:
        log.info("the relay accepted a message, then ended the session badly (%s); it counts as sent", exc)
    finally:
        smtp.close()


class ConsoleTransport:
    """Prints each message instead of sending it (development): who it is for, its subject, its text.

    Sign-in links and everything else in a message appear in full on the
    console: never choose it where the worker's output is shared.
    """

    def __init__(self, out: TextIO | None = None) -> None:
        self._out = out

    def send(self, sender: str, recipient: str, raw: bytes, cc: Sequence[str] = ()) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        out = self._out or sys.stdout  # looked up now: the process's stdout may be replaced after start-up
        rule = "─" * 72
        out.write(
            f"{rule}\n"
            f"Not sent: the console transport prints mail (set SAMESIDE_SMTP_HOST to send it)\n"
            f"Envelope: {sender} → {', '.join([recipient, *cc])}\n"
            f"From: {message.get('From', '')}\n"
            f"To: {message.get('To', '')}\n"
            + (f"Cc: {message.get('Cc', '')}\n" if cc else "")
            + f"Subject: {message.get('Subject', '')}\n"
            f"Message-ID: {message.get('Message-ID', '')}\n\n"
            f"{_plain_text(message).rstrip()}\n"
            f"{rule}\n"
        )
        out.flush()
        log.info("console transport: a message to %s printed, not sent", recipient)


def transport_from(settings: Settings) -> MailTransport:
    """The transport the settings choose (`mail_transport`, else `smtp` exactly when a relay host is set)."""
    kind = settings.mail_transport or ("smtp" if settings.smtp_host else "console")
    if kind == "console":
        return ConsoleTransport()
    if not settings.smtp_host:
        raise ValueError("SAMESIDE_MAIL_TRANSPORT=smtp needs a relay: set SAMESIDE_SMTP_HOST")
    return SmtpTransport(
        settings.smtp_host,
        settings.smtp_port,
        timeout=settings.smtp_timeout,
        local_hostname=settings.mail_domain,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=settings.smtp_password,
    )


def _plain_text(message: object) -> str:
    body = message.get_body(("plain",)) if isinstance(message, EmailMessage) else None
    if not isinstance(body, EmailMessage):
        return "(no plain-text part)"
    try:
        return str(body.get_content())
    except (LookupError, ValueError):  # an unknown charset or a broken encoding: show it as it came
        return str(body.get_payload(decode=False))


def _text(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
