"""Times and text in the words a person reads: "due in 3 h", "overdue by 40 min", a first line cut at a word."""

from __future__ import annotations

from datetime import datetime


def span(minutes: int) -> str:
    """A length of time as people say it: "40 min", "3 h", "2 days" (rounded down)."""
    minutes = max(0, minutes)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def due_in(due: datetime, now: datetime) -> str:
    """ "due in 3 h" or "overdue by 40 min", counted from `now` (both aware)."""
    minutes = int((due - now).total_seconds() // 60)
    if minutes >= 0:
        return f"due in {span(minutes)}"
    return f"overdue by {span(-minutes)}"


def first_line(text: str, limit: int = 120) -> str:
    """The first non-blank line of `text`, at most `limit` characters, cut at a word boundary with an ellipsis."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a word boundary not too far back; one enormous word is cut where it must be
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"
