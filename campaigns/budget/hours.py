"""Contact hours of 230-ФЗ ст. 7 ч. 3 п. 3 in the debtor's local time (pure; no database).

A local day is a working day or not per the production calendar, which decides whether the
working-day or the day-off hours apply. The window is half-open: allowed when
``start <= local time < end``, so 08:00:00 is allowed and 22:00:00 is not, matching the law's
ban "с 22 до 8 часов". A date outside the calendar's years raises
:class:`~models.reference.production_calendar.CalendarNotCovered` rather than guessing, as the
rest of Vozvrat does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from campaigns.budget.settings import ContactLimits, Hours
from models.reference.production_calendar import is_working_day

_ONE_DAY = timedelta(days=1)
_HOURS_PER_DAY = 24


@dataclass(frozen=True, slots=True)
class Window:
    """The contact window of the debtor's local day that contains the instant asked about."""

    allowed: bool  # contact allowed at that instant
    local_day: date
    working_day: bool
    hours: Hours  # local [start, end)
    opens_at: datetime  # UTC
    closes_at: datetime  # UTC, not itself allowed


def require_utc_instant(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("naive datetime given where a UTC instant is required")
    return at.astimezone(timezone.utc)


def local_instant(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """``hour``:00 of the local ``day`` as a UTC instant; hour 24 is the next day's midnight."""
    extra_days, hour = divmod(hour, _HOURS_PER_DAY)
    local = datetime.combine(day + timedelta(days=extra_days), time(hour), tzinfo=zone)
    return local.astimezone(timezone.utc)


def day_hours(day: date, limits: ContactLimits) -> tuple[bool, Hours]:
    """Whether the local ``day`` is a working day, and the hours that apply on it."""
    working = is_working_day(day)
    return working, limits.working_day_hours if working else limits.day_off_hours


def contact_window(at_utc: datetime, tz_name: str, limits: ContactLimits) -> Window:
    at = require_utc_instant(at_utc)
    zone = ZoneInfo(tz_name)
    day = at.astimezone(zone).date()
    working, hours = day_hours(day, limits)
    opens, closes = local_instant(day, hours[0], zone), local_instant(day, hours[1], zone)
    return Window(opens <= at < closes, day, working, hours, opens, closes)


def next_allowed(at_utc: datetime, tz_name: str, limits: ContactLimits) -> datetime:
    """The first instant at or after ``at_utc`` when contact is allowed (UTC)."""
    window = contact_window(at_utc, tz_name, limits)
    at = require_utc_instant(at_utc)
    if window.allowed:
        return at
    if at < window.opens_at:
        return window.opens_at
    # Past today's window: every day has a non-empty window, so tomorrow's opening is the answer.
    zone = ZoneInfo(tz_name)
    tomorrow = window.local_day + _ONE_DAY
    _, hours = day_hours(tomorrow, limits)
    return local_instant(tomorrow, hours[0], zone)
