"""The contact policy without a database: what is essential, the cap, the bounds, and every sender classified."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sameside.contact import rules
from sameside.contact.rules import Need, Policy
from sameside.kit.errors import Invalid

SOURCE = Path(__file__).resolve().parents[2] / "src" / "sameside"


@pytest.mark.parametrize(
    "purpose",
    ["reply", "reply_notice", "acknowledgement", "magic_link", "address_confirmation", "incident_notice", "security"],
)
def test_answers_security_and_incident_notices_are_essential_and_never_capped(purpose: str) -> None:
    assert rules.classify(purpose) is Need.ESSENTIAL
    verdict = rules.decide(purpose, sent_in_period=50, policy=Policy(cap=0))
    assert verdict.allowed and verdict.reason is None


@pytest.mark.parametrize("purpose", ["survey", "reminder", "marketing", "something_new"])
def test_surveys_reminders_notices_and_anything_unclassified_are_capped(purpose: str) -> None:
    assert rules.classify(purpose) is Need.OPTIONAL
    assert rules.decide(purpose, sent_in_period=1, policy=Policy(cap=2)).allowed
    held = rules.decide(purpose, sent_in_period=2, policy=Policy(cap=2, period_days=7))
    assert not held.allowed
    assert held.reason == "they have had 2 non-essential messages from us in the last 7 days (at most 2)"


def test_a_cap_of_nothing_holds_every_non_essential_message_and_says_so() -> None:
    held = rules.decide("reminder", sent_in_period=0, policy=Policy(cap=0, period_days=1))
    assert not held.allowed
    assert held.reason == "they have had 0 non-essential messages from us in the last day (none allowed)"


def test_the_defaults_are_two_a_week_and_a_survey_a_month_an_hour_after_resolution() -> None:
    policy = Policy()
    assert (policy.cap, policy.period_days, policy.survey_interval_days, policy.survey_delay_minutes) == (2, 7, 30, 60)
    rules.check(policy)


@pytest.mark.parametrize(
    ("changed", "said"),
    [
        ({"cap": 21}, "The cap must be between 0 and 20 messages."),
        ({"period_days": 0}, "The period days must be between 1 and 90 days."),
        ({"survey_interval_days": 400}, "The survey interval days must be between 1 and 365 days."),
        ({"survey_delay_minutes": -1}, "The survey delay minutes must be between 0 and 10080 minutes."),
    ],
)
def test_settings_out_of_bounds_are_refused_by_name(changed: dict[str, int], said: str) -> None:
    with pytest.raises(Invalid, match=re.escape(said)):
        rules.check(Policy(**changed))  # type: ignore[arg-type]


def test_every_purpose_the_code_sends_mail_for_is_classified() -> None:
    """A new sender must say whether its mail is essential (else it is capped, silently to its author)."""
    sent = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        sent |= set(re.findall(r'purpose ?= ?"([a-z_]+)"', text))
        sent |= set(re.findall(r'(?<!\w)(?:PURPOSE|CONFIRMATION_PURPOSE) = "([a-z_]+)"', text))
    sent -= {"remedy", "goodwill"}  # a grant's purpose, not mail's
    assert {"reply", "magic_link", "survey"} <= sent
    assert not sent - set(rules.PURPOSES), f"classify these in contact.rules.PURPOSES: {sent - set(rules.PURPOSES)}"
