"""Business time, the clocks' moves and the words for a due time, as pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sameside.cases.rules import CaseStatus, Priority
from sameside.cases.service_levels import rules
from sameside.cases.service_levels.rules import Calendar, Clock, Happened, Level, TargetKind
from sameside.kit import hours
from sameside.kit.errors import Invalid

BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = {day: ((time(9), time(17)),) for day in range(5)}


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)  # type: ignore[misc]


def cal(zone: str = "Europe/Berlin", holidays: frozenset[date] = frozenset()) -> Calendar:
    return Calendar(ZoneInfo(zone), NINE_TO_FIVE, holidays)


# ---------------------------------------------------------------- adding business time


def test_minutes_inside_one_day_add_plainly() -> None:
    assert rules.add_business_minutes(cal(), berlin(2026, 3, 2, 10, 0), 40) == berlin(2026, 3, 2, 10, 40)


def test_time_runs_over_the_evening_into_the_next_morning() -> None:
    assert rules.add_business_minutes(cal(), berlin(2026, 3, 2, 16, 30), 60) == berlin(2026, 3, 3, 9, 30)


def test_a_friday_afternoon_runs_over_the_weekend() -> None:
    # Friday 16:00 + 2 business hours: one on Friday, one on Monday.
    assert rules.add_business_minutes(cal(), berlin(2026, 3, 6, 16, 0), 120) == berlin(2026, 3, 9, 10, 0)


def test_a_start_outside_hours_counts_from_the_next_opening() -> None:
    assert rules.add_business_minutes(cal(), berlin(2026, 3, 7, 11, 0), 60) == berlin(2026, 3, 9, 10, 0)
    assert rules.add_business_minutes(cal(), berlin(2026, 3, 2, 7, 0), 30) == berlin(2026, 3, 2, 9, 30)


def test_holidays_are_skipped_whole() -> None:
    easter = cal(holidays=frozenset({date(2026, 4, 3), date(2026, 4, 6)}))  # Good Friday, Easter Monday
    assert rules.add_business_minutes(easter, berlin(2026, 4, 2, 16, 0), 120) == berlin(2026, 4, 7, 10, 0)


def test_a_day_that_springs_forward_still_has_eight_open_hours() -> None:
    # Open around the clock on Sunday 29 March 2026, when Berlin skips 02:00-03:00: 23 real hours.
    week = {6: ((time(0), time(23, 59)),)}
    sunday = Calendar(BERLIN, week)
    start = berlin(2026, 3, 29, 0, 0)
    assert rules.business_minutes_between(sunday, start, berlin(2026, 3, 29, 4, 0)) == 3 * 60
    assert rules.add_business_minutes(sunday, start, 3 * 60) == berlin(2026, 3, 29, 4, 0)


def test_daylight_saving_moves_the_opening_in_utc_not_in_local_time() -> None:
    # Friday 27 March 16:00 CET (15:00 UTC) + 2 h: Monday 30 March 10:00 CEST, which is 08:00 UTC.
    due = rules.add_business_minutes(cal(), berlin(2026, 3, 27, 16, 0), 120)
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert due.astimezone(BERLIN).hour == 10


def test_the_autumn_change_keeps_business_hours_at_eight() -> None:
    assert rules.business_minutes_between(cal(), berlin(2026, 10, 23, 9, 0), berlin(2026, 10, 27, 9, 0)) == 2 * 8 * 60


def test_elapsed_business_minutes_leave_out_nights_weekends_and_holidays() -> None:
    c = cal(holidays=frozenset({date(2026, 3, 9)}))
    assert rules.business_minutes_between(c, berlin(2026, 3, 6, 16, 0), berlin(2026, 3, 10, 9, 30)) == 90
    assert rules.business_minutes_between(c, berlin(2026, 3, 6, 16, 0), berlin(2026, 3, 6, 15, 0)) == 0


def test_a_zone_far_from_utc_counts_its_own_day() -> None:
    tokyo = cal("Asia/Tokyo")
    start = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # Tuesday 08:30 in Tokyo
    assert rules.add_business_minutes(tokyo, start, 60) == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)


def test_a_calendar_with_no_time_is_refused_not_looped_on() -> None:
    mondays = Calendar(BERLIN, {0: ((time(9), time(17)),)})
    everything_off = Calendar(BERLIN, {}, frozenset())
    with pytest.raises(Invalid, match="no time"):
        rules.add_business_minutes(everything_off, berlin(2026, 3, 2, 9, 0), 10)
    assert rules.add_business_minutes(mondays, berlin(2026, 3, 2, 9, 0), 0) == berlin(2026, 3, 2, 9, 0)


# ---------------------------------------------------------------- calendars as people write them


def test_a_week_is_read_and_written_back() -> None:
    week = hours.parse_week({"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "Friday": [["9:00", "13:00"]]})
    assert week[0] == ((time(9), time(12)), (time(13), time(17))) and week[4] == ((time(9), time(13)),)
    assert hours.week_out(week)["fri"] == [["09:00", "13:00"]] and hours.week_out(week)["sun"] == []


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ({"mon": [["17:00", "09:00"]]}, "must come before"),
        ({"mon": [["9am", "17:00"]]}, "not a time"),
        ({"someday": [["09:00", "17:00"]]}, "not a weekday"),
        ({"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}, "overlap"),
        ({"mon": []}, "at least one day"),
    ],
)
def test_a_bad_week_is_refused_with_its_reason(week: dict[str, list[list[str]]], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        hours.parse_week(week)


def test_bad_zones_and_dates_are_refused() -> None:
    with pytest.raises(Invalid, match="not a time zone"):
        hours.zone_of("Mars/Olympus")
    with pytest.raises(Invalid, match="not a date"):
        rules.parse_holidays(["25 December"])
    with pytest.raises(Invalid, match="between 1 and"):
        rules.check_minutes(0, "The target")


def test_defaults_scale_the_reply_target_by_priority() -> None:
    targets = rules.default_targets(8)
    assert targets[Priority.NORMAL].first_reply == 480 and targets[Priority.URGENT].first_reply == 120
    assert targets[Priority.LOW].next_reply == 960 and targets[Priority.NORMAL].resolution == 2400


# ---------------------------------------------------------------- clocks


def test_a_paused_clock_keeps_what_it_used_and_has_no_due_time() -> None:
    c = cal()
    running = Clock(TargetKind.RESOLUTION, 240, 0.0, berlin(2026, 3, 2, 9, 0))
    assert running.due(c) == berlin(2026, 3, 2, 13, 0)
    paused = running.paused(c, berlin(2026, 3, 2, 10, 0))
    assert paused.used_minutes == 60 and paused.due(c) is None
    # Waiting on the customer overnight costs nothing: resumed next morning, 3 h are left.
    again = paused.resumed(berlin(2026, 3, 3, 9, 0))
    assert again.due(c) == berlin(2026, 3, 3, 12, 0)
    assert not again.missed(c, berlin(2026, 3, 3, 11, 59)) and again.missed(c, berlin(2026, 3, 3, 12, 1))


ALL = frozenset(TargetKind)


def test_a_new_case_starts_first_reply_and_resolution() -> None:
    moves = rules.moves(CaseStatus.NEW, first_replied=False, happened=Happened.OPENED, pending=frozenset())
    assert moves.start == {TargetKind.FIRST_REPLY, TargetKind.RESOLUTION} and moves.running


def test_the_first_reply_meets_its_target_and_the_clock_pauses_while_waiting_on_the_customer() -> None:
    pending = frozenset({TargetKind.FIRST_REPLY, TargetKind.RESOLUTION})
    moves = rules.moves(
        CaseStatus.WAITING_ON_CUSTOMER, first_replied=True, happened=Happened.STAFF_REPLIED, pending=pending
    )
    assert moves.met == {TargetKind.FIRST_REPLY} and not moves.start and not moves.running


def test_the_customer_writing_after_a_reply_starts_the_next_reply_once() -> None:
    pending = frozenset({TargetKind.RESOLUTION})
    moves = rules.moves(CaseStatus.OPEN, first_replied=True, happened=Happened.CUSTOMER_WROTE, pending=pending)
    assert moves.start == {TargetKind.NEXT_REPLY} and moves.running
    again = rules.moves(
        CaseStatus.OPEN, first_replied=True, happened=Happened.CUSTOMER_WROTE, pending=pending | moves.start
    )
    assert not again.start  # writing twice does not restart the clock


def test_a_staff_reply_meets_the_next_reply() -> None:
    pending = frozenset({TargetKind.NEXT_REPLY, TargetKind.RESOLUTION})
    moves = rules.moves(CaseStatus.OPEN, first_replied=True, happened=Happened.STAFF_REPLIED, pending=pending)
    assert moves.met == {TargetKind.NEXT_REPLY} and moves.running


def test_resolving_meets_resolution_and_voids_a_reply_nobody_needs() -> None:
    moves = rules.moves(CaseStatus.RESOLVED, first_replied=False, happened=Happened.CHANGED, pending=ALL)
    assert moves.met == {TargetKind.RESOLUTION}
    assert moves.void == {TargetKind.FIRST_REPLY, TargetKind.NEXT_REPLY}


def test_reopening_starts_a_new_resolution() -> None:
    moves = rules.moves(CaseStatus.OPEN, first_replied=True, happened=Happened.CHANGED, pending=frozenset())
    assert moves.start == {TargetKind.RESOLUTION}


def test_the_next_due_is_the_earliest_running_target() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    upcoming = rules.next_due(
        {TargetKind.RESOLUTION: at, TargetKind.FIRST_REPLY: at + timedelta(hours=1), TargetKind.NEXT_REPLY: None}
    )
    assert upcoming == rules.Next(TargetKind.RESOLUTION, at)
    assert rules.next_due({TargetKind.RESOLUTION: None}) is None


# ---------------------------------------------------------------- words


NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due", "text", "level"),
    [
        (NOW + timedelta(minutes=40), "due in 40 min", Level.SOON),
        (NOW + timedelta(hours=3, minutes=10), "due in 3 h", Level.OK),
        (NOW + timedelta(hours=1, minutes=20), "due in 1 h 20 min", Level.OK),
        (NOW + timedelta(days=3, hours=2), "due in 3 d", Level.OK),
        (NOW - timedelta(hours=2), "overdue by 2 h", Level.OVERDUE),
        (NOW - timedelta(seconds=20), "overdue by 1 min", Level.OVERDUE),
        (NOW, "overdue by 1 min", Level.OVERDUE),
    ],
)
def test_due_times_in_words(due: datetime, text: str, level: Level) -> None:
    label = rules.due_words(due, NOW)
    assert label is not None and (label.text, label.level) == (text, level)


def test_nothing_due_says_nothing() -> None:
    assert rules.due_words(None, NOW) is None
