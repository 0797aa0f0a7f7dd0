"""What a customer wrote this time: a reply split into visible text, quoted history and signature.

Pure and total: `split_reply` never raises and never returns an empty
`visible` for a non-empty message — when nothing would be left (a message
that is entirely quoted, a bare forward), the whole text is visible instead,
because hiding a customer's words is worse than showing a little history.

Built on mail-parser-reply's multilingual header patterns ("On … wrote:",
"Am … schrieb:", Outlook "From:/Sent:" blocks in 13 languages), which we
compile once per language set and run only on a bounded copy of the text:
run as the library runs them, over the whole message, they take ~0.3 ms on a
typical reply and can backtrack for most of a second on a long line of ">".
Around them sit our own line rules for what the corpus showed the library
missing (docs/reply-extraction.md): separator lines, headers written with a
space before the colon, attribution lines ending in ":" that carry a date and
an address, "On … wrote:" broken over several lines, a trailing "> " block,
replies written below the quote, and signatures ("-- ", "Sent from my …").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from mailparser_reply.constants import MAIL_LANGUAGES  # type: ignore[import-untyped]
from mailparser_reply.parser import EmailMessage  # type: ignore[import-untyped]

__all__ = ["Split", "split_reply", "visible_text"]

# Only this much of a message feeds extraction: replies put the new text at
# the top, and the cost of the regular expressions grows with the input.
MAX_CHARS = 20_000
# Header lines are short; cutting long lines bounds the library's backtracking.
_MAX_HEADER_LINE = 300

ALL_LANGUAGES: tuple[str, ...] = tuple(sorted(MAIL_LANGUAGES))


@dataclass(frozen=True, slots=True)
class Split:
    visible: str  # what the sender wrote this time
    quoted: str  # the quoted history, "" if none
    signature: str  # the signature block, "" if none


def visible_text(text: str) -> str:
    """The part of a reply the sender wrote this time (see `split_reply`)."""
    return split_reply(text).visible


def split_reply(text: str, *, languages: Sequence[str] = ()) -> Split:
    """Split a plain-text reply into what the sender wrote, the quoted history and the signature.

    `languages` narrows the quote headers recognised (mail-parser-reply codes:
    "en", "de", "fr", …); empty means all of them, English always included.
    Line endings are normalised to "\\n"; otherwise the three parts are slices
    of the input. Never raises; `visible` is empty only when `text` is blank.
    """
    if not isinstance(text, str) or not text.strip():
        return Split(visible="" if not isinstance(text, str) else text.strip(), quoted="", signature="")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return _split(text, tuple(languages) or ALL_LANGUAGES)
    except Exception:  # customer input must never break intake; show everything instead
        return Split(visible=text.strip(), quoted="", signature="")


def _split(text: str, languages: tuple[str, ...]) -> Split:
    head, tail = text[:MAX_CHARS], text[MAX_CHARS:]
    lines = head.split("\n")
    start = _quote_start(lines, languages)
    if start is None:
        if tail:  # no quote in what we read: we cannot tell where the text ends, so keep it all
            return Split(visible=text.strip(), quoted="", signature="")
        body, quoted = lines, ""
    elif _blank(lines[:start]):
        body, quoted = _reply_below_quote(lines, start)
    else:
        body, quoted = lines[:start], "\n".join(lines[start:]).strip("\n") + tail

    sig_at = _signature_start(body)
    signature = "\n".join(body[sig_at:]).strip("\n") if sig_at is not None else ""
    visible = "\n".join(body[:sig_at]).strip("\n").rstrip()
    if not visible.strip():
        return Split(visible=text.strip(), quoted="", signature="")
    return Split(visible=visible, quoted=quoted, signature=signature)


# --- where the quoted history starts ------------------------------------------------------------


@lru_cache(maxsize=16)
def _library_header_regex(languages: tuple[str, ...]) -> re.Pattern[str]:
    """mail-parser-reply's header pattern for these languages, built and compiled once."""
    pattern: re.Pattern[str] = EmailMessage(text="", languages=list(languages)).HEADER_REGEX
    return pattern


