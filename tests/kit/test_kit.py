"""The domain-free helpers: cursors, addresses, the clock, the rate limiter, token digests."""

from __future__ import annotations

import base64
import hashlib
import json
import types
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sameside.kit import clock, cursor, ratelimit
from sameside.kit.addresses import normalize_email, normalize_phone
from sameside.kit.errors import Invalid, TooManyRequests
from sameside.kit.secrets import digest, new_token, same

# ---------------------------------------------------------------- cursors


def _raw_cursor(payload: object) -> str:
    """A cursor as a client could forge one: base64url JSON without padding."""
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("values", "shape"),
    [
        ([1], (int,)),
        ([2**31 - 1], (int,)),
        (["2024-03-31T01:30:00.123456+00:00", 120], (str, int)),
        (["ünïcödé ✓", 7], (str, int)),
    ],
)
def test_a_cursor_decodes_to_what_was_encoded(values: list[object], shape: tuple[type, ...]) -> None:
    token = cursor.encode(values)
    assert cursor.decode(token, shape) == values
    # Safe to put in a URL as is.
    assert all(c.isalnum() or c in "-_" for c in token)


@pytest.mark.parametrize(
    "tampered",
    [
        "",
        "!!!!",
        "not a cursor",
        "é",
        _raw_cursor([1])[:-2],  # truncated
        base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),  # not UTF-8
        _raw_cursor({"id": 1}),  # not a list
        _raw_cursor([]),  # too short
        _raw_cursor([1, 2]),  # too long
        _raw_cursor(["1"]),  # a string where a number belongs
        _raw_cursor([1.5]),  # a float
        _raw_cursor([True]),  # bool is an int to Python, not to us
        _raw_cursor([None]),
        _raw_cursor([[1]]),
    ],
)
def test_a_tampered_cursor_is_a_bad_cursor(tampered: str) -> None:
    with pytest.raises(cursor.BadCursor) as refused:
        cursor.decode(tampered, (int,))
    assert refused.value.status == 400
    assert refused.value.detail == "The cursor is not one this server issued."


def test_a_cursor_of_the_wrong_shape_for_its_sort_is_a_bad_cursor() -> None:
    by_updated = cursor.encode(["2024-01-01T00:00:00+00:00", 5])
    with pytest.raises(cursor.BadCursor):
        cursor.decode(by_updated, (int,))
    with pytest.raises(cursor.BadCursor):
        cursor.decode(cursor.encode([5]), (str, int))
    with pytest.raises(cursor.BadCursor):
        cursor.decode(cursor.encode([5, "2024-01-01T00:00:00+00:00"]), (str, int))


# ---------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("given", "normalized"),
    [
        ("ana@example.com", "ana@example.com"),
        ("  Ana.Silva@Example.COM \n", "ana.silva@example.com"),
        ("o'brien+desk@mail.example.co.uk", "o'brien+desk@mail.example.co.uk"),
        ("x@a-b.example", "x@a-b.example"),
    ],
)
def test_an_email_address_is_trimmed_and_lower_cased(given: str, normalized: str) -> None:
    assert normalize_email(given) == normalized


@pytest.mark.parametrize(
    "bad",
    [
        # Header injection: a second header or a second recipient must never get through.
        "a@b.com\r\nBcc: x@y.com",
        "a@b.com\nBcc: x@y.com",
        "a@b.com\rBcc: x@y.com",
        "a@b.com\r\n\r\nHello",
        "a@b.com, c@d.com",
        "a@b.com,c@d.com",
        "a@b.com; c@d.com",
        "a@b.com c@d.com",
        "Ana <a@b.com>",
        "<a@b.com>",
        '"a b"@example.com',
        "a@b.com\u2028Bcc: x@y.com",
        # Not an address at all.
        "",
        "   ",
        "ana",
        "ana@",
        "@example.com",
        "ana@@example.com",
        "ana@example",
        "ana@exa mple.com",
        "ana@-example.com",
        "ana@example.com.",
        "x" * 65 + "@example.com",
        "ana@" + "a" * 64 + ".com",
    ],
)
def test_anything_but_a_single_plain_address_is_refused(bad: str) -> None:
    with pytest.raises(Invalid) as refused:
        normalize_email(bad)
    assert refused.value.status == 422
    assert "is not a valid email address" in refused.value.detail


@pytest.mark.parametrize("bad", ["an\x00a@example.com", "ana\x1b@example.com", "ana\x7f@example.com"])
def test_an_email_address_with_control_characters_is_refused(bad: str) -> None:
    # The regex's own comment promises "no whitespace or control characters"; a NUL cannot
    # even be stored in PostgreSQL.
    with pytest.raises(Invalid):
        normalize_email(bad)


def test_the_local_part_may_have_64_characters_and_not_65() -> None:
    address = "l" * 64 + "@" + "d" * 63 + ".example"
    assert normalize_email(address) == address
    with pytest.raises(Invalid):
        normalize_email("l" + address)


@pytest.mark.parametrize(
    ("given", "normalized"),
    [
        ("+49 30 1234567", "+49301234567"),
        ("+1 (555) 010-9999", "+15550109999"),
        ("0049/30/123.4567", "+49301234567"),
        ("030 1234567", "0301234567"),
        ("12345", "12345"),
        ("+123456789012345", "+123456789012345"),
    ],
)
def test_a_phone_number_keeps_its_digits_and_a_leading_plus(given: str, normalized: str) -> None:
    assert normalize_phone(given) == normalized


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "+",
        "1234",
        "+1234567890123456",
        "+1-800-FLOWERS",
        "++49301234567",
        "49+301234567",
        "+49 30 1234567\r\nBcc: x@y.com",
        "+49 30 1234567, +49 30 7654321",
        "+49;301234567",
    ],
)
def test_anything_else_is_not_a_phone_number(bad: str) -> None:
    with pytest.raises(Invalid, match="is not a valid phone number"):
        normalize_phone(bad)


