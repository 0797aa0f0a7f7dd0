"""Offer rules without a database: two to four options in words, how long an offer stays open, when the
customer is reminded, what a late or second answer is told, and the message the customer reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sameside.grants.rules import GrantKind, Money, Purpose
from sameside.kit.errors import Conflict, Invalid
from sameside.offers import rules
from sameside.offers.rules import GrantTerms, OfferState, OptionSpec

REFUND = GrantTerms(GrantKind.REFUND, Purpose.REMEDY, Money(3000, "EUR"))


def _labels(*labels: str) -> list[OptionSpec]:
    return [OptionSpec(label) for label in labels]


def test_an_offer_holds_two_to_four_options_a_real_choice_and_not_a_maze() -> None:
    for count in (0, 1, 5):
        with pytest.raises(Invalid, match="Offer 2 to 4 options"):
            rules.clean_options(_labels(*(f"Option {n}" for n in range(count))))
    for count in (2, 3, 4):
        assert len(rules.clean_options(_labels(*(f"Option {n}" for n in range(count))))) == count


def test_each_option_is_said_in_tidy_words_and_keeps_its_grant() -> None:
    cleaned = rules.clean_options([OptionSpec("  A new kettle\n by\x00 Friday "), OptionSpec("A refund", REFUND)])
    assert cleaned == [OptionSpec("A new kettle by Friday"), OptionSpec("A refund", REFUND)]


def test_an_option_without_words_too_long_or_said_twice_is_refused_with_its_number() -> None:
    with pytest.raises(Invalid, match="Option 2 needs words"):
        rules.clean_options(_labels("Repair", "  \x00 "))
    with pytest.raises(Invalid, match="Option 1 may have at most 300 characters"):
        rules.clean_options(_labels("x" * 301, "Repair"))
    assert rules.clean_options(_labels("x" * 300, "Repair"))[0].label == "x" * 300
    with pytest.raises(Invalid, match="say the same thing"):
        rules.clean_options(_labels("Repair it", "repair   IT"))


def test_an_offer_stays_open_between_an_hour_and_thirty_days() -> None:
    for fine in (timedelta(hours=1), rules.EXPIRY_DEFAULT, timedelta(days=30)):
        rules.check_expiry(fine)
    for wrong in (timedelta(minutes=59), timedelta(days=30, seconds=1), timedelta(0), -timedelta(days=1)):
        with pytest.raises(Invalid, match="between one hour and thirty days"):
            rules.check_expiry(wrong)
    assert timedelta(days=7) == rules.EXPIRY_DEFAULT


def test_the_customer_is_reminded_a_day_before_or_a_quarter_of_a_shorter_offers_time() -> None:
    assert rules.warn_before(timedelta(days=7)) == timedelta(days=1)
    assert rules.warn_before(timedelta(days=4)) == timedelta(days=1)
    assert rules.warn_before(timedelta(hours=8)) == timedelta(hours=2)
    assert rules.warn_before(timedelta(hours=1)) == timedelta(minutes=15)


def test_only_an_open_offer_is_answered_and_a_second_answer_says_what_became_of_it() -> None:
    rules.check_open(OfferState.OPEN)
    told = {
        OfferState.CHOSEN: "an option was chosen",
        OfferState.COUNTERED: "you told us what you would like instead",
        OfferState.EXPIRED: "This offer is expired",
        OfferState.WITHDRAWN: "This offer is withdrawn",
    }
    for state, words in told.items():
        with pytest.raises(Conflict, match=words) as refused:
            rules.check_open(state)
        assert refused.value.status == 409


def test_the_customers_own_proposal_is_kept_as_written_within_reason() -> None:
    assert rules.clean_counter("  Repair it,\nand lend me one meanwhile.\x00 ") == (
        "Repair it,\nand lend me one meanwhile."
    )
    with pytest.raises(Invalid, match="what you would like instead"):
        rules.clean_counter(" \n\x00")
    assert len(rules.clean_counter("x" * rules.COUNTER_MAX)) == rules.COUNTER_MAX
    with pytest.raises(Invalid, match="5,000 characters"):
        rules.clean_counter("x" * (rules.COUNTER_MAX + 1))


def test_the_customer_reads_each_option_with_its_link_a_way_to_say_something_else_and_the_deadline() -> None:
    text = rules.customer_text(
        "We are sorry, Dana.",
        ["A new kettle by Friday", "A refund of 30 €"],
        ["https://x/offers/1/1", "https://x/offers/1/2"],
        "https://x/offers/1/other",
        "Friday 11 December, 17:00 UTC",
    )
    assert text.splitlines() == [
        "We are sorry, Dana.",
        "",
        "1. A new kettle by Friday",
        "   Choose this: https://x/offers/1/1",
        "2. A refund of 30 €",
        "   Choose this: https://x/offers/1/2",
        "",
        "None of these? Tell us what you would like instead: https://x/offers/1/other",
        "These options are open until Friday 11 December, 17:00 UTC.",
    ]
    plain = rules.customer_text("  ", ["A", "B"], ["l1", "l2"], "lo", "soon")
    assert plain.startswith("We would like to put this right. Please choose:\n")
    with pytest.raises(ValueError):
        rules.customer_text(None, ["A", "B"], ["only one link"], "lo", "soon")
