"""Russian dates and times in what a debtor says, resolved against the call's own date and time.

``resolve_day`` answers "by which day did they promise to pay", ``resolve_moment`` "when do
they want to be called back". Both read the ASR's text (words or digits) and are pure.

The rules, which the dialogue and the promise judge rely on:
- a weekday is its next occurrence after today ("в пятницу" said on a Friday is a week later);
  "в следующую пятницу" is the Friday of next week;
- a day of the month already past is in the next month, a day and month already past in the next
  year; a day the month does not have is its last day ("31-го" in November is 30 November);
- a span is its last day for a promise, since a promise is kept when paid by it ("на этой неделе"
  and "до конца недели" Sunday, "на следующей неделе" the Sunday after, "до конца месяца" the
  month's last day, "в декабре" 31 December, "на днях" three days on, "в начале месяца" the 5th),
  and its first day for a call back ("на следующей неделе" Monday); "в середине месяца" is the
  15th of this month or, once passed, the next;
- times of day: утром 9:00, до обеда 10:00, днём and в обед 13:00, после обеда 14:00, вечером
  18:00 (or an hour on if the call is already in that part of the day); a bare hour from 1 to 7 is
  in the afternoon ("в семь" 19:00), a bare 8 or 9 in the evening once the morning one has passed;
  a time already past today is tomorrow;
- a call-back day without a time keeps the clock time of this call (the debtor answered then);
  "сегодня" alone is an hour on. Vague words ("попозже", "в другой раз") resolve to nothing.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from voicebot.nlu.ru_numbers import ORDINALS, cardinal_at, is_ordinal_digits, ordinal_at

_MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                    "сентября", "октября", "ноября", "декабря")
_MONTHS_PREPOSITIONAL = ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе",
                         "сентябре", "октябре", "ноябре", "декабре")
_WEEKDAYS = {
    form: weekday
    for weekday, forms in enumerate((
        ("понедельник", "понедельника", "понедельнику"),
        ("вторник", "вторника", "вторнику"),
        ("среду", "среда", "среды", "среде"),
        ("четверг", "четверга", "четвергу"),
        ("пятницу", "пятница", "пятницы", "пятнице"),
        ("субботу", "суббота", "субботы", "субботе"),
        ("воскресенье", "воскресенья", "воскресенью"),
    ))
    for form in forms
}
_NEXT = ("следующий", "следующую", "следующее", "следующей", "следующего", "следующему")
_DAY_OF_MONTH_WORDS = ("числа", "числу", "число")

_DAY_UNITS = {
    **dict.fromkeys(("день", "дня", "дней", "денек", "денька", "деньков"), "day"),
    **dict.fromkeys(("неделю", "недели", "недель", "неделька", "недельку"), "week"),
    **dict.fromkeys(("месяц", "месяца", "месяцев"), "month"),
}
_TIME_UNITS = {
    **dict.fromkeys(("час", "часа", "часов", "часик", "часика", "часок", "часиков"), timedelta(hours=1)),
    **dict.fromkeys(("минуту", "минуты", "минут", "минутку", "минуток"), timedelta(minutes=1)),
}
# Words that make "в семь" a clock time: o'clock, and which half of the day.
_HOUR_WORDS = ("час", "часа", "часов", "часиков")
_HALVES = {"утра": "am", "ночи": "am", "дня": "pm", "вечера": "pm"}
_CLOCK_LEADS = ("в", "во", "к", "ко", "после", "около", "часов", "часиков")
_HH_MM = re.compile(r"^(\d{1,2})[:.](\d{2})$")
# Minutes said after the hour ("в семь тридцать"): only round values, so "в пять два" is not 5:02.
_SPOKEN_MINUTES = (10, 15, 20, 30, 40, 45, 50)


@dataclass(frozen=True)
class _PartOfDay:
    start: time
    end: time


_MORNING = _PartOfDay(time(9), time(12))
_BEFORE_LUNCH = _PartOfDay(time(10), time(12))
_DAYTIME = _PartOfDay(time(13), time(17))
_LUNCH = _PartOfDay(time(13), time(14))
_AFTER_LUNCH = _PartOfDay(time(14), time(17))
_EVENING = _PartOfDay(time(18), time(21))
_PARTS_ONE_WORD = {
    "утром": _MORNING, "утречком": _MORNING, "днем": _DAYTIME,
    "вечером": _EVENING, "вечерком": _EVENING, "вечерочком": _EVENING,
}
_PARTS_TWO_WORDS: dict[tuple[str, ...], _PartOfDay] = {
    ("с", "утра"): _MORNING, ("до", "обеда"): _BEFORE_LUNCH, ("в", "обед"): _LUNCH,
    ("после", "обеда"): _AFTER_LUNCH, ("под", "вечер"): _EVENING, ("к", "вечеру"): _EVENING,
    ("в", "обеденное"): _LUNCH,
}


@dataclass(frozen=True)
class _Time:
    """What was said about the time: exactly one of the three is set."""

    delta: timedelta | None = None
    clock: time | None = None
    part: _PartOfDay | None = None
    # "в восемь" without "утра" or "вечера": 20:00 if 8:00 has passed today.
    clock_or_evening: bool = False


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("ё", "е")
    tokens = re.findall(r"\d{1,2}[:.]\d{2}|[\w-]+", text)
    return [token.strip("-") for token in tokens if token.strip("-")]


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _clamped(year: int, month: int, day: int) -> date:
    """The day in that month, or the month's last day if it has no such day."""
    return date(year, month, min(day, _last_day(year, month)))


