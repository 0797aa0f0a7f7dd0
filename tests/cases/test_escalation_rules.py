"""The escalation detector: requests for someone senior, in four languages, and the everyday words that are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sameside.cases.escalation.rules import (
    QUIET_PERIOD,
    asks_for_escalation,
    describe_minutes,
    priority_after,
    tells_people,
)
from sameside.cases.rules import Priority

ASKS = [
    ("I want to speak to a manager.", "speak to a manager"),
    ("Let me talk to your supervisor", "talk to your supervisor"),
    ("Put me through to your boss!", "Put me through to your boss"),
    ("Third time now. Escalate this please.", "Escalate this"),
    ("Please escalate.", "Please escalate"),
    ("Can I speak to someone senior?", "speak to someone senior"),
    ("I'd like to speak with someone more senior", "speak with someone more senior"),
    ("Your boss should hear about this.", "Your boss"),
    ("I demand a supervisor", "demand a supervisor"),
    ("Could I have a manager call me back?", "Could I have a manager"),
    ("Get me someone in charge", "Get me someone in charge"),
    ("I want this escalated", "want this escalated"),
    ("I want to talk to management", "talk to management"),
    ("I’m requesting an escalation.", "requesting an escalation"),
    ("MANAGER. NOW.", "MANAGER. NOW."),
    ("Ich möchte mit Ihrem Vorgesetzten sprechen.", "Ihrem Vorgesetzten"),
    ("Bitte verbinden Sie mich mit der Geschäftsführung.", "mit der Geschäftsführung"),
    ("Ich will den Vorgesetzten sprechen", "den Vorgesetzten sprechen"),
    ("Je veux parler à un responsable.", "parler à un responsable"),
    ("Je voudrais parler au responsable", "parler au responsable"),
    ("Passez-moi votre supérieur, s'il vous plaît.", "votre supérieur"),
    ("Quiero hablar con el gerente.", "hablar con el gerente"),
    ("Páseme con un supervisor por favor", "Páseme con un supervisor"),
    ("Necesito hablar con el encargado", "hablar con el encargado"),
    ("Quiero hablar con su supervisor", "hablar con su supervisor"),
    ("Why won't you let me speak to a manager?", "speak to a manager"),
    ("Warum darf ich nicht mit Ihrem Vorgesetzten sprechen?", "Ihrem Vorgesetzten"),
]

NOT_ASKS = [
    "My manager asked me to order 20 chairs.",
    "Our supervisor approved the purchase.",
    "I will ask my supervisor and get back to you.",
    "My boss wants an invoice with our VAT number.",
    "The account manager field is empty.",
    "I'm the office manager at Acme.",
    "We need a manager account for our team.",
    "We need management approval first.",
    "I need the manager's approval form.",
    "I have a manager who signs off purchases.",
    "Our project manager will call you.",
    "The package manager crashed.",
    "The escalator in your store is broken.",
    "Costs escalate quickly these days.",
    "I don't need a manager, just my refund.",
    "No need to escalate, just send the label.",
    "> I want to speak to a manager\nThanks, all sorted now.",
    "Mein Vorgesetzter hat mich gebeten, das zu bestellen.",
    "Ich habe ein Problem mit der Leitung.",
    "Vous êtes responsable de ce retard.",
    "Je ne veux pas parler à un responsable, juste un remboursement.",
    "Mi gerente me pidió que hiciera el pedido.",
    "Necesito un responsable de compras en mi empresa.",
    "No quiero hablar con el gerente, solo quiero mi dinero.",
    "Thanks for your help!",
    "",
]


@pytest.mark.parametrize(("text", "phrase"), ASKS)
def test_a_request_for_someone_senior_is_found_with_its_words(text: str, phrase: str) -> None:
    found = asks_for_escalation(text)
    assert found is not None, text
    assert found.phrase == phrase


@pytest.mark.parametrize("text", NOT_ASKS)
def test_everyday_mentions_of_managers_are_not_requests(text: str) -> None:
    assert asks_for_escalation(text) is None


def test_an_ask_later_in_a_long_message_is_found() -> None:
    text = "Hello,\n\nmy manager asked me to order these.\nThey never came. I want to speak to a manager today."
    found = asks_for_escalation(text)
    assert found is not None and found.phrase == "speak to a manager"


def test_an_escalated_case_is_worked_at_high_priority_or_above() -> None:
    assert priority_after(Priority.LOW) is Priority.HIGH
    assert priority_after(Priority.NORMAL) is Priority.HIGH
    assert priority_after(Priority.HIGH) is None
    assert priority_after(Priority.URGENT) is None  # never lowered


def test_a_repeat_within_the_quiet_period_tells_nobody_again() -> None:
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert tells_people(None, now)
    assert not tells_people(now - timedelta(hours=2), now)
    assert tells_people(now - QUIET_PERIOD, now)


def test_waits_are_described_as_a_person_would() -> None:
    assert describe_minutes(40) == "40 min"
    assert describe_minutes(3 * 60 + 5) == "3 h"
    assert describe_minutes(3 * 24 * 60) == "3 days"
