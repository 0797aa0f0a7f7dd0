"""What a query means and how a hit is shown: plain Python, no database."""

from __future__ import annotations

import random
import sqlite3

import pytest

from sameside.kit.errors import Invalid
from sameside.search import rules
from sameside.search.rules import Term


def test_words_order_numbers_addresses_and_phrases_become_terms() -> None:
    query = rules.parse('refund A-10023 ana.lima@example.com ORD123456 "left at the door"')
    assert query.terms == (
        Term(("left", "at", "the", "door")),
        Term(("refund",)),
        Term(("a", "10023")),
        Term(("ana", "lima", "example", "com")),
        Term(("ord123456",)),
    )
    assert query.case_number is None


def test_a_phone_number_typed_with_spaces_is_one_term_its_digits_or_its_groups() -> None:
    query = rules.parse("call +44 20 7946 0958 back")
    assert Term(("442079460958",), (("44", "20", "7946", "0958"),)) in query.terms
    assert Term(("call",)) in query.terms and Term(("back",)) in query.terms


@pytest.mark.parametrize(("text", "number"), [("#168", 168), ("168", 168), (" 42 ", 42), ("#0", None), ("A-1", None)])
def test_a_case_number_alone_is_recognised(text: str, number: int | None) -> None:
    assert rules.parse(text).case_number == number


@pytest.mark.parametrize("text", ["", "   ", "!!! ---", '""', "\u0301"])
def test_nothing_to_search_for_is_refused_saying_what_to_type(text: str) -> None:
    with pytest.raises(Invalid, match=r"^q: type a word"):
        rules.parse(text)


def test_too_long_or_too_many_terms_is_refused_precisely() -> None:
    with pytest.raises(Invalid, match="at most 200 characters; this one has 201"):
        rules.parse("a" * 201)
    with pytest.raises(Invalid, match="at most 8 words"):
        rules.parse("a b c d e f g h i")


def test_the_fts5_expression_is_quoted_phrases_only() -> None:
    query = rules.parse('A-10023 refund "NEAR(x y)" OR * +44 20 7946 0958')
    assert rules.fts5_match(query) == (
        '"near x y" AND ("442079460958" OR "44 20 7946 0958") AND "a 10023" AND "refund" AND "or"'
    )


def test_no_input_makes_a_bad_fts5_expression() -> None:
    """Random text, control characters and astral planes included: what FTS5 gets always parses."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='porter unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t VALUES ('Order A-10023 from ana.lima@example.com, tel +44 20 7946 0958')")
    rng = random.Random(15)
    alphabet = [*'"*^:()-+.@#NEARORAND ', "\x00", "\u0301", "\u2167", "ß", "\U0001f600", "\ufeff"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) if rng.random() < 0.7 else chr(rng.randint(1, 0x2FFF)) for _ in range(9))
        try:
            query = rules.parse(text)
        except Invalid:
            continue
        conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (rules.fts5_match(query),)).fetchone()
    for text in ("A-10023", "ana.lima@example.com", "+44 20 7946 0958", "order", "tel 0958"):
        found = conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (rules.fts5_match(rules.parse(text)),))
        assert found.fetchone() == (1,), text


def test_highlight_escapes_html_and_marks_whole_tokens_and_phrases() -> None:
    query = rules.parse("refund A-10023")
    assert rules.highlight("<b>Refunds</b> for A-10023 & a 10023", query) == (
        "&lt;b&gt;<mark>Refunds</mark>&lt;/b&gt; for <mark>A-10023</mark> &amp; <mark>a 10023</mark>"
    )
    assert rules.highlight("refunding", rules.parse("refund")) == "<mark>refunding</mark>"
    assert rules.highlight("Müller", rules.parse("muller")) == "<mark>Müller</mark>"


def test_the_snippet_comes_from_the_message_with_most_terms_around_its_first_hit() -> None:
    body = rules.MESSAGE_SEPARATOR.join(
        [
            "My parcel with order A-10023 never came. " + "Filler words here. " * 20 + "Please send a refund.",
            "Still waiting on the refund.",
        ]
    )
    query = rules.parse("refund A-10023")
    snippet = rules.snippet(body, "Ana Lima ana@example.com", query, width=80)
    assert snippet.startswith("My parcel with order <mark>A-10023</mark> never came.")
    assert snippet.endswith("…")
    assert len(snippet) < 120


def test_a_snippet_without_a_hit_in_the_conversation_shows_the_address_or_the_latest_message() -> None:
    body = rules.MESSAGE_SEPARATOR.join(["first message", "latest   message\n here"])
    assert rules.snippet(body, "Ana Lima ana@example.com", rules.parse("ana@example.com")) == (
        "Ana Lima <mark>ana@example.com</mark>"
    )
    assert rules.snippet(body, "Ana Lima", rules.parse("zebra")) == "latest message here"
    assert rules.snippet("", "", rules.parse("zebra")) == ""
