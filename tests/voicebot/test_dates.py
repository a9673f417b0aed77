"""Russian dates and times resolved against the call: promises (a day) and call-backs (an instant)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voicebot.nlu.dates import resolve_day, resolve_moment

MSK = ZoneInfo("Europe/Moscow")
WEDNESDAY = date(2026, 11, 25)
FRIDAY = date(2026, 11, 27)
SUNDAY = date(2026, 11, 29)


@pytest.mark.parametrize(("text", "today", "expected"), [
    # Weekdays: the next occurrence after today.
    ("в пятницу", WEDNESDAY, date(2026, 11, 27)),
    ("заплачу в пятницу", FRIDAY, date(2026, 12, 4)),
    ("в среду оплачу", WEDNESDAY, date(2026, 12, 2)),
    ("в понедельник", WEDNESDAY, date(2026, 11, 30)),
    ("в воскресенье", WEDNESDAY, date(2026, 11, 29)),
    ("во вторник внесу", SUNDAY, date(2026, 12, 1)),
    ("до пятницы", WEDNESDAY, date(2026, 11, 27)),
    ("к пятнице все заплачу", WEDNESDAY, date(2026, 11, 27)),
    ("в следующую пятницу", WEDNESDAY, date(2026, 12, 4)),
    ("в следующий понедельник", WEDNESDAY, date(2026, 11, 30)),
    ("в субботу", date(2026, 12, 30), date(2027, 1, 2)),
    # Relative days.
    ("сегодня оплачу", FRIDAY, FRIDAY),
    ("завтра", FRIDAY, date(2026, 11, 28)),
    ("завтра", date(2026, 12, 31), date(2027, 1, 1)),
    ("послезавтра", date(2028, 2, 28), date(2028, 3, 1)),
    ("послезавтра", date(2027, 2, 28), date(2027, 3, 2)),
    ("после завтра", FRIDAY, date(2026, 11, 29)),
    ("через неделю", date(2026, 12, 28), date(2027, 1, 4)),
    ("через две недели", FRIDAY, date(2026, 12, 11)),
    ("через три дня", date(2026, 11, 29), date(2026, 12, 2)),
    ("через пару дней", FRIDAY, date(2026, 11, 29)),
    ("дня через три оплачу", FRIDAY, date(2026, 11, 30)),
    ("через десять дней", FRIDAY, date(2026, 12, 7)),
    ("через 10 дней", FRIDAY, date(2026, 12, 7)),
    ("через двадцать один день", FRIDAY, date(2026, 12, 18)),
    ("через месяц", date(2026, 1, 31), date(2026, 2, 28)),
    ("через месяц", date(2028, 1, 31), date(2028, 2, 29)),
    ("через месяц", date(2026, 12, 15), date(2027, 1, 15)),
    # A day of the month: this month, or the next once passed; a day the month lacks is its last.
    ("пятнадцатого", date(2026, 11, 10), date(2026, 11, 15)),
    ("пятнадцатого", date(2026, 11, 20), date(2026, 12, 15)),
    ("пятнадцатого", date(2026, 12, 20), date(2027, 1, 15)),
    ("15-го", date(2026, 11, 20), date(2026, 12, 15)),
    ("15го", date(2026, 11, 20), date(2026, 12, 15)),
    ("заплачу 15 числа", date(2026, 11, 20), date(2026, 12, 15)),
    ("пятнадцатого числа", date(2026, 11, 15), date(2026, 11, 15)),
    ("к пятнадцатому", date(2026, 11, 10), date(2026, 11, 15)),
    ("до двадцатого", date(2026, 11, 10), date(2026, 11, 20)),
    ("двадцать пятого", FRIDAY, date(2026, 12, 25)),
    ("двадцать третьего", FRIDAY, date(2026, 12, 23)),
    ("первого числа", FRIDAY, date(2026, 12, 1)),
    ("первого", date(2026, 12, 15), date(2027, 1, 1)),
    ("третьего", FRIDAY, date(2026, 12, 3)),
    ("тридцать первого", date(2026, 11, 10), date(2026, 11, 30)),
    ("31-го", date(2027, 1, 31), date(2027, 1, 31)),
    ("тридцатого", date(2028, 1, 31), date(2028, 2, 29)),
    ("тридцатого", date(2027, 1, 31), date(2027, 2, 28)),
    # A day and a month: this year, or the next once passed.
    ("5 декабря", FRIDAY, date(2026, 12, 5)),
    ("пятого декабря", FRIDAY, date(2026, 12, 5)),
    ("оплачу 10 января", FRIDAY, date(2027, 1, 10)),
    ("десятого января", date(2026, 12, 20), date(2027, 1, 10)),
    ("1-го января", date(2026, 12, 20), date(2027, 1, 1)),
    ("двадцать пятого ноября", FRIDAY, date(2027, 11, 25)),
    ("27 ноября", FRIDAY, FRIDAY),
    ("29 февраля", date(2027, 3, 1), date(2028, 2, 29)),
    ("29 февраля", date(2026, 2, 10), date(2026, 2, 28)),
    ("тридцать первого декабря", FRIDAY, date(2026, 12, 31)),
    # Spans: the day by which the promise is kept.
    ("до конца месяца", FRIDAY, date(2026, 11, 30)),
    ("до конца месяца", date(2028, 2, 10), date(2028, 2, 29)),
    ("до конца месяца", date(2026, 12, 31), date(2026, 12, 31)),
    ("в конце месяца", date(2027, 2, 3), date(2027, 2, 28)),
    ("до конца недели", WEDNESDAY, SUNDAY),
    ("до конца недели", SUNDAY, SUNDAY),
    ("на этой неделе", WEDNESDAY, SUNDAY),
    ("на выходных", WEDNESDAY, SUNDAY),
    ("на следующей неделе", WEDNESDAY, date(2026, 12, 6)),
    ("на следующей неделе в среду", WEDNESDAY, date(2026, 12, 2)),
    ("в начале следующего месяца", date(2026, 12, 20), date(2027, 1, 5)),
    ("в начале месяца", date(2026, 11, 3), date(2026, 11, 5)),
    ("в начале месяца", FRIDAY, date(2026, 12, 5)),
    ("в середине месяца", FRIDAY, date(2026, 12, 15)),
    ("в середине месяца", date(2026, 11, 2), date(2026, 11, 15)),
    ("в следующем месяце", date(2026, 12, 10), date(2027, 1, 31)),
    ("на днях", FRIDAY, date(2026, 11, 30)),
    ("в течение недели", FRIDAY, date(2026, 12, 4)),
    ("в декабре", FRIDAY, date(2026, 12, 31)),
    ("в январе", FRIDAY, date(2027, 1, 31)),
    ("в феврале", date(2027, 11, 1), date(2028, 2, 29)),
    # A time alone is today; a time never reads as a day of the month.
    ("сегодня вечером заплачу", FRIDAY, FRIDAY),
    ("вечером оплачу", FRIDAY, FRIDAY),
    ("через час переведу", FRIDAY, FRIDAY),
    ("завтра в половине седьмого", FRIDAY, date(2026, 11, 28)),
    ("седьмого в семь вечера", FRIDAY, date(2026, 12, 7)),
    ("в понедельник утром", FRIDAY, date(2026, 11, 30)),
    # Capitals, ё and punctuation as typed rather than recognised.
    ("Заплачу 5 декабря!", FRIDAY, date(2026, 12, 5)),
    ("В пятницу, ближе к вечеру", WEDNESDAY, date(2026, 11, 27)),
])
def test_promise_days(text: str, today: date, expected: date) -> None:
    assert resolve_day(text, today) == expected


@pytest.mark.parametrize("text", [
    "заплачу", "с зарплаты оплачу", "пенсию получу и заплачу", "не знаю когда", "оплачу 20",
    "перезвоните попозже", "у меня три кредита", "", "да",
])
def test_no_day_named(text: str) -> None:
    assert resolve_day(text, FRIDAY) is None


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


AFTERNOON = _at(FRIDAY, 14, 10)


@pytest.mark.parametrize(("text", "now", "expected"), [
    # Relative times.
    ("перезвоните через час", AFTERNOON, _at(FRIDAY, 15, 10)),
    ("через часик", AFTERNOON, _at(FRIDAY, 15, 10)),
    ("через полчаса", AFTERNOON, _at(FRIDAY, 14, 40)),
    ("через полтора часа", AFTERNOON, _at(FRIDAY, 15, 40)),
    ("через пару часов", AFTERNOON, _at(FRIDAY, 16, 10)),
    ("через два часа", AFTERNOON, _at(FRIDAY, 16, 10)),
    ("минут через десять", AFTERNOON, _at(FRIDAY, 14, 20)),
    ("через 15 минут", AFTERNOON, _at(FRIDAY, 14, 25)),
    ("через пятнадцать минут", AFTERNOON, _at(FRIDAY, 14, 25)),
    ("часа через два", AFTERNOON, _at(FRIDAY, 16, 10)),
    ("через час", _at(date(2026, 12, 31), 23, 30), _at(date(2027, 1, 1), 0, 30)),
    ("через полчаса", _at(date(2028, 2, 28), 23, 45), _at(date(2028, 2, 29), 0, 15)),
    # Clock times; a bare hour from 1 to 7 is afternoon; a time already past is tomorrow.
    ("в семь вечера", AFTERNOON, _at(FRIDAY, 19)),
    ("наберите в 19:00", AFTERNOON, _at(FRIDAY, 19)),
    ("позвоните в 18 часов", AFTERNOON, _at(FRIDAY, 18)),
    ("в шесть", AFTERNOON, _at(FRIDAY, 18)),
    ("после шести", AFTERNOON, _at(FRIDAY, 18)),
    ("после пяти", AFTERNOON, _at(FRIDAY, 17)),
    ("в половине седьмого", AFTERNOON, _at(FRIDAY, 18, 30)),
    ("полседьмого", AFTERNOON, _at(FRIDAY, 18, 30)),
    ("в семь тридцать", AFTERNOON, _at(FRIDAY, 19, 30)),
    ("в три часа дня", AFTERNOON, _at(FRIDAY, 15)),
    ("в час дня", AFTERNOON, _at(date(2026, 11, 28), 13)),
    ("в десять утра", AFTERNOON, _at(date(2026, 11, 28), 10)),
    ("в десять утра", _at(FRIDAY, 8, 5), _at(FRIDAY, 10)),
    ("часов в восемь", AFTERNOON, _at(FRIDAY, 20)),
    ("часов в восемь", _at(FRIDAY, 7, 30), _at(FRIDAY, 8)),
    ("в девять", _at(FRIDAY, 21, 30), _at(date(2026, 11, 28), 9)),
    ("в семь вечера", _at(date(2026, 12, 31), 20), _at(date(2027, 1, 1), 19)),
    # Parts of the day: their start, or an hour on once inside them.
    ("перезвоните вечером", AFTERNOON, _at(FRIDAY, 18)),
    ("вечером", _at(FRIDAY, 18, 30), _at(FRIDAY, 19, 30)),
    ("вечером", _at(FRIDAY, 20, 30), _at(date(2026, 11, 28), 18)),
    ("утром", AFTERNOON, _at(date(2026, 11, 28), 9)),
    ("утром", _at(FRIDAY, 7, 40), _at(FRIDAY, 9)),
    ("после обеда", _at(FRIDAY, 11), _at(FRIDAY, 14)),
    ("после обеда", AFTERNOON, _at(FRIDAY, 15, 10)),
    ("позвоните днем", _at(FRIDAY, 9), _at(FRIDAY, 13)),
    ("в обед", _at(FRIDAY, 9), _at(FRIDAY, 13)),
    # A day and a time.
    ("завтра утром", AFTERNOON, _at(date(2026, 11, 28), 9)),
    ("послезавтра вечером", AFTERNOON, _at(SUNDAY, 18)),
    ("в понедельник в десять утра", AFTERNOON, _at(date(2026, 11, 30), 10)),
    ("в понедельник в десять", AFTERNOON, _at(date(2026, 11, 30), 10)),
    ("завтра в семь вечера", _at(date(2026, 12, 31), 10), _at(date(2027, 1, 1), 19)),
    ("пятого декабря в пять", AFTERNOON, _at(date(2026, 12, 5), 17)),
    # A day without a time keeps the call's clock time; a span is due from its first day.
    ("перезвоните в понедельник", AFTERNOON, _at(date(2026, 11, 30), 14, 10)),
    ("позвоните завтра", AFTERNOON, _at(date(2026, 11, 28), 14, 10)),
    ("на следующей неделе", AFTERNOON, _at(date(2026, 11, 30), 14, 10)),
    ("на следующей неделе во вторник утром", AFTERNOON, _at(date(2026, 12, 1), 9)),
    ("сегодня", AFTERNOON, _at(FRIDAY, 15, 10)),
])
def test_call_back_moments(text: str, now: datetime, expected: datetime) -> None:
    moment = resolve_moment(text, now)
    assert moment == expected
    assert moment is not None and moment.tzinfo is MSK


@pytest.mark.parametrize("text", ["перезвоните попозже", "давайте в другой раз", "я занят", ""])
def test_no_moment_named(text: str) -> None:
    assert resolve_moment(text, AFTERNOON) is None


_GENITIVE_ORDINALS = (
    "первого второго третьего четвертого пятого шестого седьмого восьмого девятого десятого "
    "одиннадцатого двенадцатого тринадцатого четырнадцатого пятнадцатого шестнадцатого семнадцатого "
    "восемнадцатого девятнадцатого двадцатого").split()
_WEEKDAYS_ACCUSATIVE = ("понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье")
any_day = st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31))


def _ordinal_words(day: int) -> str:
    if day <= 20:
        return _GENITIVE_ORDINALS[day - 1]
    tens, unit = divmod(day, 10)
    word = ("двадцать", "тридцать")[tens - 2] if unit else ("двадцатого", "тридцатого")[tens - 2]
    return f"{word} {_GENITIVE_ORDINALS[unit - 1]}" if unit else word


@given(today=any_day, day=st.integers(1, 31), digits=st.booleans())
def test_a_day_of_the_month_is_the_next_such_day(today: date, day: int, digits: bool) -> None:
    resolved = resolve_day(f"{day}-го" if digits else _ordinal_words(day), today)
    assert resolved is not None and today <= resolved <= today + timedelta(days=31)
    # That day, or the last day of a month too short for it.
    assert resolved.day == day or (resolved + timedelta(days=1)).day == 1 and resolved.day < day
    assert resolved.day >= today.day or resolved.month != today.month


@given(today=any_day, weekday=st.integers(0, 6))
def test_a_weekday_is_within_the_coming_week(today: date, weekday: int) -> None:
    resolved = resolve_day(f"в {_WEEKDAYS_ACCUSATIVE[weekday]}", today)
    assert resolved is not None and resolved.weekday() == weekday
    assert 1 <= (resolved - today).days <= 7


@given(today=any_day, days=st.integers(1, 59))
def test_in_so_many_days(today: date, days: int) -> None:
    assert resolve_day(f"через {days} дней", today) == today + timedelta(days=days)


@given(today=any_day)
def test_month_end_is_the_last_day(today: date) -> None:
    resolved = resolve_day("до конца месяца", today)
    assert resolved is not None and resolved.month == today.month
    assert (resolved + timedelta(days=1)).day == 1
