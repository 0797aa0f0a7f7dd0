"""Phone calls as pure rules: what a call log must say, how long it lasted, and one number written two ways.

A caller reads their number as they dial it at home ("020 7946 0018"); we
may have it in international form ("+44 20 7946 0018"), or the other way
round. The business's own phone number says which country it is in, so a
national number (one leading 0) is also looked for, and stored, with that
country's code. Countries whose numbers keep their 0 after the code (Italy)
are read the same way: the national form is still looked for as typed.
"""

from __future__ import annotations

import re
from enum import StrEnum

from sameside.callbacks.rules import CallbackOutcome
from sameside.kit.addresses import normalize_phone
from sameside.kit.errors import Invalid

DURATION_MAX = 8 * 3600
"""Eight hours: anything longer is a typo (minutes written as seconds), not a call."""
NOTES_MAX = 10_000
SUBJECT_MAX = 300


class Direction(StrEnum):
    INBOUND = "inbound"
    """The customer called us."""
    OUTBOUND = "outbound"
    """We called them (a booked callback is one)."""


class Outcome(StrEnum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    """Nobody answered; a message was left."""
    BUSY = "busy"
    WRONG_NUMBER = "wrong_number"


OUTCOME_WORDS = {
    Outcome.ANSWERED: "Answered: we spoke",
    Outcome.NO_ANSWER: "No answer",
    Outcome.VOICEMAIL: "Voicemail: left a message",
    Outcome.BUSY: "Line busy",
    Outcome.WRONG_NUMBER: "Wrong number",
}
DIRECTION_WORDS = {Direction.INBOUND: "They called us", Direction.OUTBOUND: "We called them"}

_SPOKEN = frozenset({Outcome.ANSWERED, Outcome.WRONG_NUMBER, Outcome.VOICEMAIL})
"""Outcomes where the line was open for a while; the others last no time at all."""

_FOR_CALLBACK = {
    Outcome.ANSWERED: CallbackOutcome.REACHED,
    Outcome.NO_ANSWER: CallbackOutcome.NO_ANSWER,
    Outcome.BUSY: CallbackOutcome.NO_ANSWER,
    Outcome.VOICEMAIL: CallbackOutcome.VOICEMAIL,
    Outcome.WRONG_NUMBER: CallbackOutcome.WRONG_NUMBER,
}


def callback_outcome(outcome: Outcome) -> CallbackOutcome:
    """What a call's outcome means for the booked call it was: reached, no answer, voicemail, wrong number."""
    return _FOR_CALLBACK[outcome]


def check_call(direction: Direction, outcome: Outcome, seconds: int) -> int:
    """The call's duration in seconds, checked against what happened; `Invalid` says what to fix.

    An answered call lasted some time (the agent says how long); a call nobody
    picked up lasted none, whatever was typed. Only an outbound call can go
    unanswered or reach a wrong number that we dialled; an inbound one was
    picked up by us, so it is answered, or a wrong number.
    """
    if not 0 <= seconds <= DURATION_MAX:
        raise Invalid(f"A call lasts between 0 and {DURATION_MAX // 3600} hours; check the duration.")
    if direction is Direction.INBOUND and outcome not in (Outcome.ANSWERED, Outcome.WRONG_NUMBER):
        raise Invalid("A call they made to us was answered (or a wrong number); choose one of those.")
    if outcome is Outcome.ANSWERED and seconds == 0:
        raise Invalid("How long did the call last? Write it like 4:30 or 5 min.")
    return seconds if outcome in _SPOKEN else 0


_UNITS = re.compile(r"(\d+)\s*(h|hours?|hrs?|m|mins?|minutes?|s|secs?|seconds?)\b")


def parse_duration(text: str) -> int:
    """Seconds from what an agent types: "5" (minutes), "4:30", "1:02:03", "90s", "12 min", "1 h 5 min"; "" is 0."""
    words = " ".join(text.strip().lower().split())
    if not words:
        return 0
    if re.fullmatch(r"\d{1,3}", words):
        return int(words) * 60
    if re.fullmatch(r"\d{1,3}(:[0-5]\d){1,2}", words):
        parts = [int(p) for p in words.split(":")]
        return parts[0] * 60 + parts[1] if len(parts) == 2 else parts[0] * 3600 + parts[1] * 60 + parts[2]
    found = _UNITS.findall(words)
    if not found or _UNITS.sub("", words).strip(" ,and"):
        raise Invalid(f"“{text.strip()[:20]}” is not a duration: write it like 4:30, 5 min or 90 s.")
    scale = {"h": 3600, "m": 60, "s": 1}
    return sum(int(n) * scale[unit[0]] for n, unit in found)


def say_duration(seconds: int) -> str:
    """ "4 min 30 s", "5 min", "45 s", "" for none."""
    if seconds <= 0:
        return ""
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes} min {rest} s"
    return f"{minutes} min" if minutes else f"{rest} s"


def clean_notes(text: str | None) -> str | None:
    notes = (text or "").replace("\x00", "").strip()
    if len(notes) > NOTES_MAX:
        raise Invalid(f"Keep the notes under {NOTES_MAX} characters.")
    return notes or None


# ---------------------------------------------------------------- one number, two ways

_ONE_DIGIT = frozenset({"1", "7"})
_TWO_DIGITS = frozenset(str(code) for code in (20, 27, *range(30, 35), 36, 39, 40, 41, *range(43, 50)))
_TWO_DIGITS |= frozenset(str(code) for code in (*range(51, 59), *range(60, 67), 81, 82, 84, 86, *range(90, 96), 98))
"""ITU country calling codes of one and two digits; every other code has three (the codes are prefix-free)."""


def country_code_of(number: str | None) -> str | None:
    """The country calling code of an international number ("+44 20 7946 0000" → "44"); None for a national one."""
    if not number:
        return None
    try:
        digits = normalize_phone(number)
    except Invalid:
        return None
    if not digits.startswith("+"):
        return None
    digits = digits[1:]
    for size, codes in ((1, _ONE_DIGIT), (2, _TWO_DIGITS)):
        if digits[:size] in codes:
            return digits[:size]
    return digits[:3] if len(digits) > 3 else None


def international(number: str, country_code: str | None) -> str:
    """A normalised number in international form when it is national ("02079460018" → "+442079460018")."""
    if country_code and number.startswith("0") and not number.startswith("00"):
        return f"+{country_code}{number[1:]}"
    return number


def phone_forms(typed: str, country_code: str | None) -> list[str]:
    """The ways a typed number (or its start) may be kept: international first, then national; normalised.

    "020 7946" with country code 44 → ["+4420 7946…", "020 7946…"] (digits only);
    "+44 20 7946" → the same two. Raises `Invalid` when it is no phone number.
    """
    number = normalize_phone(typed) if len(re.sub(r"\D", "", typed)) >= 5 else _digits(typed)
    forms = [international(number, country_code), number]
    if country_code and number.startswith(f"+{country_code}"):
        forms.append("0" + number[1 + len(country_code) :])
    return list(dict.fromkeys(forms))


def _digits(typed: str) -> str:
    """The start of a number, as typed so far (too short for `normalize_phone`): digits and a leading +."""
    number = re.sub(r"[\s().\-/]", "", typed.strip())
    if number.startswith("00"):
        number = "+" + number[2:]
    body = number[1:] if number.startswith("+") else number
    if not body.isdigit():
        raise Invalid(f"{typed!r} is not a phone number.")
    return number
