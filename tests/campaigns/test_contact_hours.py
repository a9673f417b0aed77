"""Contact hours in the debtor's local time: working days, weekends, holidays, transfers, zones."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from campaigns.budget.hours import contact_window, next_allowed
from campaigns.budget.settings import ContactLimits
from models.reference.production_calendar import CalendarNotCovered

LIMITS = ContactLimits()


def local(tz: str, text: str) -> datetime:
    """A local wall-clock time as the UTC instant the functions take."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# Wed 2026-03-11 is a working day; Sat 2026-03-14 a weekend day.
@pytest.mark.parametrize(("moment", "allowed"), [
    ("2026-03-11 07:59:59", False),
    ("2026-03-11 08:00:00", True),
    ("2026-03-11 21:59:59", True),
    ("2026-03-11 22:00:00", False),
    ("2026-03-14 08:59:59", False),
    ("2026-03-14 09:00:00", True),
    ("2026-03-14 19:59:59", True),
    ("2026-03-14 20:00:00", False),
])
def test_boundaries_are_start_inclusive_end_exclusive(moment: str, allowed: bool) -> None:
    assert contact_window(local("Europe/Moscow", moment), "Europe/Moscow", LIMITS).allowed is allowed


def test_working_day_window_in_utc() -> None:
    window = contact_window(utc("2026-03-11 12:00"), "Europe/Moscow", LIMITS)
    assert window.allowed and window.working_day
    assert window.local_day == date(2026, 3, 11)
    assert window.hours == (8, 22)
    assert window.opens_at == utc("2026-03-11 05:00")
    assert window.closes_at == utc("2026-03-11 19:00")


def test_saturday_has_day_off_hours() -> None:
    window = contact_window(utc("2026-03-14 12:00"), "Europe/Moscow", LIMITS)
    assert not window.working_day
    assert (window.opens_at, window.closes_at) == (utc("2026-03-14 06:00"), utc("2026-03-14 17:00"))


def test_public_holiday_has_day_off_hours() -> None:
    # Mon 2026-01-05 is a New Year holiday: 08:30 would be fine on a working Monday.
    at = local("Europe/Moscow", "2026-01-05 08:30")
    window = contact_window(at, "Europe/Moscow", LIMITS)
    assert not window.working_day and not window.allowed
    assert next_allowed(at, "Europe/Moscow", LIMITS) == local("Europe/Moscow", "2026-01-05 09:00")
    # 20:30 on the holiday: the next day is a holiday too, so 09:00 again.
    assert next_allowed(local("Europe/Moscow", "2026-01-05 20:30"), "Europe/Moscow", LIMITS) == (
        local("Europe/Moscow", "2026-01-06 09:00"))


def test_transferred_working_saturday_has_working_hours() -> None:
    # Sat 2025-11-01 was a working day; its rest moved to Mon 2025-11-03.
    saturday = contact_window(local("Europe/Moscow", "2025-11-01 08:00"), "Europe/Moscow", LIMITS)
    assert saturday.working_day and saturday.allowed
    monday = contact_window(local("Europe/Moscow", "2025-11-03 08:00"), "Europe/Moscow", LIMITS)
    assert not monday.working_day and not monday.allowed


def test_moved_rest_day_on_a_friday() -> None:
    # Fri 2026-01-09 is a rest day moved from Sat 03.01.
    at = local("Europe/Moscow", "2026-01-09 08:15")
    assert not contact_window(at, "Europe/Moscow", LIMITS).allowed
    assert next_allowed(at, "Europe/Moscow", LIMITS) == local("Europe/Moscow", "2026-01-09 09:00")


@pytest.mark.parametrize(("tz", "allowed"), [
    ("Europe/Kaliningrad", False),  # 07:30
    ("Europe/Moscow", True),  # 08:30
    ("Asia/Yekaterinburg", True),  # 10:30
    ("Asia/Vladivostok", True),  # 15:30
    ("Asia/Kamchatka", True),  # 17:30
])
def test_one_instant_across_time_zones(tz: str, allowed: bool) -> None:
    assert contact_window(utc("2026-03-11 05:30"), tz, LIMITS).allowed is allowed


