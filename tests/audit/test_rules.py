"""What the audit log keeps of a value: secrets masked, long text cut, everything JSON-ready."""

from __future__ import annotations

from datetime import UTC, datetime

from sameside.audit import rules
from sameside.kit.actors import Role


def test_secrets_are_masked_by_their_column_name() -> None:
    for column in ("password_hash", "token_digest", "confirm_digest", "secret", "thread_key", "csrf_token"):
        assert rules.kept(column, "s3cr3t-value") == rules.MASK, column
    assert rules.kept("password_hash", None) is None  # no secret to hide: "there was none" is kept
    assert rules.kept("name", "Billing") == "Billing"
    assert rules.kept("monkey", "not a key") == "not a key"


def test_values_are_kept_as_json() -> None:
    assert rules.kept("role", Role.ADMIN) == "admin"
    assert rules.kept("at", datetime(2026, 12, 5, 14, 30, tzinfo=UTC)) == "2026-12-05T14:30:00+00:00"
    assert rules.kept("languages", ["de", "en"]) == ["de", "en"]
    assert rules.kept("blob", b"\x00\x01") == "(2 bytes)"


def test_long_text_is_cut_short_and_says_how_long_it_was() -> None:
    kept = rules.kept("body", "x" * 5000)
    assert kept.startswith("x" * rules.TEXT_LIMIT)
    assert kept.endswith("(5,000 characters)")
    assert rules.kept("data", {"lines": ["y" * 100] * 50}) == "(5,211 characters of data)"


def test_bookkeeping_tables_are_not_recorded_and_new_ones_are() -> None:
    assert not rules.recorded("jobs")
    assert not rules.recorded("audit_log")
    assert rules.recorded("teams")
    assert rules.recorded("a_table_a_feature_adds_tomorrow")


def test_a_key_of_several_columns_reads_as_one() -> None:
    assert rules.entity_id([12]) == "12"
    assert rules.entity_id([12, "billing"]) == "12/billing"
