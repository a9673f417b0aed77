"""Russian numerals, money, dates and times in words, as the voice will say them."""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from voicebot.russian import (
    Case,
    Gender,
    cardinal,
    date_in_words,
    moment_in_words,
    money_in_words,
    ordinal,
    period_in_words,
    plural,
    speakable,
    time_in_words,
    year_in_words,
)


@pytest.mark.parametrize(("value", "words"), [
    (0, "ноль"),
    (1, "один"),
    (10, "десять"),
    (11, "одиннадцать"),
    (12, "двенадцать"),
    (13, "тринадцать"),
    (14, "четырнадцать"),
    (19, "девятнадцать"),
    (20, "двадцать"),
    (21, "двадцать один"),
    (40, "сорок"),
    (99, "девяносто девять"),
    (100, "сто"),
    (101, "сто один"),
    (110, "сто десять"),
    (111, "сто одиннадцать"),
    (999, "девятьсот девяносто девять"),
    (1000, "одна тысяча"),
    (1001, "одна тысяча один"),
    (2000, "две тысячи"),
    (5000, "пять тысяч"),
    (11000, "одиннадцать тысяч"),
    (21000, "двадцать одна тысяча"),
    (22000, "двадцать две тысячи"),
    (100000, "сто тысяч"),
    (1000000, "один миллион"),
    (2000000, "два миллиона"),
    (5000000, "пять миллионов"),
    (1000001, "один миллион один"),
    (3002001, "три миллиона две тысячи один"),
    (1000000000, "один миллиард"),
    (2147483647, "два миллиарда сто сорок семь миллионов четыреста восемьдесят три тысячи "
                 "шестьсот сорок семь"),
])
def test_cardinal_masculine(value: int, words: str) -> None:
    assert cardinal(value) == words


@pytest.mark.parametrize(("value", "gender", "words"), [
    (1, Gender.FEMININE, "одна"),
    (2, Gender.FEMININE, "две"),
    (1, Gender.NEUTER, "одно"),
    (2, Gender.NEUTER, "два"),
    (21, Gender.FEMININE, "двадцать одна"),
    (12, Gender.FEMININE, "двенадцать"),
    (2002, Gender.FEMININE, "две тысячи две"),
    (1001, Gender.NEUTER, "одна тысяча одно"),
])
def test_cardinal_gender_changes_only_one_and_two(value: int, gender: Gender, words: str) -> None:
    assert cardinal(value, gender) == words


def test_cardinal_rejects_negative_and_out_of_range() -> None:
    with pytest.raises(ValueError):
        cardinal(-1)
    with pytest.raises(ValueError):
        cardinal(10 ** 15)


@pytest.mark.parametrize(("count", "form"), [
    (0, "рублей"), (1, "рубль"), (2, "рубля"), (4, "рубля"), (5, "рублей"), (11, "рублей"),
    (12, "рублей"), (14, "рублей"), (21, "рубль"), (22, "рубля"), (101, "рубль"),
    (111, "рублей"), (112, "рублей"), (1000, "рублей"), (1001, "рубль"),
])
def test_noun_agrees_with_last_number(count: int, form: str) -> None:
    assert plural(count, "рубль", "рубля", "рублей") == form


@pytest.mark.parametrize(("amount", "words"), [
    (Decimal("1234.05"), "одна тысяча двести тридцать четыре рубля пять копеек"),
    (Decimal("1.01"), "один рубль одна копейка"),
    (Decimal("2.02"), "два рубля две копейки"),
    (Decimal("11.11"), "одиннадцать рублей одиннадцать копеек"),
    (Decimal("21.21"), "двадцать один рубль двадцать одна копейка"),
    (Decimal("14.14"), "четырнадцать рублей четырнадцать копеек"),
    (Decimal("101"), "сто один рубль"),
    (Decimal("100.00"), "сто рублей"),
    (Decimal("2000"), "две тысячи рублей"),
    (Decimal("5000.50"), "пять тысяч рублей пятьдесят копеек"),
    (Decimal("1000000"), "один миллион рублей"),
    (Decimal("0.50"), "пятьдесят копеек"),
    (Decimal("0"), "ноль рублей"),
    (Decimal("0.005"), "одна копейка"),
    (Decimal("21345.99"), "двадцать одна тысяча триста сорок пять рублей девяносто девять копеек"),
])
def test_money_in_words(amount: Decimal, words: str) -> None:
    assert money_in_words(amount) == words


def test_money_rejects_negative() -> None:
    with pytest.raises(ValueError):
        money_in_words(Decimal("-1"))


