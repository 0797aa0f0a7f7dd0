"""A survey's email links: one per answer, each opening a page that asks to confirm; only its POST records. Pure.

The signature covers the survey (not the score), so the page may offer the
other answers too: someone who clicked "Well" and meant "Completely" changes
it there instead of hunting for another link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sameside.kit import signing

PURPOSE = "survey"


@dataclass(frozen=True, slots=True)
class Links:
    base: str
    """The server's own address (`Settings.base_url`)."""
    key: bytes

    def answer(self, survey_id: int, score: int, expires_at: datetime) -> str:
        expires = int(expires_at.timestamp())
        signature = signing.sign(self.key, PURPOSE, survey_id, expires)
        return f"{self.base.rstrip('/')}/surveys/{survey_id}/{score}?expires={expires}&signature={signature}"

    def preferences(self) -> str:
        return f"{self.base.rstrip('/')}/portal/preferences#surveys"


def valid(key: bytes, survey_id: int, expires: int, signature: str, *, now: datetime) -> bool:
    return signing.valid(key, PURPOSE, survey_id, expires, signature, now=now)
