"""The business's settings, stored: a change applies to the next case, holidays stop clocks, bad values refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sameside.business import rules
from sameside.business import service as business
from sameside.cases.models import Case
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.kit.errors import Conflict, Forbidden, Invalid
from tests.factories import Factory

ADMIN = SystemActor("tests")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the environment's default: Mon-Fri 09:00-17:00 UTC
WEEK = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def save(db: Database, **changes: object) -> None:
    values: dict[str, object] = {
        "week": WEEK,
        "timezone": "UTC",
        "support_phone": None,
        "reply_target_hours": 8,
        "tier_cap_minutes": 60,
        "callback_minutes": 30,
        "chat_greeting": "Hello there.",
    } | changes
    with db.unit_of_work() as s:
        business.save_settings(s, ADMIN, **values)  # type: ignore[arg-type]


def due_at(db: Database, number: int) -> datetime | None:
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None
        return case.due_at


def test_until_an_admin_saves_the_environment_applies(db: Database) -> None:
    with db.unit_of_work(write=False) as s:
        now = business.current(s)
    assert not now.stored
    assert now.reply_target_hours == business.environment().reply_target_hours


def test_a_saved_reply_target_sets_the_next_cases_due_time(db: Database, make: Factory) -> None:
    team = make.team()
    with clock.frozen(MONDAY):
        before = make.case(team=team)
    save(db, reply_target_hours=2)
    with clock.frozen(MONDAY):
        after = make.case(team=team)
    assert due_at(db, before.id) == MONDAY + timedelta(hours=8)
    assert due_at(db, after.id) == MONDAY + timedelta(hours=2)


def test_a_holiday_stops_the_service_level_clock_for_that_day(db: Database, make: Factory) -> None:
    with db.unit_of_work() as s:
        business.add_holiday(s, ADMIN, date(2026, 3, 3), "Founders' day")
    with clock.frozen(MONDAY + timedelta(hours=7)):  # Monday 16:00: one hour today, Tuesday closed
        case = make.case(team=make.team())
    assert due_at(db, case.id) == MONDAY + timedelta(days=2, hours=7)  # Wednesday 16:00


def test_a_holiday_closes_callbacks_and_the_opening_the_acknowledgement_names(db: Database) -> None:
    with db.unit_of_work() as s:
        now = business.add_holiday(s, ADMIN, date(2026, 3, 3), "Founders' day")
    from sameside.kit.hours import slots

    starts = list(slots(now.hours, now=MONDAY, days=2, minutes=60, notice=timedelta(0)))
    assert {s.date() for s in starts} == {date(2026, 3, 2), date(2026, 3, 4)}


def test_a_second_holiday_on_one_day_is_refused_and_removing_one_reopens_it(db: Database) -> None:
    with db.unit_of_work() as s:
        business.add_holiday(s, ADMIN, date(2026, 12, 25), "Christmas")
    with pytest.raises(Conflict), db.unit_of_work() as s:
        business.add_holiday(s, ADMIN, date(2026, 12, 25), "Again")
    with db.unit_of_work() as s:
        now = business.remove_holiday(s, ADMIN, date(2026, 12, 25))
    assert now.holidays == ()


def test_a_change_is_seen_by_a_reader_that_had_cached_the_old_one(db: Database) -> None:
    save(db, tier_cap_minutes=15)
    with db.unit_of_work(write=False) as s:
        assert business.current(s).tier_cap_minutes == 15
    save(db, tier_cap_minutes=45)
    with db.unit_of_work(write=False) as s:
        assert business.current(s).tier_cap_minutes == 45
    assert business.latest().tier_cap_minutes in (45, business.environment().tier_cap_minutes)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"week": {"mon": [["17:00", "09:00"]]}}, r"opening \(17:00\) must come before closing"),
        ({"week": {}}, "Open at least one day"),
        ({"timezone": "Mars/Olympus"}, "not a time zone"),
        ({"support_phone": "call me maybe"}, "not a phone number"),
        ({"reply_target_hours": 0}, "between 1 and"),
        ({"chat_greeting": "  "}, "cannot be empty"),
    ],
)
def test_bad_settings_are_refused_with_their_reason(db: Database, changes: dict[str, object], words: str) -> None:
    with pytest.raises(Invalid, match=words):
        save(db, **changes)


def test_only_an_admin_changes_them(db: Database, make: Factory) -> None:
    supervisor = StaffActor(make.staff(Role.SUPERVISOR).id, Role.SUPERVISOR)
    with pytest.raises(Forbidden), db.unit_of_work() as s:
        business.add_holiday(s, supervisor, date(2026, 12, 25), "Christmas")


def test_contrast_refusal_says_why_and_what_to_do(db: Database) -> None:
    with pytest.raises(Invalid) as refused, db.unit_of_work() as s:
        business.save_branding(s, ADMIN, company_name="Acme", primary="#ffcc00", accent=None)
    assert "1.5" in str(refused.value) and "4.5:1" in str(refused.value) and "darker" in str(refused.value)
    with db.unit_of_work() as s:
        now = business.save_branding(s, ADMIN, company_name="Acme", primary="#1F5FBF", accent="#7a3b00")
    assert (now.display_name, now.primary_colour) == ("Acme", "#1f5fbf")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "PNG, JPEG or WebP"),  # an .exe, whatever its name says
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        (PNG + b"\x00" * rules.LOGO_MAX_BYTES, "the most is 512 KB"),
        (b"", "empty"),
    ],
)
def test_a_logo_is_judged_by_its_bytes(data: bytes, words: str) -> None:
    with pytest.raises(Invalid, match=words):
        rules.sniff_image(data)


def test_a_logo_is_kept_by_its_hash(db: Database) -> None:
    kept: list[bytes] = []

    def store(data: bytes) -> str:
        kept.append(data)
        return "ab" * 32

    with db.unit_of_work() as s:
        now = business.set_logo(s, ADMIN, PNG, store)
    assert kept == [PNG]
    assert (now.logo_type, now.logo_url) == ("image/png", "/brand/logo/" + "ab" * 32)


def test_an_inbound_address_is_unique_and_checked(db: Database, make: Factory) -> None:
    team = make.team()
    with db.unit_of_work() as s:
        business.add_address(s, ADMIN, " Billing@Example.com ", team.id)
    with pytest.raises(Conflict), db.unit_of_work() as s:
        business.add_address(s, ADMIN, "billing@example.com", None)
    with pytest.raises(Invalid, match="not an email address"), db.unit_of_work() as s:
        business.add_address(s, ADMIN, "billing", None)