def test_line_breaks_inside_a_phone_number_never_survive_normalizing() -> None:
    normalized = normalize_phone("+49 30\r\n1234567")
    assert normalized == "+49301234567"


@pytest.mark.parametrize(
    "given",
    [
        "\uff0b\uff14\uff19\uff13\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17",  # full-width "+49301234567"
        "+\u0664\u0669\u0663\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667",  # Arabic-Indic digits
    ],
)
def test_a_normalized_phone_number_is_ascii_digits_so_one_number_is_one_identity(given: str) -> None:
    try:
        normalized = normalize_phone(given)
    except Invalid:
        return  # refusing is fine too
    assert normalized == "+49301234567"


# ---------------------------------------------------------------- clock


def test_the_clock_gives_aware_utc_time() -> None:
    now = clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_frozen_clock_stands_still_in_utc_and_restores_afterwards() -> None:
    berlin = datetime(2024, 3, 31, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # just after the DST jump
    with clock.frozen(berlin):
        first, second = clock.now(), clock.now()
        assert first == second == berlin
        assert first.tzinfo is UTC
        assert first == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert clock.now() != berlin
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


def test_frozen_clocks_nest_and_unwind_even_on_errors() -> None:
    outer = datetime(2024, 1, 1, tzinfo=UTC)
    inner = datetime(2025, 6, 1, 12, tzinfo=timezone(timedelta(hours=-5)))
    with clock.frozen(outer):
        with pytest.raises(RuntimeError), clock.frozen(inner):
            assert clock.now() == datetime(2025, 6, 1, 17, tzinfo=UTC)
            raise RuntimeError("boom")
        assert clock.now() == outer
    assert clock.now() != outer


def test_a_frozen_clock_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="aware"), clock.frozen(datetime(2024, 1, 1)):  # noqa: DTZ001
        pass
    assert clock.now().tzinfo is not None


# ---------------------------------------------------------------- rate limiting


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks(monkeypatch: pytest.MonkeyPatch) -> FakeMonotonic:
    """Moves the limiter's clock by hand (only the limiter's view of `time` is replaced)."""
    fake = FakeMonotonic()
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(monotonic=fake))
    return fake


def test_the_limit_allows_exactly_that_many_attempts_per_window(ticks: FakeMonotonic) -> None:
    limiter = ratelimit.RateLimiter(limit=3, window_seconds=10)
    for _ in range(3):
        limiter.hit("ana@example.com")
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("ana@example.com")
    assert refused.value.status == 429
    assert refused.value.retry_after == 10
    assert "try again in 10 seconds" in refused.value.detail


def test_keys_are_counted_separately(ticks: FakeMonotonic) -> None:
    limiter = ratelimit.RateLimiter(limit=1, window_seconds=10)
    limiter.hit("ana@example.com")
    limiter.hit("bob@example.com")
    with pytest.raises(TooManyRequests):
        limiter.hit("ana@example.com")


def test_the_window_slides_attempts_expire_one_by_one(ticks: FakeMonotonic) -> None:
    limiter = ratelimit.RateLimiter(limit=2, window_seconds=10)
    limiter.hit("k")  # t = 0
    ticks.now += 4
    limiter.hit("k")  # t = 4
    ticks.now += 5.5  # t = 9.5: both still inside the window
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("k")
    assert refused.value.retry_after == 1  # the first expires at t = 10
    ticks.now += 0.5  # t = 10: the first attempt has left the window
    limiter.hit("k")
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("k")
    assert refused.value.retry_after == 4  # the one at t = 4 leaves at t = 14
    ticks.now += 4  # t = 14
    limiter.hit("k")


def test_refused_attempts_do_not_extend_the_lockout(ticks: FakeMonotonic) -> None:
    limiter = ratelimit.RateLimiter(limit=1, window_seconds=5)
    limiter.hit("k")
    for _ in range(50):
        ticks.now += 0.05
        with pytest.raises(TooManyRequests):
            limiter.hit("k")
    ticks.now = 1000.0 + 5
    limiter.hit("k")


def test_after_a_quiet_window_the_full_allowance_is_back(ticks: FakeMonotonic) -> None:
    limiter = ratelimit.RateLimiter(limit=3, window_seconds=0.5)
    for _ in range(3):
        limiter.hit("k")
    ticks.now += 0.5
    for _ in range(3):
        limiter.hit("k")
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("k")
    assert refused.value.retry_after >= 1  # never tells a client to retry in 0 seconds


# ---------------------------------------------------------------- secrets


def test_a_token_is_long_url_safe_unique_and_carries_its_prefix() -> None:
    tokens = {new_token("ss_") for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert token.startswith("ss_")
        body = token.removeprefix("ss_")
        assert len(body) >= 43  # 32 random bytes in base64url
        assert all(c.isalnum() or c in "-_" for c in body)


def test_the_stored_digest_is_sha256_hex_and_does_not_reveal_the_token() -> None:
    token = new_token("ss_")
    stored = digest(token)
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert len(stored) == 64
    assert token not in stored
    assert digest(token) == stored
    assert digest(token + "x") != stored


def test_a_digest_of_any_string_a_client_sends_never_raises() -> None:
    assert len(digest("\ud800 lone surrogate")) == 64
    assert len(digest("")) == 64


def test_tokens_compare_equal_only_when_identical() -> None:
    assert same("abc", "abc")
    assert not same("abc", "abd")
    assert not same("abc", "abcd")
    assert not same("", "a")
