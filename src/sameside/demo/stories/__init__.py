"""What the cases are about: the topics, by area, and the lines every topic shares.

`TOPICS` keeps one fixed order (the planner draws topics from it by weight), so
a new topic goes at the end, never in between, or every seeded demo changes.
"""

from __future__ import annotations

from sameside.demo.stories.account import LOGIN, PRIVACY, TWO_FACTOR
from sameside.demo.stories.billing import (
    DOUBLE_CHARGE,
    PAYMENT_DECLINED,
    PROMO_CODE,
    REFUND_MISSING,
    SUBSCRIPTION,
    VAT_INVOICE,
)
from sameside.demo.stories.common import (
    AGAIN_FIXES,
    AGAIN_REPLIES,
    AGENT_NOTES,
    ASSIGN_NOTES,
    BRIEF_PROMISED,
    BRIEF_TRIED,
    CHASERS,
    CONFIRM,
    ESCALATIONS,
    FOLLOW_UPS,
    HANDOFF_REPLIES,
    HOLDING,
    PLACEHOLDERS,
    REOPEN_NOTES,
    RESOLVE_NOTES,
    RESTATEMENT_LEADS,
    RESUMING,
    THANKS,
    TRIAGE_TAGS,
)
from sameside.demo.stories.model import Lines, Story, Topic
from sameside.demo.stories.shipping import ADDRESS_CHANGE, DAMAGED_GOODS, LATE_PARCEL, MISSING_PARCEL, WRONG_ITEM
from sameside.demo.stories.technical import APP_CRASH, APP_SYNC

TOPICS: tuple[Topic, ...] = (
    LATE_PARCEL,
    MISSING_PARCEL,
    DAMAGED_GOODS,
    WRONG_ITEM,
    REFUND_MISSING,
    DOUBLE_CHARGE,
    VAT_INVOICE,
    SUBSCRIPTION,
    PROMO_CODE,
    LOGIN,
    TWO_FACTOR,
    APP_CRASH,
    APP_SYNC,
    ADDRESS_CHANGE,
    PRIVACY,
    PAYMENT_DECLINED,
)

TOPIC_BY_KEY = {t.key: t for t in TOPICS}


def all_lines() -> list[Lines]:
    """What every story of every topic may say, defaults filled in."""
    return [topic.lines(story) for topic in TOPICS for story in topic.stories]


def templates() -> list[str]:
    """Every piece of text the plan may draw on (for checking the templates themselves)."""
    found: list[str] = []
    for lines in all_lines():
        found.extend(
            [
                *lines.subjects,
                *lines.openings,
                *lines.looking,
                *lines.handoffs,
                *lines.internal,
                *lines.backoffice,
                *lines.fixes,
                *lines.relapses,
            ]
        )
        found.extend(text for pair in lines.exchanges for text in pair)
    for pool in (
        CHASERS,
        THANKS,
        HOLDING,
        RESUMING,
        CONFIRM,
        AGENT_NOTES,
        RESOLVE_NOTES,
        REOPEN_NOTES,
        AGAIN_REPLIES,
        AGAIN_FIXES,
        FOLLOW_UPS,
        HANDOFF_REPLIES,
        BRIEF_TRIED,
        BRIEF_PROMISED,
        RESTATEMENT_LEADS,
        ESCALATIONS,
    ):
        found.extend(pool)
    return found


def staff_templates() -> list[str]:
    """The text agents send to customers."""
    found: list[str] = []
    for lines in all_lines():
        found.extend([*lines.looking, *lines.handoffs, *lines.fixes, *(ask for ask, _ in lines.exchanges)])
    return [*found, *HOLDING, *RESUMING, *CONFIRM, *AGAIN_REPLIES, *AGAIN_FIXES, *FOLLOW_UPS, *HANDOFF_REPLIES]


__all__ = [
    "AGAIN_FIXES",
    "AGAIN_REPLIES",
    "AGENT_NOTES",
    "ASSIGN_NOTES",
    "BRIEF_PROMISED",
    "BRIEF_TRIED",
    "CHASERS",
    "CONFIRM",
    "ESCALATIONS",
    "FOLLOW_UPS",
    "HANDOFF_REPLIES",
    "HOLDING",
    "PLACEHOLDERS",
    "REOPEN_NOTES",
    "RESOLVE_NOTES",
    "RESTATEMENT_LEADS",
    "RESUMING",
    "THANKS",
    "TOPICS",
    "TOPIC_BY_KEY",
    "TRIAGE_TAGS",
    "Lines",
    "Story",
    "Topic",
    "all_lines",
    "staff_templates",
    "templates",
]
