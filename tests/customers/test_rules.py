"""Customer preferences that must be valid before they are stored: times of day, languages, time zones."""

from __future__ import annotations

import pytest

from sameside.customers.rules import (
    check_language,
    check_time_of_day,
    check_timezone,
    may_see_customer,
    require_lead_for_tier,
)
from sameside.kit.actors import CustomerActor, Role, StaffActor, SystemActor
from sameside.kit.errors import Forbidden, Invalid


@pytest.mark.parametrize("value", ["00:00", "09:30", "12:00", "19:59", "20:00", "23:59"])
def test_a_time_of_day_is_hh_mm_on_a_24_hour_clock(value: str) -> None:
    assert check_time_of_day(value, "contact_window_start") == value


@pytest.mark.parametrize(
    "value",
    [
        "24:00",
        "23:60",
        "9:30",
        "09:5",
        "0930",
        "09.30",
        "09:30:00",
        " 09:30",
        "09:30 ",
        "ab:cd",
        "",
        "-1:00",
        "09:30\n",  # `$` in a regex also matches before a final newline
        "0\u0669:30",  # ARABIC-INDIC DIGIT NINE is a digit to `\d`, not to a person reading HH:MM
    ],
)
def test_anything_else_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_time_of_day(value, "contact_window_end")
    assert refused.value.status == 422
    assert refused.value.detail.startswith("contact_window_end must be a time of day as HH:MM")


@pytest.mark.parametrize("tag", ["en", "de", "fil", "de-CH", "pt-BR", "zh-Hant-TW", "sr-Latn", "es-419", "EN-gb"])
def test_language_tags_like_bcp_47_are_accepted_unchanged(tag: str) -> None:
    assert check_language(tag) == tag


@pytest.mark.parametrize(
    "tag",
    ["", "e", "english", "en_US", "en-", "-en", "en--US", "en US", "de-CH-x-abcdefghijklm", "fr-\u00e9", "en\n"],
)
def test_other_language_tags_are_refused(tag: str) -> None:
    with pytest.raises(Invalid, match="is not a language tag"):
        check_language(tag)


def test_a_language_tag_may_have_at_most_16_characters() -> None:
    assert check_language("de-CH-1996-abcd") == "de-CH-1996-abcd"  # 15
    assert check_language("de-CH-1996-abcde") == "de-CH-1996-abcde"  # 16
    with pytest.raises(Invalid):
        check_language("de-CH-1996-abcdef")  # 17


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata"])
def test_known_time_zones_are_accepted(zone: str) -> None:
    assert check_timezone(zone) == zone


@pytest.mark.parametrize(
    "zone", ["", "Mars/Olympus_Mons", "Europe/Berlin ", "Europe/Berlin\n", "../../etc/passwd", "+02:00", "CEST"]
)
def test_unknown_time_zones_are_refused(zone: str) -> None:
    with pytest.raises(Invalid, match="is not a known time zone"):
        check_timezone(zone)


def test_staff_see_every_customer_and_a_customer_only_themselves() -> None:
    assert may_see_customer(StaffActor(1, Role.AGENT), 42)
    assert may_see_customer(SystemActor(), 42)
    assert may_see_customer(CustomerActor(42, 7), 42)
    assert not may_see_customer(CustomerActor(43, 7), 42)


def test_only_a_supervisor_changes_a_customers_tier() -> None:
    require_lead_for_tier(StaffActor(1, Role.SUPERVISOR))
    require_lead_for_tier(StaffActor(1, Role.ADMIN))
    require_lead_for_tier(SystemActor())
    with pytest.raises(Forbidden):
        require_lead_for_tier(StaffActor(1, Role.AGENT))
    with pytest.raises(Forbidden):
        require_lead_for_tier(CustomerActor(42))
