"""The contact window (P14): non-urgent email waits for it; urgent messages and answers to the awake do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sameside.customers.rules import next_contact_time

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0, *, month: int = 3) -> datetime:
    return datetime(2031, month, day, hour, minute, tzinfo=BERLIN)


# ---------------------------------------------------------------- the rule


def test_inside_the_window_is_now() -> None:
    now = berlin(5, 12).astimezone(UTC)

    assert next_contact_time(now, "Europe/Berlin", "09:00", "18:00") == now


def test_late_at_night_waits_for_the_next_morning_and_early_for_this_morning() -> None:
    assert next_contact_time(berlin(5, 23), "Europe/Berlin", "09:00", "18:00") == berlin(6, 9)
    assert next_contact_time(berlin(5, 6, 30), "Europe/Berlin", "09:00", "18:00") == berlin(5, 9)
    assert next_contact_time(berlin(5, 18), "Europe/Berlin", "09:00", "18:00") == berlin(6, 9)  # the end is out


def test_the_answer_is_in_utc() -> None:
    assert next_contact_time(berlin(5, 23), "Europe/Berlin", "09:00", "18:00").tzinfo is UTC


def test_a_window_across_midnight_for_someone_who_works_nights() -> None:
    window = ("Europe/Berlin", "22:00", "07:00")

    assert next_contact_time(berlin(5, 23), *window) == berlin(5, 23)
    assert next_contact_time(berlin(5, 3), *window) == berlin(5, 3)
    assert next_contact_time(berlin(5, 7), *window) == berlin(5, 22)
    assert next_contact_time(berlin(5, 12), *window) == berlin(5, 22)


def test_their_local_time_counts_not_ours() -> None:
    tokyo_evening = datetime(2031, 3, 5, 12, 0, tzinfo=UTC)  # 21:00 in Tokyo, noon in London

    assert next_contact_time(tokyo_evening, "Asia/Tokyo", "09:00", "18:00") == datetime(
        2031, 3, 6, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")
    )
    assert next_contact_time(tokyo_evening, "Europe/London", "09:00", "18:00") == tokyo_evening


def test_across_a_change_to_summer_time() -> None:
    # Berlin moves its clocks from 02:00 to 03:00 on 30 March 2031: the window still opens at 09:00 local.
    assert next_contact_time(berlin(29, 22), "Europe/Berlin", "09:00", "18:00") == berlin(30, 9)
    assert berlin(30, 9).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("tz", "start", "end"),
    [
        (None, "09:00", "18:00"),
        ("", "09:00", "18:00"),
        ("Mars/Olympus", "09:00", "18:00"),
        ("../../etc/passwd", "09:00", "18:00"),
        ("Europe/Berlin", None, "18:00"),
        ("Europe/Berlin", "09:00", None),
        ("Europe/Berlin", "9 am", "18:00"),
        ("Europe/Berlin", "09:00", "09:00"),
    ],
)
def test_a_window_we_cannot_read_holds_nothing(tz: str | None, start: str | None, end: str | None) -> None:
    now = berlin(5, 23).astimezone(UTC)

    assert next_contact_time(now, tz, start, end) == now
