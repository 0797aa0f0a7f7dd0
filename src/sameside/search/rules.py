"""What a search query means, and how a hit is shown. Plain Python: no database here.

A query is a handful of terms, all of which a case must contain (anywhere in
it: number, subject, customer, messages, notes). A term is one token
(`refund`, `ORD123456`), or several that must stand together: an order
number like `A-10023`, an address like `ana.lima@example.com` or a
"quoted phrase" (punctuation splits tokens, as both backends' indexes do). A
phone number may be typed with spaces; it matches its digits as one number,
or the groups as typed. The database's own query syntax is never exposed:
the expression each backend runs is built here from tokens that are letters
and digits only, so no input can make it fail.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from sameside.cases.rules import CaseStatus
from sameside.kit import stems
from sameside.kit.errors import Invalid
from sameside.kit.ids import MAX_ID

MAX_LENGTH = 200
MAX_TERMS = 8
MAX_TOKEN = 64
MESSAGE_SEPARATOR = "\x1e"
"""Between two messages in a case's search document (the triggers write it)."""

_TOKEN = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r'"([^"]*)"?')
_PHONE = re.compile(r"(?<!\S)\+?\(?\d[\d ().\-/]{5,}\d(?!\S)")
_CASE_NUMBER = re.compile(r"#?(\d{1,10})")
_SUFFIXES = ("ings", "ing", "edly", "ed", "es", "s", "ly")


@dataclass(frozen=True)
class Term:
    """Tokens that must stand together in a case; `alternatives` are other runs that satisfy the term too."""

    tokens: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...] = ()

    @property
    def options(self) -> tuple[tuple[str, ...], ...]:
        return (self.tokens, *self.alternatives)


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[Term, ...]
    case_number: int | None = None
    """The query is just a case number ("#168", "168")."""


def tokenize(text: str) -> list[str]:
    """Letters and digits, lower-case; anything else separates (as FTS5's unicode61 and our PostgreSQL index do)."""
    return [t[:MAX_TOKEN] for t in _TOKEN.findall(text.lower())]


def parse(text: str) -> Query:
    """The terms of a query; `Invalid` (naming `q`) when there is nothing to search for or too much."""
    if len(text) > MAX_LENGTH:
        raise Invalid(f"q: a search is at most {MAX_LENGTH} characters; this one has {len(text)}.")
    cleaned = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text).strip()
    terms: list[Term] = []

    def add(term: Term) -> None:
        if term.tokens and term not in terms:
            terms.append(term)

    rest = cleaned
    for quoted in _QUOTED.finditer(cleaned):
        add(Term(tuple(tokenize(quoted.group(1)))))
    rest = _QUOTED.sub(" ", rest)
    for phone in _PHONE.finditer(rest):
        digits = re.sub(r"\D", "", phone.group())
        groups = tuple(tokenize(phone.group()))
        if 7 <= len(digits) <= 15:
            add(Term((digits,), (groups,) if len(groups) > 1 else ()))
        else:
            add(Term(groups))
    rest = _PHONE.sub(" ", rest)
    for chunk in rest.split():
        add(Term(tuple(tokenize(chunk))))
    if not terms:
        raise Invalid("q: type a word, a case number, a name, an address or an order number to search for.")
    if len(terms) > MAX_TERMS:
        raise Invalid(f"q: at most {MAX_TERMS} words or numbers at once; this search has {len(terms)}.")
    number = _CASE_NUMBER.fullmatch(cleaned)
    case_number = int(number.group(1)) if number and 1 <= int(number.group(1)) <= MAX_ID else None
    return Query(text=cleaned, terms=tuple(terms), case_number=case_number)


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class SearchFilter:
    statuses: tuple[CaseStatus, ...] = ()
    team_id: int | None = None
    owner_id: int | None = None
    unowned: bool = False
    created_from: datetime | None = None
    """Cases opened at or after this instant."""
    created_before: datetime | None = None
    """Cases opened before this instant."""


NO_FILTER = SearchFilter()


