"""Russian numerals in words: cardinals with gender, ordinals in any case, and noun agreement.

Speech needs words, not figures: a TTS voice reads «21» as it likes, and the listener must hear
«двадцать одна тысяча» with the right gender and «рубля»/«рублей» agreeing with the last number.
"""
from __future__ import annotations

from enum import StrEnum


class Gender(StrEnum):
    MASCULINE = "m"
    FEMININE = "f"
    NEUTER = "n"


class Case(StrEnum):
    NOMINATIVE = "nom"
    GENITIVE = "gen"
    DATIVE = "dat"
    # Inanimate accusative: the form for «на пятнадцатое», «в двадцать шестой раз».
    ACCUSATIVE = "acc"
    INSTRUMENTAL = "ins"
    PREPOSITIONAL = "pre"


def plural(count: int, one: str, few: str, many: str) -> str:
    """The noun form agreeing with ``count``: 1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль."""
    count = abs(count)
    if 11 <= count % 100 <= 14:
        return many
    last = count % 10
    if last == 1:
        return one
    if 2 <= last <= 4:
        return few
    return many


_UNITS = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_TEENS = ("десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
          "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать")
_TENS = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
         "восемьдесят", "девяносто")
_HUNDREDS = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
             "восемьсот", "девятьсот")
_GENDERED = {Gender.FEMININE: {1: "одна", 2: "две"}, Gender.NEUTER: {1: "одно"}}

# Scales above the units: (nouns for 1 / 2–4 / 5+, the gender their count takes).
_SCALES = (
    (("тысяча", "тысячи", "тысяч"), Gender.FEMININE),
    (("миллион", "миллиона", "миллионов"), Gender.MASCULINE),
    (("миллиард", "миллиарда", "миллиардов"), Gender.MASCULINE),
    (("триллион", "триллиона", "триллионов"), Gender.MASCULINE),
)
_LIMIT = 1000 ** (len(_SCALES) + 1)


