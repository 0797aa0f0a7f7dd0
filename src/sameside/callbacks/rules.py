"""Callbacks, as pure rules: when a booked call counts as missed (business hours are `kit.hours`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sameside.kit.hours import Hours, parse_hours, slots

MISSED_AFTER = timedelta(minutes=15)
"""A booked call nobody has marked done this long after its slot ended is missed, and a supervisor is told."""

__all__ = ["MISSED_AFTER", "Hours", "is_missed", "parse_hours", "slots"]


def is_missed(slot_end: datetime, *, now: datetime) -> bool:
    return now >= slot_end + MISSED_AFTER
