"""Calls as pure rules: durations as agents type them, what a call must say, one number written two ways."""

from __future__ import annotations

import pytest

from sameside.callbacks.rules import CallbackOutcome
from sameside.calls import rules
from sameside.calls.rules import Direction, Outcome
from sameside.kit.errors import Invalid


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("", 0), ("5", 300), ("4:30", 270), ("1:02:03", 3723), ("90s", 90), ("12 min", 720), ("1 h 5 min", 3900)],
)
def test_a_duration_is_read_as_agents_write_it(typed: str, seconds: int) -> None:
    assert rules.parse_duration(typed) == seconds


@pytest.mark.parametrize("typed", ["soon", "4:75", "5 minutes ago", "-3"])
def test_a_duration_that_is_not_one_says_how_to_write_it(typed: str) -> None:
    with pytest.raises(Invalid, match="4:30"):
        rules.parse_duration(typed)


def test_an_answered_call_lasted_some_time_and_an_unanswered_one_none() -> None:
    with pytest.raises(Invalid, match="How long"):
        rules.check_call(Direction.OUTBOUND, Outcome.ANSWERED, 0)
    assert rules.check_call(Direction.OUTBOUND, Outcome.ANSWERED, 270) == 270
    assert rules.check_call(Direction.OUTBOUND, Outcome.NO_ANSWER, 45) == 0  # the ringing is not a call
    assert rules.check_call(Direction.OUTBOUND, Outcome.VOICEMAIL, 30) == 30
    with pytest.raises(Invalid, match="between 0 and 8 hours"):
        rules.check_call(Direction.INBOUND, Outcome.ANSWERED, 9 * 3600)


def test_a_call_they_made_to_us_was_picked_up() -> None:
    with pytest.raises(Invalid, match="answered"):
        rules.check_call(Direction.INBOUND, Outcome.NO_ANSWER, 0)
    assert rules.check_call(Direction.INBOUND, Outcome.WRONG_NUMBER, 20) == 20


def test_each_call_outcome_says_how_a_booked_call_went() -> None:
    assert rules.callback_outcome(Outcome.ANSWERED) is CallbackOutcome.REACHED
    assert rules.callback_outcome(Outcome.BUSY) is CallbackOutcome.NO_ANSWER
    assert {rules.callback_outcome(o) for o in Outcome} == set(CallbackOutcome)


@pytest.mark.parametrize(
    ("number", "code"),
    [("+44 20 7946 0000", "44"), ("+1 212 555 0100", "1"), ("+353 1 234 5678", "353"), ("020 7946 0000", None)],
)
def test_the_country_code_comes_from_an_international_number(number: str, code: str | None) -> None:
    assert rules.country_code_of(number) == code


def test_a_national_number_is_looked_for_in_both_forms() -> None:
    assert rules.phone_forms("020 7946 0018", "44") == ["+442079460018", "02079460018"]
    assert rules.phone_forms("+44 (0)20-7946", "44")[0].startswith("+44")
    assert rules.phone_forms("+44 20 7946 0018", "44") == ["+442079460018", "02079460018"]
    assert rules.phone_forms("020 7946 0018", None) == ["02079460018"]
    assert rules.phone_forms("0207", "44") == ["+44207", "0207"]  # the start of a number, as typed so far
    assert rules.international("0049301234", "44") == "0049301234"  # 00 is an international prefix, kept


def test_a_call_reads_in_minutes_and_seconds() -> None:
    assert (rules.say_duration(270), rules.say_duration(300), rules.say_duration(45), rules.say_duration(0)) == (
        "4 min 30 s",
        "5 min",
        "45 s",
        "",
    )
