"""Is a new contact the same problem as one resolved for this customer last week? Was that one right first time?

Pure. A problem is the subject and the customer's first message. Two
problems are the same when they name the same order, product or account
number (`identifiers`: a token with a digit in it, `A-12345`, `ORD123456`),
or when their words agree: the cosine of their sets of content words (case
folded, common words dropped, plural and verb endings trimmed) reaches
`THRESHOLD`, and at least `MIN_SHARED` of the shared words are in both
messages themselves — a subject alone ("Question", "Order problem") never
makes a repeat. Fast enough for every new case: a customer's week of
resolved cases is a handful of texts.

First-contact resolution: a resolved case counts as right the first time
once `WINDOW` has passed since its resolution with no further contact from
the customer, no reopen and no repeat; until then it is pending.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sameside.kit import stems

WINDOW = timedelta(days=7)
"""A new contact within this long after a resolution is a repeat; the resolution is judged after it."""
THRESHOLD = 0.34
MIN_SHARED = 2
CANDIDATES = 20
"""At most this many of a customer's recent resolved cases are compared, the most recently resolved first."""

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_IDENTIFIER = re.compile(r"(?<![\w-])#?([A-Za-z]{0,8}[-/]?\d[\w-]{2,})(?![\w-])")
_ENDINGS = ("ing", "ed", "es", "s")
# fmt: off
STOP = frozenset((
    "a", "about", "above", "after", "again", "against", "ago", "all", "already", "also", "am", "an", "and", "any",
    "anyone", "are", "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "can't", "cannot", "could", "couldn't", "day", "days", "dear", "did", "didn't", "do",
    "does", "doesn't", "doing", "don't", "down", "during", "each", "few", "for", "from", "further", "get", "got",
    "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "hello", "help", "her", "here", "hers",
    "herself", "hey", "hi", "him", "himself", "his", "how", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into",
    "is", "isn't", "it", "it's", "its", "itself", "just", "know", "let's", "me", "more", "most", "my", "myself",
    "need", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "ought", "our",
    "ours", "ourselves", "out", "over", "own", "please", "regards", "same", "she", "should", "shouldn't", "so",
    "some", "still", "such", "than", "thank", "thanks", "that", "that's", "the", "their", "theirs", "them",
    "themselves", "then", "there", "these", "they", "this", "those", "through", "time", "to", "today", "too",
    "two", "under", "until", "up", "very", "want", "was", "wasn't", "we", "week", "weeks", "were", "weren't",
    "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "won't", "would", "wouldn't",
    "yesterday", "yet", "you", "your", "yours", "yourself", "yourselves",
))
# fmt: on
"""Words that say nothing about which problem it is (English; other languages compare by identifiers and cognates)."""


class FirstContact(StrEnum):
    YES = "yes"
    """Resolved, and a week passed with no further contact, reopen or repeat."""
    NO = "no"
    PENDING = "pending"
    """Resolved less than a week ago, nothing has come back yet."""
    OPEN = "open"
    """Not resolved (yet)."""


@dataclass(frozen=True)
class Problem:
    """A case's problem as compared: its number, its subject and the customer's words."""

    case_id: int
    subject: str
    body: str


@dataclass(frozen=True)
class Match:
    earlier: int
    """The case number of the earlier problem."""
    score: float
    shared: tuple[str, ...]
    """What both name: identifiers first, then words, as shown to the agent."""


def identifiers(text: str) -> set[str]:
    """Order, product and account numbers in a text, spelled one way (`a-12345` and `A12345` are one)."""
    found = set()
    for raw in _IDENTIFIER.findall(text):
        token = re.sub(r"[-/]", "", raw).upper()
        digits = sum(c.isdigit() for c in token)
        if token.isdigit() and len(token) < 5:
            continue  # a year, a quantity, a time: not something that names this order
        if digits >= 3:
            found.add(token)
    return found


def _stem(word: str) -> str:
    return stems.stem(word, _ENDINGS)


def words(text: str) -> set[str]:
    """The content words of a text, folded and trimmed; no identifiers, no common words."""
    out = set()
    for word in _WORD.findall(text.casefold()):
        if word in STOP or len(word) < 3 or any(c.isdigit() for c in word):
            continue
        out.add(_stem(word.replace("'", "")))
    return out


def same_problem(new: Problem, earlier: Sequence[Problem], *, threshold: float = THRESHOLD) -> Match | None:
    """The earlier problem `new` is a repeat of, if any: a shared identifier first, else the closest words."""
    new_ids = identifiers(f"{new.subject}\n{new.body}")
    new_body = words(new.body)
    new_all = new_body | words(new.subject)
    best: Match | None = None
    for old in earlier:
        shared_ids = new_ids & identifiers(f"{old.subject}\n{old.body}")
        old_body = words(old.body)
        old_all = old_body | words(old.subject)
        shared = new_all & old_all
        score = len(shared) / math.sqrt(len(new_all) * len(old_all)) if new_all and old_all else 0.0
        if shared_ids:
            score = max(score, 1.0)
        elif len(new_body & old_body) < MIN_SHARED or score < threshold:
            continue
        if best is None or score > best.score:
            best = Match(old.case_id, round(score, 3), (*sorted(shared_ids), *sorted(new_body & old_body)[:8]))
    return best


def first_contact(resolved_at: datetime | None, broken_at: datetime | None, now: datetime) -> FirstContact:
    """Was a case resolved right the first time, as far as we can tell at `now`?"""
    if broken_at is not None:
        return FirstContact.NO
    if resolved_at is None:
        return FirstContact.OPEN
    return FirstContact.YES if now - resolved_at >= WINDOW else FirstContact.PENDING


def breaks_first_contact(resolved_at: datetime | None, now: datetime) -> bool:
    """Does the customer coming back at `now` undo a resolution (made within the window)?"""
    return resolved_at is not None and now - resolved_at < WINDOW


def rate(yes: int, no: int) -> float | None:
    """The first-contact resolution rate over cases whose week has passed (pending ones are not counted)."""
    return yes / (yes + no) if yes + no else None


def shared_words(items: Iterable[str]) -> str:
    return ", ".join(items)
