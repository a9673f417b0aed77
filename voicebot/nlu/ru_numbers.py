"""Russian numbers as an ASR writes them: words ("двадцать пятого", "пару") or digits ("25-го").

Only what dates and times need: cardinals up to 59 (hours, minutes, counts of days) and
ordinals up to 31 (days of the month, "в половине седьмого").
"""
from __future__ import annotations

import re
from collections.abc import Sequence

_UNITS = {
    1: ("один", "одна", "одну", "одно", "одного", "одной"),
    2: ("два", "две", "двух", "пару", "пара", "парочку", "пары"),
    3: ("три", "трех", "несколько", "нескольких"),
    4: ("четыре", "четырех"),
    5: ("пять", "пяти"),
    6: ("шесть", "шести"),
    7: ("семь", "семи"),
    8: ("восемь", "восьми"),
    9: ("девять", "девяти"),
}
_TEENS = {
    10: "десят", 11: "одиннадцат", 12: "двенадцат", 13: "тринадцат", 14: "четырнадцат",
    15: "пятнадцат", 16: "шестнадцат", 17: "семнадцат", 18: "восемнадцат", 19: "девятнадцат",
}
_TENS = {20: "двадцат", 30: "тридцат"}

CARDINAL_UNITS: dict[str, int] = {word: value for value, words in _UNITS.items() for word in words}
CARDINAL_TENS: dict[str, int] = {
    stem + ending: value for value, stem in (_TEENS | _TENS).items() for ending in ("ь", "и")
} | {"сорок": 40, "сорока": 40, "пятьдесят": 50, "пятидесяти": 50}

_ORDINAL_STEMS = {
    1: "перв", 2: "втор", 3: "треть", 4: "четверт", 5: "пят", 6: "шест", 7: "седьм", 8: "восьм",
    9: "девят",
} | _TEENS | _TENS
# Genitive ("пятого"), dative ("к пятому"), nominative ("пятое"), and третий's soft forms.
_ORDINAL_ENDINGS = ("ого", "ому", "ое", "его", "ему", "е")
ORDINALS: dict[str, int] = {
    stem + ending: value for value, stem in _ORDINAL_STEMS.items() for ending in _ORDINAL_ENDINGS
}

# "15", "15-го", "15го", "15-е", "15-ое": digits with an optional ordinal suffix.
_DIGITS = re.compile(r"^(\d{1,2})(?:-?(?:го|ого|е|ое|му|ому))?$")


def digits_value(token: str) -> int | None:
    match = _DIGITS.match(token)
    return int(match.group(1)) if match else None


def is_ordinal_digits(token: str) -> bool:
    """"15-го" is a day of the month; a bare "15" may be anything."""
    return bool(_DIGITS.match(token)) and not token.isdigit()


def cardinal_at(tokens: Sequence[str], i: int) -> tuple[int, int] | None:
    """The cardinal number starting at ``tokens[i]`` and the index after it."""
    if i >= len(tokens):
        return None
    token = tokens[i]
    if token.isdigit() and len(token) <= 2:
        return int(token), i + 1
    if token in CARDINAL_UNITS:
        return CARDINAL_UNITS[token], i + 1
    if token in CARDINAL_TENS:
        value = CARDINAL_TENS[token]
        if value >= 20 and i + 1 < len(tokens) and tokens[i + 1] in CARDINAL_UNITS:
            return value + CARDINAL_UNITS[tokens[i + 1]], i + 2
        return value, i + 1
    return None


def ordinal_at(tokens: Sequence[str], i: int) -> tuple[int, int] | None:
    """The ordinal ("двадцать пятого", "25-го", "25") starting at ``tokens[i]`` and the index after it."""
    if i >= len(tokens):
        return None
    token = tokens[i]
    if token in ORDINALS:
        return ORDINALS[token], i + 1
    if token in ("двадцать", "тридцать") and i + 1 < len(tokens) and tokens[i + 1] in ORDINALS:
        unit = ORDINALS[tokens[i + 1]]
        if unit < 10:
            return CARDINAL_TENS[token] + unit, i + 2
    value = digits_value(token)
    if value is not None:
        return value, i + 1
    return None
