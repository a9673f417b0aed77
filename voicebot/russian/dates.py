"""Dates, times and billing periods in words for speech."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from models.ru_format import MONTHS_GENITIVE, MONTHS_NOMINATIVE
from voicebot.russian.money import count_in_words
from voicebot.russian.numerals import Case, Gender, ordinal

HOURS = ("час", "часа", "часов")
MINUTES = ("минута", "минуты", "минут")


def year_in_words(year: int) -> str:
    """2026 → «две тысячи двадцать шестого года»: a year is said as a genitive ordinal."""
    return f"{ordinal(year, Gender.MASCULINE, Case.GENITIVE)} года"


def date_in_words(value: date, case: Case = Case.NOMINATIVE, *, year: bool = False) -> str:
    """(15 Dec, NOMINATIVE) → «пятнадцатое декабря»; GENITIVE for «до пятнадцатого декабря»."""
    words = f"{ordinal(value.day, Gender.NEUTER, case)} {MONTHS_GENITIVE[value.month - 1]}"
    return f"{words} {year_in_words(value.year)}" if year else words


def time_in_words(value: time) -> str:
    """19:30 → «девятнадцать часов тридцать минут»; whole hours without minutes."""
    words = count_in_words(value.hour, HOURS)
    if value.minute:
        words += " " + count_in_words(value.minute, MINUTES, Gender.FEMININE)
    return words


def moment_in_words(at: datetime, now: datetime) -> str:
    """When to call back, as the debtor would say it: «сегодня в девятнадцать часов»,
    «завтра в десять часов тридцать минут», «пятнадцатого декабря в девять часов»."""
    local = at.astimezone(now.tzinfo) if now.tzinfo else at
    today = now.date()
    if local.date() == today:
        day_words = "сегодня"
    elif local.date() == today + timedelta(days=1):
        day_words = "завтра"
    else:
        day_words = date_in_words(local.date(), Case.GENITIVE)
    return f"{day_words} в {time_in_words(local.time())}"


def period_in_words(month: date) -> str:
    """A billing month as said after «за»: «ноябрь две тысячи двадцать пятого года»."""
    return f"{MONTHS_NOMINATIVE[month.month - 1]} {year_in_words(month.year)}"