def _month_after(year: int, month: int, months: int = 1) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _add_months(day: date, months: int) -> date:
    year, month = _month_after(day.year, day.month, months)
    return _clamped(year, month, day.day)


def _day_of_month(day: int, today: date) -> date:
    if day >= today.day:
        return _clamped(today.year, today.month, day)
    return _clamped(*_month_after(today.year, today.month), day)


def _day_and_month(day: int, month: int, today: date) -> date:
    this_year = _clamped(today.year, month, day)
    return this_year if this_year >= today else _clamped(today.year + 1, month, day)


def _weekday(weekday: int, today: date, next_week: bool) -> date:
    if next_week:
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _sunday(today: date, weeks_on: int = 0) -> date:
    return today + timedelta(days=6 - today.weekday() + 7 * weeks_on)


def _month_end(today: date, months_on: int = 0) -> date:
    year, month = _month_after(today.year, today.month, months_on)
    return date(year, month, _last_day(year, month))


def _relative_at(tokens: Sequence[str], i: int) -> tuple[int | float, str, int] | None:
    """"через три дня", "через час", "через полчаса", "дня через три": (amount, unit word, end)."""
    if tokens[i] == "через" and i + 1 < len(tokens):
        if tokens[i + 1] == "полчаса":
            return 0.5, "час", i + 2
        if tokens[i + 1] == "полтора" and i + 2 < len(tokens):
            return 1.5, tokens[i + 2], i + 3
        if (number := cardinal_at(tokens, i + 1)) and number[1] < len(tokens):
            return number[0], tokens[number[1]], number[1] + 1
        return 1, tokens[i + 1], i + 2
    if i + 2 < len(tokens) and tokens[i + 1] == "через":
        number = cardinal_at(tokens, i + 2)
        if number:
            return number[0], tokens[i], number[1]
        if tokens[i + 2] == "полчаса":
            return 0.5, "час", i + 3
    return None


def _hour_at(tokens: Sequence[str], i: int) -> tuple[int, int, int] | None:
    """An hour (and minutes) said as words or digits at ``tokens[i]``: (hour, minute, end)."""
    if match := _HH_MM.match(tokens[i]):
        return int(match.group(1)), int(match.group(2)), i + 1
    number = cardinal_at(tokens, i)
    if number is None or number[0] > 23:
        return None
    hour, end = number
    minutes = cardinal_at(tokens, end)
    if minutes and minutes[0] in _SPOKEN_MINUTES:
        return hour, minutes[0], minutes[1]
    return hour, 0, end


def _half_past_at(tokens: Sequence[str], i: int) -> tuple[int, int] | None:
    """"половине седьмого", "полседьмого": the hour it is half past, and the end."""
    if tokens[i] == "половине" and i + 1 < len(tokens) and tokens[i + 1] in ORDINALS:
        return ORDINALS[tokens[i + 1]] - 1 or 12, i + 2
    if tokens[i].startswith("пол") and tokens[i][3:] in ORDINALS:
        return ORDINALS[tokens[i][3:]] - 1 or 12, i + 1
    return None


