"""What a grant is, what it may become, and what a budget allows. Pure: no database, no web.

Money is always an integer count of the currency's minor unit (cents for
EUR, yen for JPY), with the currency's ISO 4217 code beside it: never a float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sameside.kit.errors import Conflict, Invalid


class GrantKind(StrEnum):
    REFUND = "refund"
    CREDIT = "credit"
    REPLACEMENT = "replacement"
    VOUCHER = "voucher"


class Purpose(StrEnum):
    REMEDY = "remedy"
    """Making good what went wrong."""
    GOODWILL = "goodwill"
    """A gesture beyond what was owed."""


class GrantState(StrEnum):
    REQUESTED = "requested"
    """Above the granter's budget: waiting for a supervisor of the case's team."""
    APPROVED = "approved"
    """A supervisor said yes; issued in the same step when we carry it out ourselves."""
    ISSUED = "issued"
    DECLINED = "declined"
    REVERSED = "reversed"


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    WEEK = "week"


TRANSITIONS: dict[GrantState, frozenset[GrantState]] = {
    GrantState.REQUESTED: frozenset({GrantState.APPROVED, GrantState.DECLINED}),
    GrantState.APPROVED: frozenset({GrantState.ISSUED}),
    GrantState.ISSUED: frozenset({GrantState.REVERSED}),
    GrantState.DECLINED: frozenset(),
    GrantState.REVERSED: frozenset(),
}

# ISO 4217 currencies whose minor unit is not a hundredth (all others: two decimals).
_EXPONENTS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF"}
AMOUNT_MAX = 10**12
"""A bound no real grant reaches (ten billion euros in cents), so sums stay exact in 64 bits."""
REASON_MAX = 2000


@dataclass(frozen=True)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if not _CURRENCY.match(self.currency):
            raise Invalid(f"{self.currency!r} is not a currency code: use three capital letters, such as EUR.")
        if isinstance(self.amount_minor, bool) or not isinstance(self.amount_minor, int):
            raise Invalid("An amount is a whole number of the currency's smallest unit (cents for EUR).")
        if not 0 <= self.amount_minor <= AMOUNT_MAX:
            raise Invalid(f"An amount is between 0 and {AMOUNT_MAX:,} (in the currency's smallest unit).")

    def words(self) -> str:
        """ "30.00 €", "1,250 ¥", "12.50 USD": as people read an amount."""
        exponent = _EXPONENTS.get(self.currency, 2)
        whole, minor = divmod(self.amount_minor, 10**exponent)
        figure = f"{whole:,}" + (f".{minor:0{exponent}d}" if exponent else "")
        return f"{figure} {_SYMBOLS.get(self.currency, self.currency)}"


def check_turn(state: GrantState, to: GrantState) -> None:
    if to not in TRANSITIONS[state]:
        raise Conflict(f"A grant that is {state.value} cannot become {to.value}.")


def clean_reason(reason: str, *, what: str = "the reason") -> str:
    reason = reason.replace("\x00", "").strip()
    if not reason:
        raise Invalid(f"Write {what}: the customer's next agent reads it.")
    if len(reason) > REASON_MAX:
        raise Invalid(f"{what[0].upper()}{what[1:]} may have at most {REASON_MAX:,} characters.")
    return reason


def period_start(now: datetime, period: Period) -> datetime:
    """The start (UTC) of the budget period `now` falls in: the calendar month, quarter or ISO week."""
    now = now.astimezone(UTC)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period is Period.MONTH:
        return day.replace(day=1)
    if period is Period.QUARTER:
        return day.replace(month=(now.month - 1) // 3 * 3 + 1, day=1)
    return day - timedelta(days=now.weekday())


@dataclass(frozen=True)
class BudgetLimit:
    """A budget: so much per period, in one currency."""

    amount_minor: int
    currency: str
    period: Period = Period.MONTH


@dataclass(frozen=True)
class LimitRow:
    """One stored budget setting: for a role, a role in one team, or one person."""

    role: str | None
    team_id: int | None
    staff_id: int | None
    limit: BudgetLimit


def budget_for(rows: list[LimitRow], *, staff_id: int, role: str, team_id: int | None) -> BudgetLimit | None:
    """The budget that applies to one person: their own, else their role's in their team, else their role's.

    None when nothing applies: then every grant of theirs asks a supervisor.
    """
    own = [r for r in rows if r.staff_id == staff_id]
    in_team = [
        r for r in rows if r.staff_id is None and r.role == role and r.team_id is not None and r.team_id == team_id
    ]
    for_role = [r for r in rows if r.staff_id is None and r.role == role and r.team_id is None]
    for found in (own, in_team, for_role):
        if found:
            return found[0].limit
    return None


def within_budget(limit: BudgetLimit | None, spent_minor: int, money: Money) -> bool:
    """May this grant be issued at once from a budget with `spent_minor` already spent this period?"""
    return (
        limit is not None
        and limit.currency == money.currency
        and spent_minor + money.amount_minor <= limit.amount_minor
    )


def check_policy(kind: GrantKind, money: Money, max_minor: int | None) -> None:
    """Nothing may be granted that policy does not allow (P7): each kind may have a ceiling per currency."""
    if max_minor is not None and money.amount_minor > max_minor:
        ceiling = Money(max_minor, money.currency).words()
        raise Invalid(
            f"Policy allows a {kind.value} of at most {ceiling}: nobody may grant more, a supervisor included."
        )


_AMOUNT = re.compile(r"^\s*(\d{1,12})(?:[.,](\d+))?\s*$")


def parse_amount(text: str, currency: str) -> Money:
    """An amount as a person types it ("30", "30.50", "30,5") in `currency`, as exact minor units."""
    exponent = _EXPONENTS.get(currency, 2)
    found = _AMOUNT.match(text.replace("\u00a0", " ").replace("_", ""))
    if found is None:
        raise Invalid(f"Write the amount as a number, such as 30 or 30.50 (in {currency}).")
    whole, fraction = found.group(1), found.group(2) or ""
    if len(fraction) > exponent:
        places = f"{exponent} decimal places" if exponent else "no decimals"
        raise Invalid(f"{currency} amounts have {places}.")
    return Money(int(whole) * 10**exponent + int(fraction.ljust(exponent, "0") or 0), currency)
