"""Times and text as people read them: due times in words, a first line cut at a word."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sameside.kit.words import due_in, first_line, span

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_due_times_read_as_words() -> None:
    assert due_in(NOW + timedelta(hours=3, minutes=5), NOW) == "due in 3 h"
    assert due_in(NOW + timedelta(minutes=40), NOW) == "due in 40 min"
    assert due_in(NOW - timedelta(hours=2), NOW) == "overdue by 2 h"
    assert due_in(NOW + timedelta(days=3), NOW) == "due in 3 days"
    assert span(-5) == "0 min"


def test_a_first_line_is_cut_at_a_word_never_mid_word() -> None:
    answer = "Yes, the parcel left the depot this morning with DHL\nTracking follows."
    assert first_line(answer) == "Yes, the parcel left the depot this morning with DHL"
    cut = first_line("The refund was approved yesterday and should reach the card within three days", 40)
    assert cut == "The refund was approved yesterday and…"
    assert len(cut) <= 40
    assert first_line("\n\n  spaced   out  \nsecond") == "spaced out"
    assert first_line("x" * 50, 10) == "x" * 9 + "…"  # one enormous word is cut where it must be
    assert first_line("") == ""