_QUOTED = re.compile(r"^\s*>")
_SEPARATOR = re.compile(
    r"^\s*[-_=*]{2,}\s*(?:original message|forwarded message|ursprüngliche nachricht|message d'origine"
    r"|message transféré|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato"
    r"|oorspronkelijk bericht|doorgestuurd bericht|oryginalna wiadomość|исходное сообщение"
    r"|пересылаемое сообщение|originalmeddelande|originalt meddelande|oprindelig meddelelse|oprindelig besked"
    r"|opprinnelig melding|alkuperäinen viesti|původní zpráva|eredeti üzenet)\s*[-_=*]{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^\s*(?:begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié)\s*:\s*$", re.I
)
_RULE = re.compile(r"^\s*(?:_{20,}|-{20,})\s*$")
# "From:", "*From:*", "De :", "Von:" … with an optional space before the colon (French typography).
_FIELD = re.compile(
    r"^\s*\*?(?:from|sent|to|subject|date|cc|de|envoyé(?: le)?|à|objet|von|gesendet|an|betreff|datum"
    r"|copie à|sujet|message du|van|verzonden|aan|onderwerp|da|inviato|a|oggetto|data|enviado|para|asunto|fecha"
    r"|od|wysłano|do|temat"
    r"|от|отправлено|кому|тема|дата|från|skickat|till|ämne|fra|sendt|til|emne)\s?\*?\s?:",
    re.IGNORECASE,
)
_LONE_FIELD = re.compile(r"^[>\s*]*[^\W\d]{1,20}\s?\*?\s?:")
_FROM_FIELD = re.compile(r"^\s*\*?(?:from|de|von|van|da|od|от|från|fra)\s?\*?\s?:", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}[:.]\d{2}|\b(?:19|20)\d{2}\b")
# The words that close an attribution line, in the languages our customers write.
_WROTE = re.compile(
    r"(?:wrote|writes|schrieb|a écrit|ha scritto|escribió|schreef|napisał(?:\(a\))?|написал(?:\(а\))?"
    r"|skrev|kirjoitti|escreveu|napsal|írta|写道)\s*[:：]?\s*-*\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_OPENER = re.compile(r"^\s*(?:-+\s*)?(?:(?:on|am|le|il|el|op|em|den|dnia|w dniu)\b|\d)", re.IGNORECASE)
# A line that carries only a rule, drawn above a quote header by some clients.
_BARE_RULE = re.compile(r"^\s*(?:[-_=*]\s*){3,}$")
# A phone's signature; what follows it is the message being answered, often with no header.
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(?:sent from my|sent from|sent with|get outlook for|envoyé de mon|envoyé depuis|envoyé à partir de"
    r"|von meinem|gesendet von|gesendet mit|enviado desde|inviato da|verzonden vanaf|verzonden met|skickat från"
    r"|wysłane z)\s(?:[^\s,.]+\s?){1,5}(?:<[^>\s]*>)?\s*$",
    re.IGNORECASE,
)


def _blank(lines: Sequence[str]) -> bool:
    return all(not line.strip() for line in lines)


def _quote_start(lines: list[str], languages: tuple[str, ...]) -> int | None:
    """Index of the first line of quoted history, or None when the message quotes nothing."""
    candidates = [i for i in (_library_start(lines, languages), _own_start(lines)) if i is not None]
    if not candidates:
        return None
    start = min(candidates)
    while start > 0 and _FIELD.match(lines[start - 1]):  # "Message du : …" above "De : …"
        start -= 1
    above = start
    while above > 0 and not lines[above - 1].strip():
        above -= 1
    if above > 0 and _BARE_RULE.match(lines[above - 1]):
        return above - 1
    return start


def _library_start(lines: list[str], languages: tuple[str, ...]) -> int | None:
    # The library matches on stripped lines; stripping keeps the line count, so a match's
    # line number is the same in our text.
    probe = "\n".join(line.strip()[:_MAX_HEADER_LINE] for line in lines)
    for match in _library_header_regex(languages).finditer(probe):
        matched = match.group(0)
        offset = len(matched) - len(matched.lstrip("\n"))
        index = probe.count("\n", 0, match.start() + offset)
        field_lines = [line for line in matched.split("\n") if line.strip()]
        # Polish headers need only one "Do:" line; a lone "Data: …" in a sentence is not a quote.
        if len(field_lines) < 2 and _LONE_FIELD.match(field_lines[0] if field_lines else ""):
            continue
        return index
    return None


def _own_start(lines: list[str]) -> int | None:
    n = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or _QUOTED.match(line):
            continue
        if _SEPARATOR.match(line) or _FORWARD.match(line):
            return i
        if _RULE.match(line) and any(_FIELD.match(lines[j]) for j in range(i + 1, min(n, i + 4))):
            return i
        if _FROM_FIELD.match(line) and sum(1 for j in range(i + 1, min(n, i + 5)) if _FIELD.match(lines[j])) >= 2:
            return i
        if len(stripped) <= 250 and _WROTE.search(stripped) and (top := _attribution_top(lines, i)) is not None:
            return top
        if len(stripped) <= 250 and stripped.endswith((":", "：")) and _EMAIL.search(stripped):
            if _DATE.search(stripped):
                return i
            # "Op 12 december 2016 19:05 schreef Company Questions <" + "questions@company.com>:"
            if i > 0 and lines[i - 1].rstrip().endswith(("<", ",")) and _DATE.search(lines[i - 1]):
                return i - 1
        if _MOBILE_SIGNATURE.match(line) and i > 0 and not _blank(lines[i + 1 :]) and not _blank(lines[:i]):
            return i + 1
    return _trailing_quote_start(lines)


def _attribution_top(lines: list[str], i: int) -> int | None:
    """The first line of an "On … wrote:" attribution, which mail clients wrap over up to three lines.

    None when no line opens like an attribution: "here is what I wrote:" is prose.
    """
    if _ATTRIBUTION_OPENER.match(lines[i]):
        return i
    for j in range(i - 1, max(-1, i - 3), -1):
        if not lines[j].strip():
            break
        if _ATTRIBUTION_OPENER.match(lines[j]) or _DATE.search(lines[j]):
            return j
    return None


def _trailing_quote_start(lines: list[str]) -> int | None:
    """Start of a "> " block that runs to the end, with the attribution line above it if any."""
    i = len(lines)
    while i > 0 and (not lines[i - 1].strip() or _QUOTED.match(lines[i - 1])):
        i -= 1
    if i == len(lines) or not any(_QUOTED.match(line) for line in lines[i:]):
        return None
    j = i
    while j > 0 and not lines[j - 1].strip():
        j -= 1
    above = lines[j - 1].strip() if j > 0 else ""
    if above.endswith((":", "：")) and len(above) <= 250 and (_DATE.search(above) or _EMAIL.search(above)):
        j -= 1
        # An attribution wrapped after an opening "<" or a comma continues on this line.
        if j > 0 and lines[j - 1].strip().endswith(("<", ",")):
            j -= 1
        return j
    return i


def _reply_below_quote(lines: list[str], start: int) -> tuple[list[str], str]:
    """For a reply written below (or between) the quote: unquoted lines are the reply."""
    quoted_end = start + 1
    while quoted_end < len(lines) and not _QUOTED.match(lines[quoted_end]) and lines[quoted_end].strip():
        quoted_end += 1  # the rest of a wrapped attribution
    body: list[str] = []
    quoted: list[str] = lines[start:quoted_end]
    for line in lines[quoted_end:]:
        (quoted if _QUOTED.match(line) else body).append(line)
    if _blank(body) or not quoted or not any(_QUOTED.match(line) for line in quoted):
        return lines, ""  # a header at the top but nothing quoted: a forward; keep it whole
    return _squeeze(body), "\n".join(quoted).strip("\n")


def _squeeze(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    return out


# --- the signature ------------------------------------------------------------------------------

_SIG_DELIMITER = re.compile(r"^--\s*$")
# The opening line of a trailing paragraph that is a signature, not prose.
_SIG_OPENER = re.compile(r"^\s*(?:__+|-\w)")


def _signature_start(lines: list[str]) -> int | None:
    """Index of the first signature line: an RFC 3676 "-- " line, or trailing paragraphs that open like one."""
    for i, line in enumerate(lines):
        if _SIG_DELIMITER.match(line) and not _blank(lines[:i]):
            return i
    start = None
    end = len(lines)
    while end > 0:
        while end > 0 and not lines[end - 1].strip():
            end -= 1
        top = end
        while top > 0 and lines[top - 1].strip():
            top -= 1
        opener = lines[top]
        if end == 0 or not (_SIG_OPENER.match(opener) or _MOBILE_SIGNATURE.match(opener)) or _blank(lines[:top]):
            break
        start, end = top, top
    return start
