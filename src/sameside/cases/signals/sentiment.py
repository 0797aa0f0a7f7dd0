"""How the customer sounds, for the handoff brief's "how they feel" (a suggestion a person edits).

VADER (lexicon and rules, tuned for short social text) scores each message;
we weigh the latest most, because feelings change over a conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

UPSET_AT = -0.5
"""A message scoring at or below this reads as clearly unhappy (VADER's own "negative" band starts at -0.05)."""


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def tone(messages: Sequence[str]) -> float:
    """-1 (very upset) … +1 (very pleased), the latest messages weighing most; 0 with nothing to go on."""
    recent = [m for m in messages if m.strip()][-5:]
    if not recent:
        return 0.0
    weights = range(1, len(recent) + 1)
    scores = [float(_analyzer().polarity_scores(m[:5000])["compound"]) for m in recent]
    return round(sum(w * s for w, s in zip(weights, scores, strict=True)) / sum(weights), 3)


def describe(score: float) -> str:
    """Words a colleague can use, with the score so nobody mistakes it for a person's judgement."""
    if score <= -0.5:
        words = "Upset"
    elif score <= -0.05:
        words = "Frustrated"
    elif score < 0.05:
        words = "Neutral, matter-of-fact"
    elif score < 0.5:
        words = "Calm, fairly positive"
    else:
        words = "Pleased"
    return f"{words} (tone of their messages {score:+.2f}, automatic — please check)"


def is_upset(score: float) -> bool:
    return score <= UPSET_AT
