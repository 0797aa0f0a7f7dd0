"""Routing a team's new cases to an owner (P9, P14). Being written: a stub that leaves every case to take next."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.kit.actors import Actor


def route(session: Session, actor: Actor, case: Case, *, reason: str) -> None:
    """Give an unowned case in a team an owner by the team's routing; does nothing for take-next teams."""