def _clock(hour: int, minute: int, half: str | None) -> time | None:
    if half == "pm" and hour < 12:
        hour += 12
    elif half is None and 1 <= hour <= 7:
        hour += 12  # nobody asks to be called at five in the morning
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _clock_at(tokens: Sequence[str], i: int) -> tuple[_Time, int] | None:
    """"в семь вечера", "после шести", "в 19:00", "часов в восемь", "в половине седьмого"."""
    lead = tokens[i] in _CLOCK_LEADS
    start = i + 1 if lead else i
    if start >= len(tokens):
        return None
    if half_past := _half_past_at(tokens, start):
        hour, minute, end, certain = half_past[0], 30, half_past[1], True
    elif tokens[start] == "час" and lead:  # "в час дня": one o'clock is said without the number
        hour, minute, end, certain = 1, 0, start + 1, True
    elif said := _hour_at(tokens, start):
        hour, minute, end = said
        certain = _HH_MM.match(tokens[start]) is not None
    else:
        return None
    if end < len(tokens) and tokens[end] in _HOUR_WORDS:
        end, certain = end + 1, True
    half = _HALVES.get(tokens[end]) if end < len(tokens) else None
    end += half is not None
    # A bare number is a time only after a preposition, and never when a day or month follows.
    if not (lead or certain or half) or (
            end < len(tokens) and tokens[end] in (*_DAY_OF_MONTH_WORDS, *_MONTHS_GENITIVE)):
        return None
    clock = _clock(hour, minute, half)
    if clock is None:
        return None
    return _Time(clock=clock, clock_or_evening=half is None and 8 <= hour <= 9), end


def _part_at(tokens: Sequence[str], i: int) -> tuple[_PartOfDay, int] | None:
    if tokens[i] in _PARTS_ONE_WORD:
        return _PARTS_ONE_WORD[tokens[i]], i + 1
    pair = tuple(tokens[i:i + 2])
    if pair in _PARTS_TWO_WORDS:
        return _PARTS_TWO_WORDS[pair], i + 2
    return None


def _time_at(tokens: Sequence[str], i: int) -> tuple[_Time, int] | None:
    relative = _relative_at(tokens, i)
    if relative and relative[1] in _TIME_UNITS:
        amount, unit, end = relative
        return _Time(delta=_TIME_UNITS[unit] * amount), end
    if clock := _clock_at(tokens, i):
        return clock
    if part := _part_at(tokens, i):
        return _Time(part=part[0]), part[1]
    return None


@dataclass(frozen=True)
class _Days:
    """The days a phrase names: a promise is kept by the last, a call back is due from the first."""

    first: date
    last: date

    @classmethod
    def one(cls, day: date) -> _Days:
        return cls(day, day)


def _span_at(tokens: Sequence[str], i: int, today: date) -> tuple[_Days, int] | None:
    """Spans of days: "до конца месяца", "на следующей неделе", "на днях", "в декабре"."""
    words = tokens[i:i + 3]
    pair, triple = tuple(words[:2]), tuple(words)
    sunday, month_end = _sunday(today), _month_end(today)
    if pair in (("конца", "недели"), ("концу", "недели"), ("конце", "недели")):
        return _Days(max(today, sunday - timedelta(days=2)), sunday), i + 2
    if pair == ("на", "выходных"):
        return _Days(max(today, sunday - timedelta(days=1)), sunday), i + 2
    if pair == ("этой", "неделе"):
        return _Days(min(today + timedelta(days=1), sunday), sunday), i + 2
    if pair in (("следующей", "неделе"), ("следующую", "неделю"), ("той", "неделе")):
        for offset, word in enumerate(tokens[i + 2:i + 4]):
            if word in _WEEKDAYS:  # "на следующей неделе в среду"
                return _Days.one(_weekday(_WEEKDAYS[word], today, next_week=True)), i + 3 + offset
        return _Days(sunday + timedelta(days=1), sunday + timedelta(days=7)), i + 2
    if pair in (("конца", "месяца"), ("концу", "месяца"), ("конце", "месяца")):
        return _Days(max(today, month_end - timedelta(days=2)), month_end), i + 2
    if pair == ("этом", "месяце"):
        return _Days(min(today + timedelta(days=1), month_end), month_end), i + 2
    if pair in (("следующем", "месяце"), ("следующий", "месяц")):
        return _Days(month_end + timedelta(days=1), _month_end(today, 1)), i + 2
    if triple in (("начале", "следующего", "месяца"), ("начале", "того", "месяца")):
        return _Days(month_end + timedelta(days=1), month_end + timedelta(days=5)), i + 3
    if pair == ("начале", "месяца"):
        fifth = _day_of_month(5, today)
        return _Days(max(today, fifth.replace(day=1)), fifth), i + 2
    if pair == ("середине", "месяца"):
        return _Days.one(_day_of_month(15, today)), i + 2
    if pair in (("на", "днях"), ("ближайшие", "дни"), ("ближайшее", "время")):
        return _Days(today + timedelta(days=1), today + timedelta(days=3)), i + 2
    if triple in (("в", "течение", "недели"), ("в", "течении", "недели")):
        return _Days(today + timedelta(days=1), today + timedelta(days=7)), i + 3
    if triple in (("в", "течение", "месяца"), ("в", "течении", "месяца")):
        return _Days(today + timedelta(days=1), _add_months(today, 1)), i + 3
    if tokens[i] in _MONTHS_PREPOSITIONAL:
        month = _MONTHS_PREPOSITIONAL.index(tokens[i]) + 1
        year = today.year + (month < today.month)
        first = max(today, date(year, month, 1))
        return _Days(first, date(year, month, _last_day(year, month))), i + 1
    return None


