"""What a decision must say, and who may change one. Pure: no database, no web."""

from __future__ import annotations

from enum import StrEnum

from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import Forbidden, Invalid

TEXT_MAX = 10_000


class DecisionKind(StrEnum):
    FINAL = "final"
    """The case's outcome, final: what we will and will not do."""
    DECLINE = "decline"
    """A request we will not grant (an unreasonable one), declined politely and on the record."""


def clean(text: str, what: str, *, limit: int = TEXT_MAX) -> str:
    text = text.replace("\x00", "").strip()
    if not text:
        raise Invalid(f"Write {what}.")
    if len(text) > limit:
        raise Invalid(f"{what[0].upper()}{what[1:]} may have at most {limit:,} characters.")
    return text


def check_may_decide(actor: StaffActor, *, owner_id: int | None, standing: bool) -> None:
    """The owner (or a supervisor) records a decision; once one stands, only a supervisor revises it."""
    supervisor = actor.at_least(Role.SUPERVISOR)
    if standing and not supervisor:
        raise Forbidden("A final decision stands: only a supervisor may revise it, with a reason.")
    if not supervisor and owner_id != actor.staff_id:
        raise Forbidden("Only the case's owner or a supervisor records its decision.")
