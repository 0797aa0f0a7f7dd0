"""Tell it once (P2): a repeat is noticed, a new thought is not, and the tone is read for the brief."""

from __future__ import annotations

from sameside.cases.signals.restatement import find_restatement
from sameside.cases.signals.sentiment import describe, tone

FIRST = "I was charged twice for order 4411 and I want the second charge refunded please."


def test_a_customer_repeating_their_story_is_noticed() -> None:
    again = "As I said before: I was charged twice for order 4411 and I want the second charge refunded."

    found = find_restatement(again, ["Thanks for the quick answer.", FIRST])

    assert found is not None and found.index == 1 and found.score >= 0.5


def test_a_new_thought_or_a_short_nudge_is_not_a_restatement() -> None:
    assert find_restatement("Also, the delivery address on my invoice is wrong, it should be Berlin.", [FIRST]) is None
    assert find_restatement("Any news?", [FIRST]) is None
    assert find_restatement(FIRST, []) is None


def test_a_repeat_is_found_among_fifty_earlier_messages() -> None:
    earlier = [f"{FIRST} Message number {i} with some more words about the parcel and the courier." for i in range(50)]

    found = find_restatement(FIRST, earlier)

    assert found is not None and found.score == 1.0


def test_the_tone_of_a_customer_is_described_for_a_colleague_to_check() -> None:
    angry = tone(["This is the third time I write. This is unacceptable and I am furious!"])
    pleased = tone(["Thank you so much, that was wonderful help!"])

    assert angry < -0.3 < 0.3 < pleased
    assert describe(angry).startswith("Upset") and "please check" in describe(angry)
    assert describe(tone([])).startswith("Neutral")