@pytest.mark.parametrize(("tz", "expected"), [
    ("Europe/Kaliningrad", "2026-03-11 06:00"),  # 07:30 local → 08:00 today
    ("Europe/Moscow", "2026-03-11 05:30"),  # allowed now: the same instant
    ("Asia/Yekaterinburg", "2026-03-11 05:30"),
    ("Asia/Vladivostok", "2026-03-11 05:30"),
    ("Asia/Kamchatka", "2026-03-11 05:30"),
])
def test_next_allowed_across_time_zones(tz: str, expected: str) -> None:
    assert next_allowed(utc("2026-03-11 05:30"), tz, LIMITS) == utc(expected)


def test_late_evening_in_kamchatka_moves_to_its_next_morning() -> None:
    # 10:30 UTC is 22:30 in Kamchatka (UTC+12): tomorrow's 08:00 there is 20:00 UTC today.
    at = utc("2026-03-11 10:30")
    assert not contact_window(at, "Asia/Kamchatka", LIMITS).allowed
    assert next_allowed(at, "Asia/Kamchatka", LIMITS) == utc("2026-03-11 20:00")


def test_the_local_date_decides_whether_it_is_a_working_day() -> None:
    # Fri 20:59 UTC is already Sat 08:59 in Kamchatka: weekend hours apply, not Friday's.
    at = utc("2026-03-13 20:59")
    window = contact_window(at, "Asia/Kamchatka", LIMITS)
    assert window.local_day == date(2026, 3, 14) and not window.working_day and not window.allowed
    assert next_allowed(at, "Asia/Kamchatka", LIMITS) == utc("2026-03-13 21:00")
    # The same instant is a working Friday evening in Moscow (23:59): closed until Saturday 09:00.
    assert next_allowed(at, "Europe/Moscow", LIMITS) == utc("2026-03-14 06:00")


def test_holiday_starts_at_local_midnight_in_vladivostok() -> None:
    # 2026-01-04 22:30 UTC is 08:30 on holiday Mon 2026-01-05 in Vladivostok (UTC+10).
    at = utc("2026-01-04 22:30")
    window = contact_window(at, "Asia/Vladivostok", LIMITS)
    assert window.local_day == date(2026, 1, 5) and not window.allowed
    assert next_allowed(at, "Asia/Vladivostok", LIMITS) == utc("2026-01-04 23:00")


def test_friday_night_moves_to_saturday_day_off_hours() -> None:
    at = local("Europe/Kaliningrad", "2026-03-13 22:00")
    assert next_allowed(at, "Europe/Kaliningrad", LIMITS) == local("Europe/Kaliningrad",
                                                                    "2026-03-14 09:00")


def test_sunday_evening_moves_to_monday_working_hours() -> None:
    at = local("Asia/Yekaterinburg", "2026-03-15 20:00")
    assert next_allowed(at, "Asia/Yekaterinburg", LIMITS) == local("Asia/Yekaterinburg",
                                                                    "2026-03-16 08:00")


def test_hours_are_settings() -> None:
    strict = ContactLimits(working_day_hours=(9, 21), day_off_hours=(10, 18))
    assert not contact_window(local("Europe/Moscow", "2026-03-11 08:30"), "Europe/Moscow",
                              strict).allowed
    assert next_allowed(local("Europe/Moscow", "2026-03-14 18:00"), "Europe/Moscow", strict) == (
        local("Europe/Moscow", "2026-03-15 10:00"))


def test_window_up_to_midnight() -> None:
    late = ContactLimits(working_day_hours=(8, 24))
    window = contact_window(local("Europe/Moscow", "2026-03-11 23:59"), "Europe/Moscow", late)
    assert window.allowed and window.closes_at == local("Europe/Moscow", "2026-03-12 00:00")


def test_conversion_follows_the_zone_rules_across_dst() -> None:
    # Russia has no DST now, but a zone that has it must still get its own offset per date.
    summer = contact_window(utc("2026-07-01 06:00"), "Europe/Berlin", LIMITS)
    winter = contact_window(utc("2026-01-14 07:00"), "Europe/Berlin", LIMITS)
    assert summer.opens_at == utc("2026-07-01 06:00") and summer.allowed
    assert winter.opens_at == utc("2026-01-14 07:00") and winter.allowed


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        contact_window(datetime(2026, 3, 11, 12), "Europe/Moscow", LIMITS)


def test_year_outside_the_calendar_is_not_guessed() -> None:
    with pytest.raises(CalendarNotCovered):
        contact_window(utc("2031-03-11 12:00"), "Europe/Moscow", LIMITS)
