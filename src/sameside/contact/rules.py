"""Which messages are essential, how many of the rest a customer may get, and the settings' bounds. Pure.

Essential: what the customer is waiting for or must know — an answer, a
notice of one on the portal, the acknowledgement of their own message, a
sign-in or address-confirmation link, an incident notice, anything about
their account's security. Never capped.

Not essential: what we would like them to do or read — a survey, a
reminder, a marketing-like notice. At most `cap` of these reach one
customer in any `period_days`, counted across all their cases. A purpose
nobody has classified counts as not essential, so a new sender is capped
until someone decides otherwise (and `tests/contact` fails until they do).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sameside.kit.errors import Invalid


class Need(StrEnum):
    ESSENTIAL = "essential"
    OPTIONAL = "optional"
    """Not essential: capped by the policy."""


PURPOSES: dict[str, Need] = {
    # What mail.outbox sends today, by its `purpose`.
    "reply": Need.ESSENTIAL,
    "reply_notice": Need.ESSENTIAL,
    "acknowledgement": Need.ESSENTIAL,
    "magic_link": Need.ESSENTIAL,
    "address_confirmation": Need.ESSENTIAL,
    "address_notice": Need.ESSENTIAL,
    "chat_confirmation": Need.ESSENTIAL,
    "notification": Need.ESSENTIAL,  # to staff, who chose the kind: never a customer
    "staff_invitation": Need.ESSENTIAL,  # a staff sign-in link
    "security": Need.ESSENTIAL,
    "incident_notice": Need.ESSENTIAL,  # P11: told because they are affected, or asked to be
    # Asked of the policy before they are sent.
    "survey": Need.OPTIONAL,
    "reminder": Need.OPTIONAL,
    "marketing": Need.OPTIONAL,
}

WORDS = {
    "survey": "the survey",
    "reminder": "a reminder",
    "marketing": "a notice",
}
"""How a held message is named in a timeline line ("a reminder was not sent: …")."""


def classify(purpose: str) -> Need:
    """Essential or not; a purpose nobody classified is not essential."""
    return PURPOSES.get(purpose, Need.OPTIONAL)


@dataclass(frozen=True, slots=True)
class Policy:
    """The business's contact policy (an admin's, else these defaults)."""

    cap: int = 2
    """Non-essential messages one customer may get in `period_days`, across all their cases."""
    period_days: int = 7
    survey_interval_days: int = 30
    """At most one survey per customer in this many days."""
    survey_delay_minutes: int = 60
    """A survey is considered this long after a case is resolved, so a quick reopen cancels it."""
    surveys_on: bool = True
    stored: bool = False
    """Whether an admin saved it (else these are the defaults)."""


BOUNDS = {
    "cap": (0, 20, "messages"),
    "period_days": (1, 90, "days"),
    "survey_interval_days": (1, 365, "days"),
    "survey_delay_minutes": (0, 7 * 24 * 60, "minutes"),
}


def check(policy: Policy) -> None:
    """Refuse settings out of their bounds, saying which and what is allowed."""
    for name, (low, high, unit) in BOUNDS.items():
        value = getattr(policy, name)
        if not low <= value <= high:
            label = name.replace("_", " ")
            raise Invalid(f"The {label} must be between {low} and {high} {unit}.")


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    need: Need
    reason: str | None = None
    """Why it was held, in words an agent can repeat to the customer."""


def decide(purpose: str, sent_in_period: int, policy: Policy) -> Verdict:
    """May one more message for `purpose` go to a customer who had `sent_in_period` non-essential ones lately?"""
    need = classify(purpose)
    if need is Need.ESSENTIAL:
        return Verdict(True, need)
    if sent_in_period >= policy.cap:
        days = "day" if policy.period_days == 1 else f"{policy.period_days} days"
        had = "none allowed" if policy.cap == 0 else f"at most {policy.cap}"
        return Verdict(
            False,
            need,
            f"they have had {sent_in_period} non-essential messages from us in the last {days} ({had})",
        )
    return Verdict(True, need)
