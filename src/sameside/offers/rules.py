"""What an offer may hold and what may happen to it. Pure: no database, no web."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sameside.grants.rules import GrantKind, Money, Purpose
from sameside.kit.errors import Conflict, Invalid

OPTIONS_MIN, OPTIONS_MAX = 2, 4
LABEL_MAX = 300
COUNTER_MAX = 5000
EXPIRY_MIN, EXPIRY_MAX = timedelta(hours=1), timedelta(days=30)
EXPIRY_DEFAULT = timedelta(days=7)


class OfferState(StrEnum):
    OPEN = "open"
    CHOSEN = "chosen"
    COUNTERED = "countered"
    """The customer proposed something else, in their words: back to the owner."""
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    """Replaced by a newer offer on the same case."""


class Via(StrEnum):
    PORTAL = "portal"
    EMAIL = "email"
    """A signed link from the email, confirmed on its page (a GET never chooses)."""


@dataclass(frozen=True)
class GrantTerms:
    kind: GrantKind
    purpose: Purpose
    money: Money


@dataclass(frozen=True)
class OptionSpec:
    label: str
    grant: GrantTerms | None = None


def clean_options(options: list[OptionSpec]) -> list[OptionSpec]:
    """Two to four options, each said in words; refuses the same words twice."""
    if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
        raise Invalid(f"Offer {OPTIONS_MIN} to {OPTIONS_MAX} options: a real choice, and not a maze.")
    cleaned: list[OptionSpec] = []
    for number, option in enumerate(options, start=1):
        label = " ".join(option.label.replace("\x00", "").split())
        if not label:
            raise Invalid(f"Option {number} needs words: what the customer gets.")
        if len(label) > LABEL_MAX:
            raise Invalid(f"Option {number} may have at most {LABEL_MAX} characters.")
        cleaned.append(OptionSpec(label, option.grant))
    if len({o.label.casefold() for o in cleaned}) != len(cleaned):
        raise Invalid("Two options say the same thing: make each one different.")
    return cleaned


def check_expiry(expires_in: timedelta) -> None:
    if not EXPIRY_MIN <= expires_in <= EXPIRY_MAX:
        raise Invalid("An offer stays open between one hour and thirty days.")


def warn_before(expires_in: timedelta) -> timedelta:
    """How long before it expires the customer is told: a day, or a quarter of a shorter offer's time."""
    return min(timedelta(days=1), expires_in / 4)


def check_open(state: OfferState) -> None:
    if state is OfferState.CHOSEN:
        raise Conflict("This offer has been answered already: an option was chosen.")
    if state is OfferState.COUNTERED:
        raise Conflict("This offer has been answered already: you told us what you would like instead.")
    if state is not OfferState.OPEN:
        raise Conflict(f"This offer is {state.value}: ask us for a new one on your case.")


def clean_counter(text: str) -> str:
    text = text.replace("\x00", "").strip()
    if not text:
        raise Invalid("Tell us what you would like instead.")
    if len(text) > COUNTER_MAX:
        raise Invalid(f"Please keep it to {COUNTER_MAX:,} characters.")
    return text


def customer_text(intro: str | None, labels: list[str], links: list[str], counter_link: str, expires: str) -> str:
    """The message the customer reads: the options, a link to choose each, and a way to say something else."""
    lines = [intro.strip()] if intro and intro.strip() else ["We would like to put this right. Please choose:"]
    lines.append("")
    for number, (label, link) in enumerate(zip(labels, links, strict=True), start=1):
        lines += [f"{number}. {label}", f"   Choose this: {link}"]
    lines += [
        "",
        f"None of these? Tell us what you would like instead: {counter_link}",
        f"These options are open until {expires}.",
    ]
    return "\n".join(lines)
