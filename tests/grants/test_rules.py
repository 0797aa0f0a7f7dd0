"""Grant rules without a database: money in minor units, which budget applies, the budget's period, policy ceilings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sameside.grants import rules
from sameside.grants.rules import BudgetLimit, GrantKind, GrantState, LimitRow, Money, Period
from sameside.kit.errors import Conflict, Invalid


def test_money_is_whole_minor_units_with_a_currency_and_reads_as_people_write_it() -> None:
    assert Money(3000, "EUR").words() == "30.00 €"
    assert Money(123456, "USD").words() == "1,234.56 $"
    assert Money(1250, "JPY").words() == "1,250 ¥"
    assert Money(5, "SEK").words() == "0.05 SEK"
    for bad in ((10.5, "EUR"), (True, "EUR"), (-1, "EUR"), (100, "eur"), (100, "EURO")):
        with pytest.raises(Invalid):
            Money(*bad)  # type: ignore[arg-type]


def test_a_persons_own_budget_beats_their_roles_in_their_team_which_beats_their_roles() -> None:
    role = LimitRow("agent", None, None, BudgetLimit(5000, "EUR"))
    in_team = LimitRow("agent", 7, None, BudgetLimit(8000, "EUR"))
    own = LimitRow(None, None, 42, BudgetLimit(20000, "EUR"))
    other_team = LimitRow("agent", 8, None, BudgetLimit(1, "EUR"))
    rows = [role, other_team, in_team, own]
    assert rules.budget_for(rows, staff_id=42, role="agent", team_id=7) == own.limit
    assert rules.budget_for(rows, staff_id=43, role="agent", team_id=7) == in_team.limit
    assert rules.budget_for(rows, staff_id=43, role="agent", team_id=None) == role.limit
    assert rules.budget_for(rows, staff_id=43, role="supervisor", team_id=7) is None


def test_a_grant_fits_a_budget_only_in_its_currency_and_up_to_the_last_cent() -> None:
    limit = BudgetLimit(10000, "EUR")
    assert rules.within_budget(limit, 7000, Money(3000, "EUR"))
    assert not rules.within_budget(limit, 7001, Money(3000, "EUR"))
    assert not rules.within_budget(limit, 0, Money(1, "USD"))
    assert not rules.within_budget(None, 0, Money(1, "EUR"))


def test_budget_periods_start_on_the_first_of_the_month_quarter_or_monday_in_utc() -> None:
    now = datetime(2026, 8, 20, 22, 30, tzinfo=UTC)  # a Thursday
    assert rules.period_start(now, Period.MONTH) == datetime(2026, 8, 1, tzinfo=UTC)
    assert rules.period_start(now, Period.QUARTER) == datetime(2026, 7, 1, tzinfo=UTC)
    assert rules.period_start(now, Period.WEEK) == datetime(2026, 8, 17, tzinfo=UTC)


def test_policy_ceilings_hold_for_everyone_and_say_the_limit() -> None:
    rules.check_policy(GrantKind.VOUCHER, Money(5000, "EUR"), 5000)
    rules.check_policy(GrantKind.VOUCHER, Money(10**9, "EUR"), None)
    with pytest.raises(Invalid, match=r"at most 50.00 €"):
        rules.check_policy(GrantKind.VOUCHER, Money(5001, "EUR"), 5000)


def test_a_grant_moves_only_forward() -> None:
    rules.check_turn(GrantState.REQUESTED, GrantState.APPROVED)
    rules.check_turn(GrantState.ISSUED, GrantState.REVERSED)
    for frm, to in ((GrantState.DECLINED, GrantState.ISSUED), (GrantState.REVERSED, GrantState.ISSUED)):
        with pytest.raises(Conflict):
            rules.check_turn(frm, to)


def test_amounts_are_read_as_people_type_them_and_never_through_a_float() -> None:
    assert rules.parse_amount("30", "EUR") == Money(3000, "EUR")
    assert rules.parse_amount(" 30,5 ", "EUR") == Money(3050, "EUR")
    assert rules.parse_amount("0.07", "EUR") == Money(7, "EUR")
    assert rules.parse_amount("1250", "JPY") == Money(1250, "JPY")
    assert rules.parse_amount("999999999.99", "EUR") == Money(99999999999, "EUR")
    for bad, currency in (
        ("30.505", "EUR"),
        ("12.5", "JPY"),
        ("-3", "EUR"),
        ("3e2", "EUR"),
        ("", "EUR"),
        ("1 000", "EUR"),
    ):
        with pytest.raises(Invalid):
            rules.parse_amount(bad, currency)