def filters(
    *,
    me: int,
    statuses: Sequence[str] = (),
    team: str | None = None,
    owner: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> SearchFilter:
    """The filters as typed in a form or a URL; `Invalid` names the field and says what it takes.

    `owner` is a staff id, `me` or `none`; `since` and `until` are days
    (YYYY-MM-DD, UTC), both included: the cases opened from the start of
    `since` to the end of `until`.
    """
    chosen: list[CaseStatus] = []
    for value in statuses:
        if not value:
            continue
        try:
            chosen.append(CaseStatus(value))
        except ValueError:
            names = ", ".join(s.value for s in CaseStatus)
            raise Invalid(f"status: {value!r} is not a status; choose from {names}.") from None
    team_id = _number("team", team)
    owner_id, unowned = None, False
    if owner == "me":
        owner_id = me
    elif owner == "none":
        unowned = True
    elif owner:
        owner_id = _number("owner", owner, also="`me` or `none`")
    start, end = _day("from", since), _day("to", until)
    if start and end and start > end:
        raise Invalid(f"to: the last day ({end.isoformat()}) is before the first ({start.isoformat()}).")
    return SearchFilter(
        statuses=tuple(dict.fromkeys(chosen)),
        team_id=team_id,
        owner_id=owner_id,
        unowned=unowned,
        created_from=datetime.combine(start, time(), UTC) if start else None,
        created_before=datetime.combine(end, time(), UTC) + timedelta(days=1) if end and end < date.max else None,
    )


def _number(field: str, value: str | None, also: str = "") -> int | None:
    if not value:
        return None
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    raise Invalid(f"{field}: {value[:40]!r} is not a number{' or ' + also if also else ''}.")


def _day(field: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else date.fromisoformat("x")
    except ValueError:
        raise Invalid(f"{field}: {value[:40]!r} is not a day; write it as YYYY-MM-DD.") from None


# ---------------------------------------------------------------- SQLite FTS5


def fts5_match(query: Query) -> str:
    """The FTS5 MATCH expression: every term, each a quoted phrase (or a choice of phrases).

    Tokens are letters and digits only, so a quoted phrase can hold no quote and
    no operator: FTS5 reads each as plain text and tokenizes it as it did the documents.
    """
    parts = []
    for term in query.terms:
        phrases = ['"' + " ".join(tokens) + '"' for tokens in term.options]
        parts.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    return " AND ".join(parts)


# ---------------------------------------------------------------- snippets


def _fold(token: str) -> str:
    decomposed = unicodedata.normalize("NFKD", token.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """One character without its accents, still one character (so positions in a folded text hold)."""
    folded = _fold(c)
    return folded if len(folded) == 1 else c.lower()


def _folded(text: str) -> str:
    return text.lower() if text.isascii() else "".join(_fold_char(c) for c in text)


def _stem(token: str) -> str:
    return stems.stem(token, _SUFFIXES)


@lru_cache(maxsize=256)
def _patterns(terms: tuple[Term, ...]) -> tuple[tuple[re.Pattern[str], str | None, str | None], ...]:
    """For each term option: a pattern over folded text, and (single words) the word and stem a candidate must have.

    A single word matches itself or a word with the same stem (`refunds`,
    `refunding`); a run of tokens matches with any separators between them.
    """
    out: list[tuple[re.Pattern[str], str | None, str | None]] = []
    for index, term in enumerate(terms):
        for option in term.options:
            wanted = [_fold(t) for t in option]
            if len(wanted) == 1:
                stem = _stem(wanted[0])
                pattern = re.compile(rf"(?<![^\W_])(?P<t{index}>{re.escape(stem)}[^\W_]*)")
                out.append((pattern, wanted[0], stem))
            else:
                run = r"[\W_]+".join(re.escape(w) for w in wanted)
                out.append((re.compile(rf"(?<![^\W_])(?P<t{index}>{run})(?![^\W_])"), None, None))
    return tuple(out)


def hits(text: str, query: Query) -> list[tuple[int, int, int]]:
    """Where `text` matches the query's terms: (start, end, term index), in order, not overlapping."""
    folded = _folded(text)
    found: list[tuple[int, int, int]] = []
    for pattern, word, stem in _patterns(query.terms):
        for match in pattern.finditer(folded):
            name = next(k for k, v in match.groupdict().items() if v is not None)
            if word is not None and match.group() != word and _stem(match.group()) != stem:
                continue
            found.append((match.start(), match.end(), int(name[1:])))
    found.sort()
    merged: list[tuple[int, int, int]] = []
    for hit in found:
        if merged and hit[0] < merged[-1][1]:
            continue
        merged.append(hit)
    return merged


def highlight(text: str, query: Query) -> str:
    """`text` as escaped HTML with each hit in <mark>."""
    return _marked(text, hits(text, query), 0, len(text))


def _marked(text: str, found: list[tuple[int, int, int]], start: int, end: int) -> str:
    out, at = [], start
    for hit_start, hit_end, _ in found:
        if hit_start < start or hit_end > end:
            continue
        out.append(html.escape(text[at:hit_start]))
        out.append(f"<mark>{html.escape(text[hit_start:hit_end])}</mark>")
        at = hit_end
    out.append(html.escape(text[at:end]))
    return "".join(out)


def _messages(body: str) -> Iterator[str]:
    for message in reversed(body.split(MESSAGE_SEPARATOR)):  # the latest first
        squeezed = " ".join(message.split())
        if squeezed:
            yield squeezed


def snippet(body: str, people: str, query: Query, width: int = 200) -> str:
    """A short piece of the case as escaped HTML, hits in <mark>.

    From the message with the most of the query's terms (the latest on a tie),
    around its first hit; else from the customer's name and addresses when
    they hold a hit; else the start of the latest message.
    """
    best: tuple[int, str, list[tuple[int, int, int]]] | None = None
    for message in _messages(body):
        found = hits(message, query)
        score = len({term for _, _, term in found})
        if found and (best is None or score > best[0]):
            best = (score, message, found)
    if best is None:
        squeezed = " ".join(people.split())
        found = hits(squeezed, query)
        if found:
            best = (0, squeezed, found)
    if best is None:
        latest = next(_messages(body), "")
        return _window(latest, [], width)
    return _window(best[1], best[2], width)


def _window(text: str, found: list[tuple[int, int, int]], width: int) -> str:
    if len(text) <= width:
        return _marked(text, found, 0, len(text))
    first = found[0][0] if found else 0
    start = max(0, first - width // 3)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (found[0][1] if found else start) else end
    return ("…" if start > 0 else "") + _marked(text, found, start, end) + ("…" if end < len(text) else "")
