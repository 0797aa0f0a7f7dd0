"""Callbacks, as pure rules: when a booked call counts as missed (business hours are `kit.hours`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sameside.kit.hours import Hours, parse_hours, slots

MISSED_AFTER = timedelta(minutes=15)
"""A booked call nobody has marked done this long after its slot ended is missed, and a supervisor is told."""

__all__ = ["MISSED_AFTER", "CallbackOutcome", "Hours", "is_missed", "parse_hours", "slots"]


class CallbackOutcome(StrEnum):
    """How a booked call went. Any outcome settles it: someone called at the time the customer picked (P1).

    When nobody answered, the agent may book the next try at once (`service.settle`, `retry_at`).
    """

    REACHED = "reached"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"


WORTH_RETRYING = frozenset({CallbackOutcome.NO_ANSWER, CallbackOutcome.VOICEMAIL})
"""Outcomes after which the desk offers to book another try (a wrong number would ring the wrong person again)."""


def is_missed(slot_end: datetime, *, now: datetime) -> bool:
    return now >= slot_end + MISSED_AFTER