def _triple(value: int, gender: Gender) -> list[str]:
    """Words for 1–999 in the nominative."""
    words = [_HUNDREDS[value // 100]]
    rest = value % 100
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        words.append(_TENS[rest // 10])
        unit = rest % 10
        words.append(_GENDERED.get(gender, {}).get(unit, _UNITS[unit]))
    return [word for word in words if word]


def _groups(value: int) -> list[int]:
    """Thousands groups, most significant first: 1234567 → [1, 234, 567]."""
    groups = []
    while value:
        groups.insert(0, value % 1000)
        value //= 1000
    return groups or [0]


def cardinal(value: int, gender: Gender = Gender.MASCULINE) -> str:
    """A non-negative integer in words, nominative: 2021 → «две тысячи двадцать один»."""
    if value < 0:
        raise ValueError(f"no words for a negative number: {value}")
    if value >= _LIMIT:
        raise ValueError(f"too large to say: {value}")
    if value == 0:
        return "ноль"
    words: list[str] = []
    groups = _groups(value)
    for position, group in enumerate(groups):
        scale = len(groups) - 1 - position
        if not group:
            continue
        if scale == 0:
            words.extend(_triple(group, gender))
            continue
        forms, scale_gender = _SCALES[scale - 1]
        words.extend(_triple(group, scale_gender))
        words.append(plural(group, *forms))
    return " ".join(words)


# Ordinals as a stem and its declension: "ый" (hard, unstressed), "ой" (hard, stressed), "ий"
# (only «третий», with the soft sign in oblique forms).
_ORDINAL_UNITS = (("", ""), ("перв", "ый"), ("втор", "ой"), ("трет", "ий"), ("четвёрт", "ый"),
                  ("пят", "ый"), ("шест", "ой"), ("седьм", "ой"), ("восьм", "ой"),
                  ("девят", "ый"))
_ORDINAL_TEENS = tuple((word[:-1], "ый") for word in _TEENS)
_ORDINAL_TENS = (("", ""), ("", ""), ("двадцат", "ый"), ("тридцат", "ый"), ("сороков", "ой"),
                 ("пятидесят", "ый"), ("шестидесят", "ый"), ("семидесят", "ый"),
                 ("восьмидесят", "ый"), ("девяност", "ый"))
# Genitive counts glued in front of a round ordinal: «двухсотый», «двадцатипятитысячный».
_GENITIVE_UNITS = ("", "одно", "двух", "трёх", "четырёх", "пяти", "шести", "семи", "восьми",
                   "девяти")
_GENITIVE_TEENS = tuple(word[:-1] + "и" for word in _TEENS)
_GENITIVE_TENS = ("", "", "двадцати", "тридцати", "сорока", "пятидесяти", "шестидесяти",
                  "семидесяти", "восьмидесяти", "девяноста")
_GENITIVE_HUNDREDS = ("", "сто", "двухсот", "трёхсот", "четырёхсот", "пятисот", "шестисот",
                      "семисот", "восьмисот", "девятисот")
_SCALE_STEMS = ("тысячн", "миллионн", "миллиардн", "триллионн")

_ENDINGS: dict[str, dict[Case, tuple[str, str, str]]] = {
    # (masculine, feminine, neuter) per case.
    "ый": {Case.NOMINATIVE: ("ый", "ая", "ое"), Case.GENITIVE: ("ого", "ой", "ого"),
           Case.DATIVE: ("ому", "ой", "ому"), Case.ACCUSATIVE: ("ый", "ую", "ое"),
           Case.INSTRUMENTAL: ("ым", "ой", "ым"), Case.PREPOSITIONAL: ("ом", "ой", "ом")},
    "ой": {Case.NOMINATIVE: ("ой", "ая", "ое"), Case.GENITIVE: ("ого", "ой", "ого"),
           Case.DATIVE: ("ому", "ой", "ому"), Case.ACCUSATIVE: ("ой", "ую", "ое"),
           Case.INSTRUMENTAL: ("ым", "ой", "ым"), Case.PREPOSITIONAL: ("ом", "ой", "ом")},
    "ий": {Case.NOMINATIVE: ("ий", "ья", "ье"), Case.GENITIVE: ("ьего", "ьей", "ьего"),
           Case.DATIVE: ("ьему", "ьей", "ьему"), Case.ACCUSATIVE: ("ий", "ью", "ье"),
           Case.INSTRUMENTAL: ("ьим", "ьей", "ьим"), Case.PREPOSITIONAL: ("ьем", "ьей", "ьем")},
}
_GENDER_INDEX = {Gender.MASCULINE: 0, Gender.FEMININE: 1, Gender.NEUTER: 2}


def _genitive_prefix(value: int) -> str:
    """1–999 as the genitive prefix of a compound ordinal; 1 is silent («тысячный»)."""
    if value == 1:
        return ""
    rest = value % 100
    if 10 <= rest <= 19:
        tail = _GENITIVE_TEENS[rest - 10]
    else:
        tail = _GENITIVE_TENS[rest // 10] + _GENITIVE_UNITS[rest % 10]
    return _GENITIVE_HUNDREDS[value // 100] + tail


def _last_ordinal(value: int) -> tuple[str, str, int]:
    """The ordinal word that ends ``value`` as (stem, declension) and the part said as cardinal."""
    groups = _groups(value)
    scale = 0
    while groups[-1] == 0:
        groups.pop()
        scale += 1
    last = groups[-1]
    if scale:
        # A round number ends in a compound: 2000 → «двухтысячный», 5 000 000 → «пятимиллионный».
        stem = _genitive_prefix(last) + _SCALE_STEMS[scale - 1]
        return stem, "ый", value - last * 1000 ** scale
    rest = last % 100
    if 10 <= rest <= 19:
        stem, kind = _ORDINAL_TEENS[rest - 10]
        return stem, kind, value - rest
    if rest % 10:
        stem, kind = _ORDINAL_UNITS[rest % 10]
        return stem, kind, value - rest % 10
    if rest:
        stem, kind = _ORDINAL_TENS[rest // 10]
        return stem, kind, value - rest
    # «сотый», «двухсотый»: the hundreds count glued in the genitive, one hundred bare.
    prefix = _GENITIVE_UNITS[last // 100] if last >= 200 else ""
    return prefix + "сот", "ый", value - last


def ordinal(value: int, gender: Gender = Gender.MASCULINE, case: Case = Case.NOMINATIVE) -> str:
    """A positive ordinal in words: (15, NEUTER) → «пятнадцатое», (2026, M, GENITIVE) →
    «две тысячи двадцать шестого»; only the last word declines, as in speech."""
    if value <= 0:
        raise ValueError(f"no ordinal for {value}")
    if value >= _LIMIT:
        raise ValueError(f"too large to say: {value}")
    stem, kind, head = _last_ordinal(value)
    word = stem + _ENDINGS[kind][case][_GENDER_INDEX[gender]]
    return f"{cardinal(head)} {word}" if head else word