@pytest.mark.parametrize(("value", "gender", "case", "words"), [
    (1, Gender.NEUTER, Case.NOMINATIVE, "первое"),
    (2, Gender.NEUTER, Case.GENITIVE, "второго"),
    (3, Gender.NEUTER, Case.NOMINATIVE, "третье"),
    (3, Gender.NEUTER, Case.GENITIVE, "третьего"),
    (3, Gender.FEMININE, Case.ACCUSATIVE, "третью"),
    (3, Gender.MASCULINE, Case.PREPOSITIONAL, "третьем"),
    (7, Gender.FEMININE, Case.NOMINATIVE, "седьмая"),
    (11, Gender.NEUTER, Case.NOMINATIVE, "одиннадцатое"),
    (15, Gender.NEUTER, Case.GENITIVE, "пятнадцатого"),
    (20, Gender.NEUTER, Case.NOMINATIVE, "двадцатое"),
    (21, Gender.NEUTER, Case.NOMINATIVE, "двадцать первое"),
    (23, Gender.NEUTER, Case.GENITIVE, "двадцать третьего"),
    (30, Gender.NEUTER, Case.GENITIVE, "тридцатого"),
    (31, Gender.NEUTER, Case.NOMINATIVE, "тридцать первое"),
    (40, Gender.MASCULINE, Case.NOMINATIVE, "сороковой"),
    (90, Gender.MASCULINE, Case.DATIVE, "девяностому"),
    (100, Gender.MASCULINE, Case.NOMINATIVE, "сотый"),
    (101, Gender.MASCULINE, Case.NOMINATIVE, "сто первый"),
    (200, Gender.MASCULINE, Case.NOMINATIVE, "двухсотый"),
    (500, Gender.FEMININE, Case.INSTRUMENTAL, "пятисотой"),
    (1000, Gender.MASCULINE, Case.NOMINATIVE, "тысячный"),
    (2000, Gender.MASCULINE, Case.GENITIVE, "двухтысячного"),
    (21000, Gender.MASCULINE, Case.NOMINATIVE, "двадцатиоднотысячный"),
    (1000000, Gender.MASCULINE, Case.NOMINATIVE, "миллионный"),
    (2026, Gender.MASCULINE, Case.GENITIVE, "две тысячи двадцать шестого"),
    (2100, Gender.MASCULINE, Case.PREPOSITIONAL, "две тысячи сотом"),
    (1991, Gender.MASCULINE, Case.NOMINATIVE, "одна тысяча девятьсот девяносто первый"),
])
def test_ordinal(value: int, gender: Gender, case: Case, words: str) -> None:
    assert ordinal(value, gender, case) == words


def test_ordinal_rejects_zero() -> None:
    with pytest.raises(ValueError):
        ordinal(0)


def test_dates_in_words() -> None:
    assert date_in_words(date(2026, 12, 15)) == "пятнадцатое декабря"
    assert date_in_words(date(2026, 12, 15), Case.GENITIVE) == "пятнадцатого декабря"
    assert date_in_words(date(2026, 3, 1), year=True) == \
        "первое марта две тысячи двадцать шестого года"
    assert date_in_words(date(2027, 1, 23), Case.GENITIVE) == "двадцать третьего января"
    assert year_in_words(2000) == "двухтысячного года"
    assert period_in_words(date(2025, 11, 1)) == "ноябрь две тысячи двадцать пятого года"


def test_times_in_words() -> None:
    assert time_in_words(time(19, 30)) == "девятнадцать часов тридцать минут"
    assert time_in_words(time(21, 1)) == "двадцать один час одна минута"
    assert time_in_words(time(22, 22)) == "двадцать два часа двадцать две минуты"
    assert time_in_words(time(10, 0)) == "десять часов"


def test_moment_relative_to_now() -> None:
    zone = ZoneInfo("Asia/Yekaterinburg")
    now = datetime(2026, 12, 1, 11, 0, tzinfo=zone)
    assert moment_in_words(datetime(2026, 12, 1, 19, 0, tzinfo=zone), now) == \
        "сегодня в девятнадцать часов"
    assert moment_in_words(datetime(2026, 12, 2, 10, 30, tzinfo=zone), now) == \
        "завтра в десять часов тридцать минут"
    # An instant in UTC is said in the debtor's own time.
    assert moment_in_words(datetime(2026, 12, 15, 4, 0, tzinfo=ZoneInfo("UTC")), now) == \
        "пятнадцатого декабря в девять часов"


def test_speakable_turns_figures_into_words() -> None:
    assert speakable("Долг 1\u00a0234,05\u00a0₽ на 15.12.2026, звонок в 19:30, квартира 21") == (
        "Долг одна тысяча двести тридцать четыре рубля пять копеек на пятнадцатое декабря "
        "две тысячи двадцать шестого года, звонок в девятнадцать часов тридцать минут, "
        "квартира двадцать один")
    assert speakable("оплатите 500 руб.") == "оплатите пятьсот рублей"
    assert speakable("без цифр") == "без цифр"
