"""Counting service levels in business hours, across evenings and weekends."""

from __future__ import annotations

from datetime import UTC, datetime

from sameside.kit.hours import add_business_hours, parse_hours

HOURS = parse_hours("Mon-Fri 09:00-17:00", "Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2031, 3, day, hour, minute, tzinfo=HOURS.zone)


def test_hours_inside_one_day() -> None:
    assert add_business_hours(HOURS, berlin(3, 10), 4) == berlin(3, 14).astimezone(UTC)  # Monday


def test_hours_roll_over_the_evening_and_the_weekend() -> None:
    assert add_business_hours(HOURS, berlin(3, 15), 4) == berlin(4, 11).astimezone(UTC)  # Mon 15:00 + 4 h → Tue 11:00
    assert add_business_hours(HOURS, berlin(7, 16), 2) == berlin(10, 10).astimezone(UTC)  # Fri 16:00 + 2 h → Mon 10:00


def test_asking_outside_hours_starts_the_clock_at_opening() -> None:
    assert add_business_hours(HOURS, berlin(8, 12), 1) == berlin(10, 10).astimezone(UTC)  # Saturday → Monday 10:00
    assert add_business_hours(HOURS, berlin(3, 7), 1) == berlin(3, 10).astimezone(UTC)  # before opening
