"""A word's stem by its English endings: `refunds`, `refunding` → `refund`. Light, and enough to match words.

Each user passes the endings it strips (search strips more than repeat
detection does); a word keeps at least four letters, so `news` stays `news`.
"""

from __future__ import annotations

from collections.abc import Sequence

ENDINGS = ("ings", "ing", "edly", "ed", "es", "s", "ly")
"""The endings words are matched without, longest first."""


def stem(word: str, endings: Sequence[str] = ENDINGS) -> str:
    """`word` without the first of `endings` it ends with, when at least four letters are left."""
    for ending in endings:
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word
