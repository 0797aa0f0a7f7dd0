"""The language coach's rules and its check (P8). Pure: no database, no web.

A rule is plain data: what it flags (a regular expression, or a list of
phrases turned into one), the kind of wording it is, the language it is
for, why it reads badly to a customer, and a rewrite in our voice. `check`
finds every rule's words in a reply, case-insensitively and only as whole
words, skipping quoted customer text (lines starting with ">").

All the rules of one language are compiled into one alternation, kept in a
small cache keyed by the rules themselves, so a 300-word reply is one pass
of one pattern (`bench/phase_coach.py`: well under the 5 ms aim).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import Forbidden, Invalid
from sameside.kit.languages import LANGUAGES


class Kind(StrEnum):
    BLAME = "blame"
    """The customer made the mistake ("you entered your information wrong")."""
    PAT_APOLOGY = "pat_apology"
    """A throwaway apology ("sorry for the inconvenience")."""
    COLD_OPENER = "cold_opener"
    """An adversarial or cold opening ("who's next?", "as per my last email")."""
    POLICY_HIDING = "policy_hiding"
    """Hiding behind a policy or a system instead of saying why and what we can do."""
    JARGON = "jargon"
    """Our words, not the customer's ("ticket", "SLA", "escalated to tier 2")."""


KIND_LABELS = {
    Kind.BLAME: "Blame",
    Kind.PAT_APOLOGY: "Pat apology",
    Kind.COLD_OPENER: "Cold opener",
    Kind.POLICY_HIDING: "Policy hiding",
    Kind.JARGON: "Jargon",
}

BUILT_IN_LANGUAGES = ("en", "de", "fr", "es")
"""The languages the coach ships rules for: a full English set, a handful each in German, French and Spanish."""

PATTERN_MAX = 200
"""A custom regular expression's length cap."""
PHRASES_MAX = 1_000
"""A custom phrase list's length cap (one phrase a line)."""
WHY_MAX = 300
SUGGESTION_MAX = 300
TEXT_MAX = 20_000
"""The longest reply the coach reads; past it, the rest is not checked."""
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


@dataclass(frozen=True)
class Rule:
    slug: str
    kind: Kind
    language: str
    pattern: str
    """A regular expression (case-insensitive; whole words are enforced around it)."""
    why: str
    """One sentence: how it reads to the customer."""
    suggestion: str
    """The rewrite in our voice, ready to stand in for the flagged words."""
    builtin: bool = True


@dataclass(frozen=True)
class Advice:
    """One finding in a reply."""

    rule: str
    kind: Kind
    start: int
    end: int
    words: str
    """The words as the agent wrote them."""
    why: str
    suggestion: str
    replacement: str
    """The suggestion with its first letter cased like the flagged words (a sentence start stays one)."""


def phrases(*words: str) -> str:
    """A pattern matching any of these phrases: spaces match any run of spaces, ' also matches ’."""
    parts = []
    for written in words:
        phrase = " ".join(written.split())
        if not phrase:
            continue
        escaped = re.escape(phrase).replace(r"\ ", r"\s+").replace("'", "['’]")
        parts.append(escaped)
    return "|".join(parts)


