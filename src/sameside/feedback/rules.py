"""Feedback in words and moves (P15): what kind it is, whom it concerns, and who may handle it. Pure.

Feedback is what a customer said about a part of the company — a
compliment, a complaint, a suggestion — marked by an agent on a message in
the conversation, or a survey comment routed by itself. It concerns one
team or one department, whose members see it in their inbox, acknowledge
it, and may answer the agent who marked it. Supervisors and admins see and
handle every team's and department's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.errors import Conflict, Forbidden, Invalid
from sameside.kit.words import first_line

NOTE_MAX = 500
ANSWER_MAX = 2000
WORDS_MAX = 2000
"""The customer's words kept with the feedback: the inbox quotes them, whoever may read the case."""
FIGURE_DAYS = 30
"""The window of a department's figures: consults answered, and feedback received, in the last 30 days."""


class FeedbackKind(StrEnum):
    COMPLIMENT = "compliment"
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"


class FeedbackState(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"


class FeedbackSource(StrEnum):
    CONVERSATION = "conversation"
    """An agent marked a message of the customer's."""
    SURVEY = "survey"
    """The customer's survey comment, routed to the team that had the case."""


KIND_WORDS = {
    FeedbackKind.COMPLIMENT: "Compliment",
    FeedbackKind.COMPLAINT: "Complaint",
    FeedbackKind.SUGGESTION: "Suggestion",
}
STATE_WORDS = {
    FeedbackState.NEW: "new",
    FeedbackState.ACKNOWLEDGED: "acknowledged",
    FeedbackState.ANSWERED: "answered",
}

MOVES: dict[FeedbackState, frozenset[FeedbackState]] = {
    FeedbackState.NEW: frozenset({FeedbackState.ACKNOWLEDGED, FeedbackState.ANSWERED}),
    FeedbackState.ACKNOWLEDGED: frozenset({FeedbackState.ANSWERED}),
    FeedbackState.ANSWERED: frozenset(),
}
"""Answering acknowledges too; an answer is given once (the agent was told it)."""


@dataclass(frozen=True)
class Concerns:
    """Whom feedback is about: one team or one department, never both."""

    team_id: int | None = None
    department_id: int | None = None

    def __post_init__(self) -> None:
        if (self.team_id is None) == (self.department_id is None):
            raise Invalid("Choose the one team or department the feedback is about.")


def kind_of(value: str) -> FeedbackKind:
    try:
        return FeedbackKind(value)
    except ValueError:
        raise Invalid("Choose whether it is a compliment, a complaint or a suggestion.") from None


def kind_of_score(score: int) -> FeedbackKind:
    """A survey comment's kind by its score: 1–2 a complaint, 3 a suggestion (partly solved), 4–5 a compliment."""
    if score <= 2:
        return FeedbackKind.COMPLAINT
    if score == 3:
        return FeedbackKind.SUGGESTION
    return FeedbackKind.COMPLIMENT


def clean_note(note: str | None) -> str | None:
    """The marking agent's short note: trimmed; none when blank."""
    cleaned = " ".join((note or "").replace("\x00", "").split())
    if len(cleaned) > NOTE_MAX:
        raise Invalid(f"Keep the note within {NOTE_MAX} characters.")
    return cleaned or None


def clean_answer(text: str) -> str:
    cleaned = text.replace("\x00", "").strip()
    if not cleaned:
        raise Invalid("Write the answer for the colleague who marked it.")
    if len(cleaned) > ANSWER_MAX:
        raise Invalid(f"An answer may have at most {ANSWER_MAX:,} characters.")
    return cleaned


def quoted(words: str) -> str:
    """The customer's words as the feedback keeps them: their message, cut at a word if long."""
    text = words.replace("\x00", "").strip()
    if len(text) <= WORDS_MAX:
        return text
    return first_line(" ".join(text.split()), WORDS_MAX)


def may_handle(actor: Actor, concerns: Concerns) -> bool:
    """Who acknowledges and answers feedback: the team's or department's people, supervisors and admins."""
    if not isinstance(actor, StaffActor):
        return False
    if actor.at_least(Role.SUPERVISOR):
        return True
    if concerns.department_id is not None:
        return actor.department_id == concerns.department_id
    return actor.team_id is not None and actor.team_id == concerns.team_id


def check_handle(actor: Actor, concerns: Concerns, doing: str) -> None:
    if not may_handle(actor, concerns):
        raise Forbidden(f"Only the team or department it concerns (or a supervisor) may {doing}.")


def check_move(state: FeedbackState, to: FeedbackState) -> None:
    if to not in MOVES[state]:
        if state is FeedbackState.ANSWERED:
            raise Conflict("This feedback has been answered already.")
        raise Conflict(f"This feedback is {STATE_WORDS[state]} already.")


def on_time_rate(answered: int, on_time: int) -> float | None:
    """Consults answered by their due time, of those answered; None when none were answered."""
    if answered <= 0:
        return None
    return min(on_time, answered) / answered


def rate_words(rate: float | None) -> str:
    """ "83%", or "no consults answered" when there is nothing to measure."""
    return "no consults answered" if rate is None else f"{round(100 * rate)}%"


def count_kinds(kinds: Iterable[FeedbackKind]) -> dict[FeedbackKind, int]:
    """How many of each kind, every kind present (zero when none), in the order of the enum."""
    counts = dict.fromkeys(FeedbackKind, 0)
    for kind in kinds:
        counts[kind] += 1
    return counts


def concerns_words(kind: FeedbackKind, name: str) -> str:
    """ "a complaint about Billing" """
    return f"a {kind.value} about {name}"
