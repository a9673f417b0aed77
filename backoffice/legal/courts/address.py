"""Normalising Russian postal addresses far enough to match them against court district tables.

What billing exports write varies: «ул. Ленина», «улица Ленина», «Ленина ул»; «пр-т Первомайский»,
«Первомайский проспект»; «д. 31/19», «д.7А», «5 корп. 2». A street becomes its kind plus the
words of its name in order of appearance, lower case, «ё» as «е»; a house becomes its number
(the first one for a corner house «31/19», which is the number on that street) and the rest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations and words of street kinds (ФИАС short names), mapped to one word each.
STREET_KINDS = {
    "ул": "улица", "улица": "улица",
    "пр-т": "проспект", "пр-кт": "проспект", "просп": "проспект", "проспект": "проспект",
    "ш": "шоссе", "шоссе": "шоссе",
    "пр-д": "проезд", "проезд": "проезд",
    "б-р": "бульвар", "бул": "бульвар", "бульвар": "бульвар",
    "пер": "переулок", "переулок": "переулок",
    "пл": "площадь", "площадь": "площадь",
    "наб": "набережная", "набережная": "набережная",
    "туп": "тупик", "тупик": "тупик",
    "мкр": "микрорайон", "микрорайон": "микрорайон",
}
LOCALITY_KINDS = {"г", "гор", "город", "с", "село", "пос", "п", "поселок", "рп", "р.п", "пгт",
                  "д", "дер", "деревня", "ст", "станица"}
REGION_WORDS = {"область", "обл", "край", "республика", "респ", "ао", "автономный", "округ"}
# Parts that never decide a court: a rural district («Рязанский р-н») and what is inside a house.
DISTRICT_WORD = "р-н"
FLAT_WORDS = {"кв", "квартира", "комн", "комната", "офис", "пом"}
_WORD = re.compile(r"[0-9a-zа-я]+(?:-[0-9a-zа-я]+)*(?:\.[а-я]+)?", re.IGNORECASE)
_HOUSE = re.compile(r"^\s*(\d+)\s*(.*)$")


def _words(text: str) -> list[str]:
    return [w.rstrip(".") for w in _WORD.findall(text.lower().replace("ё", "е"))]


@dataclass(frozen=True, slots=True)
class StreetKey:
    kind: str  # "" when the address names no kind
    name: str


def street_key(text: str) -> StreetKey:
    """«ул. Ленина» → (улица, ленина); «пр-т Первомайский» → (проспект, первомайский)."""
    kind = ""
    name: list[str] = []
    for word in _words(text):
        if not kind and word in STREET_KINDS:
            kind = STREET_KINDS[word]
        else:
            name.append(word)
    return StreetKey(kind, " ".join(name))


def locality_name(text: str) -> str:
    """«г. Рязань» → «рязань»."""
    return " ".join(w for w in _words(text) if w not in LOCALITY_KINDS)


@dataclass(frozen=True, slots=True)
class HouseNumber:
    number: int
    rest: str  # letter, «/19», «корп. 2»: not used for matching ranges


def house_number(text: str) -> HouseNumber | None:
    """«31/19» → 31; «7А» → 7; «д. 5 корп. 2» → 5; no leading number → None."""
    cleaned = re.sub(r"^\s*(дом|д)\.?\s*", "", text.strip(), flags=re.IGNORECASE)
    match = _HOUSE.match(cleaned)
    if match is None:
        return None
    return HouseNumber(int(match.group(1)), match.group(2).strip())


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    region: str
    locality: str
    street: StreetKey
    house: HouseNumber | None


def parse_address(text: str) -> ParsedAddress | None:
    """A one-line address split at commas: postal code, region, locality, street, house, flat.

    Returns None when no street or no house can be told apart: such an address goes to a lawyer.
    """
    region = locality = ""
    street: StreetKey | None = None
    house: HouseNumber | None = None
    for part in (p.strip() for p in text.split(",")):
        words = _words(part)
        if not words or (len(words) == 1 and words[0].isdigit() and len(words[0]) == 6):
            continue
        if any(w in REGION_WORDS for w in words):
            region = part
            continue
        if words[0] in FLAT_WORDS or DISTRICT_WORD in words:
            continue
        if words[0] in ("д", "дом") and street is not None:
            house = house_number(part)
        elif words[0] in LOCALITY_KINDS and not locality and street is None:
            locality = locality_name(part)
        elif street is None and (any(w in STREET_KINDS for w in words) or locality):
            street = street_key(part)
        elif street is not None and house is None:
            house = house_number(part)
    if street is None or house is None:
        return None
    return ParsedAddress(region, locality, street, house)