def _single_day_at(tokens: Sequence[str], i: int, today: date) -> tuple[date, int] | None:
    token = tokens[i]
    if token == "сегодня":
        return today, i + 1
    if token == "завтра":
        return today + timedelta(days=1), i + 1
    if token == "послезавтра" or tokens[i:i + 2] == ["после", "завтра"]:
        return today + timedelta(days=2), i + 1 + (token == "после")
    relative = _relative_at(tokens, i)
    if relative and relative[1] in _DAY_UNITS:
        amount, unit, end = relative
        count = int(amount)
        if _DAY_UNITS[unit] == "month":
            return _add_months(today, count), end
        return today + timedelta(days=count * (7 if _DAY_UNITS[unit] == "week" else 1)), end
    if token in _WEEKDAYS:
        return _weekday(_WEEKDAYS[token], today, i > 0 and tokens[i - 1] in _NEXT), i + 1
    ordinal = ordinal_at(tokens, i)
    if ordinal is None or not 1 <= ordinal[0] <= 31:
        return None
    day, end = ordinal
    following = tokens[end] if end < len(tokens) else ""
    if following in _MONTHS_GENITIVE:
        return _day_and_month(day, _MONTHS_GENITIVE.index(following) + 1, today), end + 1
    if following in _DAY_OF_MONTH_WORDS:
        return _day_of_month(day, today), end + 1
    if token.isdigit() and not is_ordinal_digits(token):
        return None  # a bare number is not a day unless "числа" or a month follows
    return _day_of_month(day, today), end


def _days_at(tokens: Sequence[str], i: int, today: date) -> tuple[_Days, int] | None:
    if span := _span_at(tokens, i, today):
        return span
    if single := _single_day_at(tokens, i, today):
        return _Days.one(single[0]), single[1]
    return None


def _read(text: str, today: date) -> tuple[_Days | None, _Time | None]:
    tokens = _tokens(text)
    days: _Days | None = None
    said_time: _Time | None = None
    i = 0
    while i < len(tokens):
        if said_time is None and (found_time := _time_at(tokens, i)):
            said_time, i = found_time
            continue
        if days is None and (found_days := _days_at(tokens, i, today)):
            days, i = found_days
            continue
        i += 1
    return days, said_time


def resolve_day(text: str, today: date) -> date | None:
    """The day named in ``text`` said on ``today`` (a span's last); today if only a time was named."""
    days, said_time = _read(text, today)
    if days is None:
        return today if said_time is not None else None
    return days.last


def resolve_moment(text: str, now: datetime) -> datetime | None:
    """The instant named in ``text`` said at ``now`` (a span's first day), in ``now``'s time zone."""
    today = now.date()
    days, said_time = _read(text, today)
    day = days.first if days else None
    if said_time is None:
        if day is None:
            return None
        if day == today:
            return now + timedelta(hours=1)
        return datetime.combine(day, now.timetz())
    if said_time.delta is not None:
        return now + said_time.delta
    if said_time.clock is not None:
        moment = datetime.combine(day or today, said_time.clock, tzinfo=now.tzinfo)
        if day is not None or moment > now:
            return moment
        if said_time.clock_or_evening and moment + timedelta(hours=12) > now:
            return moment + timedelta(hours=12)
        return moment + timedelta(days=1)
    part = said_time.part
    assert part is not None
    if day is not None and day != today:
        return datetime.combine(day, part.start, tzinfo=now.tzinfo)
    start = datetime.combine(today, part.start, tzinfo=now.tzinfo)
    if now < start:
        return start
    in_an_hour = now + timedelta(hours=1)
    if in_an_hour.time() <= part.end and in_an_hour.date() == today:
        return in_an_hour
    return start + timedelta(days=1)