def readable(pattern: str) -> str:
    """A pattern as a person reads it: one alternative a line, `\\s+` as a space, `(?:a|b)` as `(a / b)`."""
    text = pattern.replace(r"\s+", " ").replace(r"\s", " ").replace("['’]", "'").replace("(?:", "(")
    lines: list[str] = []
    current: list[str] = []
    depth = 0
    for char in re.sub(r"\\(.)", r"\1", text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth <= 0:
            lines.append("".join(current).strip())
            current = []
        else:
            current.append(" / " if char == "|" else char)
    return "\n".join([*lines, "".join(current).strip()])


def base_language(language: str | None) -> str:
    """`de-CH` → `de`; unknown or empty → `en`, the language every desk has rules for."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else "en"


# ---------------------------------------------------------------- the check


def _wrap(pattern: str) -> str:
    return rf"(?<!\w)(?:{pattern})(?!\w)"


@lru_cache(maxsize=32)
def _combined(rules: tuple[Rule, ...], language: str) -> tuple[re.Pattern[str], tuple[Rule, ...]] | None:
    chosen = tuple(r for r in rules if r.language == language)
    if not chosen:
        return None
    # One word-start check up front: most positions in a text are inside a word and fail there, at once,
    # rather than after trying every rule's first letters.
    joined = "|".join(f"(?P<r{i}>(?:{r.pattern})(?!\\w))" for i, r in enumerate(chosen))
    return re.compile(rf"(?<!\w)(?:{joined})", re.IGNORECASE), chosen


_QUOTED = re.compile(r"^[ \t]*>.*$", re.MULTILINE)


def _quoted(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED.finditer(text)] if ">" in text else []


def _cased(words: str, suggestion: str) -> str:
    if words[:1].isupper() and suggestion[:1].islower():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


def check(text: str, rules: Sequence[Rule], language: str | None = "en") -> list[Advice]:
    """Every rule of `language` found in `text`, in order; quoted lines (">") are the customer's, never flagged."""
    compiled = _combined(tuple(rules), base_language(language))
    if compiled is None or not text:
        return []
    pattern, chosen = compiled
    text = text[:TEXT_MAX]
    quoted = _quoted(text)
    found: list[Advice] = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if quoted and any(a <= start < b for a, b in quoted):
            continue
        rule = chosen[int((match.lastgroup or "r0")[1:])]
        words = match.group()
        found.append(
            Advice(rule.slug, rule.kind, start, end, words, rule.why, rule.suggestion, _cased(words, rule.suggestion))
        )
    return found


# ---------------------------------------------------------------- what was taken


class Outcome(StrEnum):
    USED = "used"
    """The agent clicked "Use this"."""
    REWORDED = "reworded"
    """The flagged words were gone when the reply was sent."""
    KEPT = "kept"
    """Sent as it was: the agent's call, never blocked."""


def outcomes(shown: Iterable[str], used: Iterable[str], final: Sequence[Advice]) -> dict[str, Outcome]:
    """For each rule whose advice was shown while the reply was written, what became of it when it was sent."""
    still = {a.rule for a in final}
    clicked = set(used)
    result: dict[str, Outcome] = {}
    for slug in shown:
        if slug in clicked:
            result[slug] = Outcome.USED
        elif slug in still:
            result[slug] = Outcome.KEPT
        else:
            result[slug] = Outcome.REWORDED
    return result


# ---------------------------------------------------------------- a team's own rules


_ALLOWED_GROUP = re.compile(r"\(\?(?::|=|!|<=|<!)")
_QUANTIFIER = re.compile(r"[*+]|\{\d*,?\d*\}")


def _unescaped(pattern: str) -> list[tuple[int, str]]:
    """Each character not escaped by a backslash, with its position (escapes are skipped whole)."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        out.append((i, pattern[i]))
        i += 1
    return out


def _nested_quantifier(pattern: str) -> bool:
    """Roughly: a quantified group that holds a quantifier, like `(a+)+` or `(\\w*\\s?)*` — the patterns that
    can take exponential time on a near-miss. Character classes are read as plain text, so this errs on refusing."""
    stack: list[int] = []
    plain = _unescaped(pattern)
    for index, (position, char) in enumerate(plain):
        if char == "(":
            stack.append(position)
        elif char == ")" and stack:
            opened = stack.pop()
            after = pattern[position + 1 : position + 2]
            group_quantified = after in ("*", "+") or (after == "{" and re.match(r"\{\d*,", pattern[position + 1 :]))
            inside = "".join(c for p, c in plain[:index] if p > opened)
            if group_quantified and _QUANTIFIER.search(inside):
                return True
    return False


def validate_pattern(pattern: str) -> re.Pattern[str]:
    """A team's regular expression, compiled, or a 422 saying what to change."""
    if not pattern.strip():
        raise Invalid("Write the words to flag.")
    if len(pattern) > PATTERN_MAX:
        raise Invalid(f"A pattern may have at most {PATTERN_MAX} characters; split it into two rules.")
    if re.search(r"\\[1-9]|\\g<|\(\?P", pattern):
        raise Invalid("Named groups and back-references are not allowed in a coach pattern.")
    for position, char in _unescaped(pattern):
        if char == "(" and pattern[position + 1 : position + 2] == "?" and not _ALLOWED_GROUP.match(pattern, position):
            raise Invalid("Only (?:…) groups and look-arounds are allowed; case is ignored already.")
    if _nested_quantifier(pattern):
        raise Invalid(
            "This pattern repeats a group that itself repeats (like (a+)+): it can take very long on some "
            "replies. Write it without the nested repeat, or as a list of phrases."
        )
    try:
        compiled = re.compile(_wrap(pattern), re.IGNORECASE)
    except re.error as error:
        raise Invalid(f"That is not a valid regular expression: {error}.") from None
    if compiled.fullmatch(""):
        raise Invalid("This pattern matches nothing at all (an empty text): it would flag every reply.")
    return compiled


def pattern_from(value: str, *, regex: bool) -> str:
    """What a team typed, as a pattern: a regular expression checked as one, or one phrase a line."""
    if regex:
        value = value.strip()
        validate_pattern(value)
        return value
    if len(value) > PHRASES_MAX:
        raise Invalid(f"A list of phrases may have at most {PHRASES_MAX:,} characters.")
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if not lines:
        raise Invalid("Write the words to flag: one phrase a line.")
    pattern = phrases(*lines)
    try:
        re.compile(_wrap(pattern), re.IGNORECASE)
    except re.error as error:  # pragma: no cover - escaped phrases always compile
        raise Invalid(f"Those phrases could not be read: {error}.") from None
    return pattern


def clean_text(value: str, what: str, limit: int) -> str:
    value = " ".join(value.replace("\x00", "").split())
    if not value:
        raise Invalid(f"Write {what}.")
    if len(value) > limit:
        raise Invalid(f"{what[0].upper()}{what[1:]} may have at most {limit} characters.")
    return value


def clean_slug(value: str) -> str:
    value = value.strip().lower()
    if not SLUG.match(value):
        raise Invalid("A rule's name is 2 to 63 lower-case letters, digits and hyphens, like `our-ticket-word`.")
    return value


def slug_for(pattern_source: str) -> str:
    """A name for a team's rule from its first words: `team-` and up to five of them."""
    words = re.findall(r"[a-z0-9]+", pattern_source.lower())[:5]
    return ("team-" + "-".join(words))[:63].rstrip("-") if words else "team-rule"


# ---------------------------------------------------------------- who may do what


def check_may_change(actor: StaffActor) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden("Only admins change the coach's rules.")


def check_may_see_stats(actor: StaffActor) -> None:
    if not actor.at_least(Role.SUPERVISOR):
        raise Forbidden("The coach's figures are for supervisors and admins.")
