"""Escalation requests (P3). Being written: a stub."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sameside.cases.models import Case, TimelineEntry
from sameside.kit.actors import Actor


def notice_in_message(session: Session, actor: Actor, case: Case, entry: TimelineEntry) -> None:
    """A customer asking for a manager in their own words is routed back to the owner and their supervisor."""
