"""Who wrote this mail: a person, or a machine? Machines are never answered automatically.

Answering an out-of-office reply, a bounce or a list digest with an
acknowledgement starts mail loops and spams strangers, so intake asks
`classify` first. The rules follow RFC 3834 (Auto-Submitted), RFC 3464 (DSN),
RFC 8098 (MDN), RFC 5965 (ARF) and what real servers send when they ignore
them. `Auto-Submitted: no` is a sender's explicit word that a person wrote the
mail: then only a real multipart/report structure, or our own loop marker,
can make it automatic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sameside.mail.charsets import decode_bytes_guessing
from sameside.mail.message import DeliveryReport, ParsedMail
from sameside.mail.parse import ACTIONS, delivery_report, parse_fields


class MailKind(StrEnum):
    HUMAN = "human"
    AUTO_REPLY = "auto_reply"
    BULK = "bulk"
    BOUNCE = "bounce"
    REPORT = "report"
    LOOP = "loop"


@dataclass(frozen=True, slots=True)
class Classification:
    kind: MailKind
    reason: str  # for people: why the mail was put in this kind
    report: DeliveryReport | None = None  # for bounces: what failed, as far as we could tell

    @property
    def automatic(self) -> bool:
        """Whether a machine sent it: then it is never answered automatically."""
        return self.kind is not MailKind.HUMAN


_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|mailer_daemon|mail-daemon|mailerdaemon|postmaster)@", re.IGNORECASE)
_BOUNCE_SENDER_NAME = re.compile(r"mail delivery (?:subsystem|system)|mailer[- ]daemon", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver(?:ed|able)|delivery status notification|delivery status|delivery notification"
    r"|(?:mail )?delivery (?:has )?failed|delivery failure|failure notice|returned mail|mail failure"
    r"|could not be delivered|not delivered|non[- ]?delivery|delayed mail|delivery (?:is )?delayed"
    r"|could not send message|bounce notification|mail system error|returned to sender"
    r"|unzustellbar|nicht zustellbar|non remis|non recapitabile|onbestelbaar|no entregado",
    re.IGNORECASE,
)
_OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\s*(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response|respons|answer)"
    r"|autoreply|auto:|abwesenheitsnotiz|automatische antwort|abwesend|réponse automatique|reponse automatique"
    r"|absent(?:e)? du bureau|absence du bureau|fuori sede|risposta automatica|fuori ufficio|afwezig"
    r"|automatisch antwoord|respuesta automática|respuesta automatica|fuera de la oficina|resposta automática"
    r"|ausente|autosvar|automatisk svar|automaattinen vastaus|poissa toimistolta|odpowiedź automatyczna"
    r"|automatická odpověď|автоматический ответ|автоответ|自動応答|自動返信|自動回覆|自动回复|자동 응답"
    r"|otomatik yanıt|αυτόματη απάντηση|on vacation|vacation reply|away from (?:the )?office)",
    re.IGNORECASE,
)
# Broader: only used together with X-Auto-Response-Suppress, which Outlook also sets on ordinary mail.
_AUTOMATIC_WORDS = re.compile(
    r"automatic|auto[- ]?(?:reply|respon)|autoreply|out of (?:the )?office|abwesen|vacation|absence|automatique",
    re.IGNORECASE,
)
_DELAY_WORDS = re.compile(r"delay|warning|will (?:continue|keep) trying|still being retried|not yet", re.IGNORECASE)
_STATUS_CODE = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_EMAIL = re.compile(r"[A-Za-z0-9._%+'=-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_MESSAGE_ID = re.compile(r"^message-id:\s*<([^<>\s]+)>", re.IGNORECASE | re.MULTILINE)
# Where a bounce's own words end and the copy of the returned message begins.
_ORIGINAL_STARTS = re.compile(
    r"^(?:-+ ?(?:this is a copy of|original message|below this line|the header of the original)"
    r"|-+ ?original message|\s*-+\s*Original message\s*-+|received: |return-path: |message-id: |date: |from: "
    r"|from \S+@\S+ |bounced e-?mail:)",
    re.IGNORECASE | re.MULTILINE,
)


def classify(mail: ParsedMail, *, loop_marker: str) -> Classification:
    """The kind of sender behind `mail`, checked from the surest signal to the weakest."""
    headers = mail.headers
    declared_human = _token(headers.get("auto-submitted", "")) == "no"

    if mail.report_type == "delivery-status":
        report = bounce_report(mail)
        return Classification(MailKind.BOUNCE, f"delivery-status report ({_outcome(report)})", report)
    if not declared_human and (bounce := _classic_bounce(mail)):
        return Classification(MailKind.BOUNCE, bounce, bounce_report(mail))
    if mail.report_type == "disposition-notification":
        return Classification(MailKind.REPORT, "disposition-notification report (read receipt)")
    if mail.report_type == "feedback-report":
        return Classification(MailKind.REPORT, "feedback-report (abuse complaint, ARF)")
    if mail.report_type:
        return Classification(MailKind.REPORT, f"{mail.report_type} report")
    # Our own marker coming back means our own mail is circling; no sender's word overrides that.
    if loop_marker and loop_marker.lower() in headers.get("x-loop", "").lower():
        return Classification(MailKind.LOOP, f"X-Loop: {headers['x-loop']}")
    if declared_human:
        return Classification(MailKind.HUMAN, "Auto-Submitted: no")
    return _header_kind(mail) or Classification(MailKind.HUMAN, "no sign of an automatic sender")


def _header_kind(mail: ParsedMail) -> Classification | None:
    """RFC 3834 headers, vendor auto-reply headers, list headers, then out-of-office subjects."""
    headers = mail.headers
    if "auto-submitted" in headers:
        return Classification(MailKind.AUTO_REPLY, f"Auto-Submitted: {headers['auto-submitted']}")
    for name, shown in (("x-autoreply", "X-Autoreply"), ("x-autorespond", "X-Autorespond")):
        if name in headers:
            return Classification(MailKind.AUTO_REPLY, f"{shown}: {headers[name]}")
    if "x-autogenerated" in headers:
        return Classification(MailKind.AUTO_REPLY, f"X-Autogenerated: {headers['x-autogenerated']}")
    if "x-auto-response-suppress" in headers and _AUTOMATIC_WORDS.search(mail.subject):
        return Classification(MailKind.AUTO_REPLY, f"X-Auto-Response-Suppress with subject {mail.subject!r}")
    precedence = _token(headers.get("precedence", ""))
    if precedence in {"auto_reply", "auto-reply"}:
        return Classification(MailKind.AUTO_REPLY, f"Precedence: {precedence}")
    if precedence in {"bulk", "junk", "list"}:
        return Classification(MailKind.BULK, f"Precedence: {precedence}")
    if "list-id" in headers:
        return Classification(MailKind.BULK, f"List-Id: {headers['list-id']}")
    if "list-unsubscribe" in headers:
        return Classification(MailKind.BULK, "List-Unsubscribe header")
    if _OUT_OF_OFFICE_SUBJECT.search(mail.subject):
        return Classification(MailKind.AUTO_REPLY, f"out-of-office subject {mail.subject!r}")
    return None


def _classic_bounce(mail: ParsedMail) -> str | None:
    """Why `mail` is a non-standard bounce (a mailer daemon's own format), or None."""
    headers = mail.headers
    sender = mail.sender.address if mail.sender else ""
    from_daemon = bool(_BOUNCE_SENDER.match(sender)) or bool(
        mail.sender and _BOUNCE_SENDER_NAME.search(mail.sender.name)
    )
    null_return_path = headers.get("return-path", "").strip() in {"<>", "< >"}
    if not (from_daemon or null_return_path):
        return None
    who = sender or "an empty Return-Path"
    if "x-failed-recipients" in headers:
        return f"bounce from {who} (X-Failed-Recipients: {headers['x-failed-recipients']})"
    if _BOUNCE_SUBJECT.search(mail.subject):
        return f"bounce from {who} (subject {mail.subject!r})"
    return None


def bounce_report(mail: ParsedMail) -> DeliveryReport | None:
    """What bounced and why: the parsed DSN if it says so, else what the bounce's text gives away."""
    parsed = mail.report
    if parsed is not None and (parsed.recipients or parsed.status or parsed.action):
        return parsed
    if mail.report_type != "delivery-status" and not _classic_bounce(mail):
        return parsed
    own_words = _own_words(mail.text or _text_attachment(mail))
    fields = [b for b in parse_fields(own_words) if "final-recipient" in b or "action" in b]
    embedded = delivery_report(fields, None) if fields else None
    status = embedded.status if embedded and embedded.status else _first(_STATUS_CODE, own_words)
    return DeliveryReport(
        action=_action(mail, own_words, embedded),
        status=status,
        recipients=(embedded.recipients if embedded and embedded.recipients else _failed_recipients(mail, own_words)),
        original_message_id=(parsed.original_message_id if parsed else None) or _original_message_id(mail),
        diagnostic=(embedded.diagnostic if embedded and embedded.diagnostic else _diagnostic(own_words, status)),
    )


def _text_attachment(mail: ParsedMail) -> str:
    """Some daemons (McAfee) send their explanation as a .txt attachment and no body."""
    for attachment in mail.attachments:
        if attachment.content_type == "text/plain":
            return decode_bytes_guessing(attachment.data[:65536])
    return ""


def _own_words(text: str) -> str:
    """The bounce's own explanation, without the copy of the returned message."""
    found = _ORIGINAL_STARTS.search(text)
    return text[: found.start()] if found and found.start() > 0 else text[:8000]


def _action(mail: ParsedMail, own_words: str, embedded: DeliveryReport | None) -> str:
    if embedded and embedded.action in ACTIONS:
        return embedded.action
    if _DELAY_WORDS.search(mail.subject) or (
        _DELAY_WORDS.search(own_words) and not re.search(r"permanent|failed", own_words, re.IGNORECASE)
    ):
        return "delayed"
    return "failed"


def _failed_recipients(mail: ParsedMail, own_words: str) -> list[str]:
    """X-Failed-Recipients, else the addresses the bounce's text names (not ours, not the daemon's)."""
    listed = mail.headers.get("x-failed-recipients", "")
    found = _EMAIL.findall(listed) or _EMAIL.findall(own_words)
    ours = {a.address for a in (*mail.to, *mail.cc)} | {mail.sender.address if mail.sender else ""}
    recipients: list[str] = []
    message_ids = set(_MESSAGE_ID.findall(own_words))
    for candidate in found:
        address = candidate.lower().strip(".")
        if address not in ours | message_ids and not _BOUNCE_SENDER.match(address) and address not in recipients:
            recipients.append(address)
    return recipients[:20]


def _original_message_id(mail: ParsedMail) -> str | None:
    """The returned message's Message-ID: from an enclosed message, else from the copy in the text."""
    for attachment in mail.attachments:
        if attachment.content_type in {"message/rfc822", "text/rfc822-headers"}:
            head = decode_bytes_guessing(attachment.data[:65536].split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0])
            if found := _MESSAGE_ID.search(head):
                return found.group(1)
    own = mail.message_id
    for found in _MESSAGE_ID.finditer(mail.text):
        if found.group(1) != own:
            return found.group(1)
    return None


def _diagnostic(own_words: str, status: str) -> str:
    """The line that explains the failure best: the one with the status code, else an SMTP reply."""
    lines = [" ".join(line.split()) for line in own_words.splitlines() if line.strip()]
    for line in lines:
        if (status and status in line) or re.search(r"\b[45]\d\d[ -]", line):
            return line[:500]
    return " ".join(lines)[:500]


def _outcome(report: DeliveryReport | None) -> str:
    if report is None:
        return "no details"
    return " ".join(part for part in (report.status, report.action) if part) or "no details"


def _first(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    return found.group(1) if found else ""


def _token(value: str) -> str:
    """The first word of a header like "auto-replied; owner-email=…", lower-case."""
    return value.split(";", 1)[0].strip().lower()
