"""Turn a message we want to send into RFC 5322 bytes, as a pure function.

Every header value passes through `_one_line` and every address through the
standard library's address parser, so a CR or LF in a customer's name, a
subject or an address can never add a header or a recipient.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import encoders
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import format_datetime, formataddr

from sameside.kit import markdown

_WIRE = compat32.clone(linesep="\r\n")  # SMTP's line ending, so the bytes go out exactly as stored
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True, slots=True)
class FileOut:
    """A file sent with a message: its (already inert) name, the type its bytes showed, the bytes."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class Footer:
    """The company under every message: its name (never the product's), a phone, its colour for the HTML rule."""

    name: str
    phone: str | None = None
    colour: str | None = None
    """`#rrggbb`, already checked (`business.rules.check_colour`)."""


class UnsendableAddress(ValueError):
    """An address we cannot put on a message (it would not parse as one mailbox)."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    from_name: str
    from_address: str
    to_name: str
    to_address: str
    subject: str
    text: str
    message_id: str
    date: datetime
    loop_marker: str
    """Our X-Loop value: mail carrying it back to us is ours, and never answered."""
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    automatic: str | None = None
    """RFC 3834 Auto-Submitted value (`auto-replied`, `auto-generated`) for mail no person wrote."""
    language: str | None = None
    reply_to: str | None = None
    with_html: bool = True
    cc: tuple[str, ...] = ()
    """More people it is written to, in the Cc header (the envelope names them too: `OutboundMail.cc`)."""
    markdown: bool = False
    """`text` is a person's Markdown (a staff reply): the HTML part renders it (sanitised), the text part keeps
    it as written, links spelled out (`kit.markdown`)."""
    files: tuple[FileOut, ...] = ()
    """Sent as real attachments (multipart/mixed, base64), in this order."""
    footer: Footer | None = None
    """Below the text after the usual `-- ` line (mail clients fold it away in replies), and in the HTML."""


def compose(message: Outgoing) -> bytes:
    """The message as bytes, quoted-printable UTF-8 text (and HTML) parts.

    Built with the standard library's compat32 classes: several times faster
    than `email.policy.default` here, and every header value is made one line
    (and names encoded) by us, so its laxer header checks lose nothing.
    """
    plain = markdown.reply_text(message.text) if message.markdown else message.text
    text = _text_part(plain + _footer_text(message.footer), "plain")
    if message.with_html:
        msg: Message = MIMEMultipart("alternative")
        msg.attach(text)
        body = markdown.reply_html(message.text) if message.markdown else _paragraphs(message.text)
        msg.attach(_text_part(html_letter(body + _footer_html(message.footer)), "html"))
    else:
        msg = text
    if message.files:
        mixed = MIMEMultipart("mixed")
        mixed.attach(msg)
        for f in message.files:
            mixed.attach(_file_part(f))
        msg = mixed
    msg["From"] = _address(message.from_name, message.from_address)
    msg["To"] = _address(message.to_name, message.to_address)
    if message.cc:
        msg["Cc"] = ", ".join(_address("", a) for a in message.cc)
    if message.reply_to:
        msg["Reply-To"] = _address("", message.reply_to)
    msg["Subject"] = _header_text(_one_line(message.subject)[:250])
    msg["Date"] = format_datetime(message.date)
    msg["Message-ID"] = f"<{_one_line(message.message_id)}>"
    if message.in_reply_to:
        msg["In-Reply-To"] = f"<{_one_line(message.in_reply_to)}>"
    refs = [_one_line(r) for r in message.references if r.strip()][-20:]  # the chain stays bounded
    if refs:
        msg["References"] = " ".join(f"<{r}>" for r in refs)
    msg["X-Loop"] = _one_line(message.loop_marker)
    if message.automatic:
        msg["Auto-Submitted"] = _one_line(message.automatic)
        msg["X-Auto-Response-Suppress"] = "All"  # Exchange: no out-of-office back to this
    if message.language:
        msg["Content-Language"] = _one_line(message.language)
    return msg.as_bytes(policy=_WIRE)


def text_to_html(text: str) -> str:
    """A plain, escaped HTML rendering of a text reply: paragraphs, line breaks, live links."""
    return html_letter(_paragraphs(text))


def _paragraphs(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    rendered = []
    for paragraph in paragraphs:
        lines = [_linkify(html.escape(line)) for line in paragraph.splitlines()]
        rendered.append("<p>" + "<br>\n".join(lines) + "</p>")
    return "\n".join(rendered)


def _footer_text(footer: Footer | None) -> str:
    if footer is None:
        return ""
    lines = [_one_line(footer.name)] + ([_one_line(footer.phone)] if footer.phone else [])
    return "\n\n-- \n" + "\n".join(lines) + "\n"


def _footer_html(footer: Footer | None) -> str:
    if footer is None:
        return ""
    rule = footer.colour if footer.colour and _COLOUR.match(footer.colour) else "#767676"
    phone = f"<br>{html.escape(_one_line(footer.phone))}" if footer.phone else ""
    return (
        f'\n<p style="margin-top:24px;padding-top:8px;border-top:2px solid {rule};color:#444;font-size:90%">'
        f"{html.escape(_one_line(footer.name))}{phone}</p>"
    )


def html_letter(body: str) -> str:
    """A whole HTML document around a body that is already safe (escaped text, or sanitised Markdown)."""
    return (
        '<!doctype html><html><head><meta charset="utf-8"></head>'
        f'<body style="font-family:sans-serif;line-height:1.5">\n{body.strip()}\n</body></html>\n'
    )


def _linkify(escaped_line: str) -> str:
    return _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped_line)


def _one_line(value: str) -> str:
    return " ".join(value.replace("\x00", "").split())


def _address(name: str, address: str) -> str:
    cleaned = _one_line(address)
    if (
        not cleaned
        or cleaned != address.strip()
        or cleaned.count("@") != 1
        or any(c in cleaned for c in '<>,;"()[]\\ ')
        or not cleaned.isascii()
    ):
        raise UnsendableAddress(f"Not a single mailbox address: {address!r}")
    local, _, domain = cleaned.partition("@")
    if not local or not domain or domain.startswith(".") or ".." in cleaned:
        raise UnsendableAddress(f"Not a mailbox address: {address!r}")
    return formataddr((_one_line(name)[:200], cleaned), charset="utf-8")


def _text_part(text: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(text, _UTF8_QP)  # UTF-8, quoted-printable: readable in any client, 7-bit on the wire
    return part


def _file_part(f: FileOut) -> MIMEBase:
    maintype, _, subtype = f.content_type.partition("/")
    part = MIMEBase(maintype or "application", subtype or "octet-stream")
    part.set_payload(f.data)
    encoders.encode_base64(part)
    name = _one_line(f.filename).replace('"', "'")[:200] or "file"
    # RFC 2231 for a name beyond ASCII; the plain form for the rest, which every client reads.
    part.add_header("Content-Disposition", "attachment", filename=name if name.isascii() else ("utf-8", "", name))
    return part


def sendable(address: str) -> bool:
    """Whether we can put this address on a message (plain ASCII mailboxes; no SMTPUTF8 yet)."""
    try:
        _address("", address)
    except UnsendableAddress:
        return False
    return True


def _header_text(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()
