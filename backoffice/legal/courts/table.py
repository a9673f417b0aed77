"""Magistrate districts (судебные участки) by address, from per-region CSV tables.

Each ``*.csv`` in the courts folder is one region's table as its law lists it, one row per street
(or part of one) a district serves:

``region,district_code,court_name,court_address,locality,street,from_house,to_house,side``

``from_house``/``to_house`` bound the house numbers (empty: open-ended), ``side`` is ``all``,
``odd`` or ``even``. An address is matched on region, locality, street and house number; no row,
or more than one district, is a :class:`NoCourt` for a lawyer to resolve — never a guess, never
geographic distance (DOMAIN.md "Court order and court").
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backoffice.legal.courts.address import (
    HouseNumber,
    ParsedAddress,
    StreetKey,
    house_number,
    locality_name,
    parse_address,
    street_key,
)

DEFAULT_DIR = Path(__file__).resolve().with_name("data")
COLUMNS = ("region", "district_code", "court_name", "court_address", "locality", "street",
           "from_house", "to_house", "side")
SIDES = ("all", "odd", "even")


@dataclass(frozen=True, slots=True)
class MagistrateDistrict:
    code: str
    court_name: str
    court_address: str
    region: str


@dataclass(frozen=True, slots=True)
class StreetRange:
    district: MagistrateDistrict
    street: StreetKey
    from_house: int | None
    to_house: int | None
    side: str

    def holds(self, house: HouseNumber) -> bool:
        n = house.number
        if self.from_house is not None and n < self.from_house:
            return False
        if self.to_house is not None and n > self.to_house:
            return False
        return self.side == "all" or (n % 2 == 1) == (self.side == "odd")


@dataclass(frozen=True, slots=True)
class CourtMatch:
    district: MagistrateDistrict


@dataclass(frozen=True, slots=True)
class NoCourt:
    """The address needs a lawyer: ``reason`` says why, in Russian, for the lawyer queue."""

    address: str
    reason: str


def _region_key(region: str) -> str:
    words = region.lower().replace("ё", "е").split()
    return words[0] if words else ""


class CourtTable:
    """Every loaded region's ranges, indexed by (locality, street name)."""

    def __init__(self, ranges: list[tuple[str, str, StreetRange]]) -> None:
        self._by_street: dict[tuple[str, str], list[tuple[str, StreetRange]]] = defaultdict(list)
        for region, locality, street_range in ranges:
            self._by_street[(locality, street_range.street.name)].append((region, street_range))
        self.districts = {r.district.code: r.district for _, _, r in ranges}

    def find(self, address: ParsedAddress, original: str) -> CourtMatch | NoCourt:
        candidates = self._by_street.get((address.locality, address.street.name), [])
        region = _region_key(address.region)
        found = {
            r.district
            for reg, r in candidates
            if (not region or reg == region)
            and (not address.street.kind or not r.street.kind or r.street.kind == address.street.kind)
            and address.house is not None and r.holds(address.house)
        }
        if len(found) == 1:
            return CourtMatch(found.pop())
        if not found:
            return NoCourt(original, "адрес не найден в таблице судебных участков")
        codes = ", ".join(sorted(d.code for d in found))
        return NoCourt(original, f"адрес подходит нескольким судебным участкам: {codes}")

    def find_text(self, address: str) -> CourtMatch | NoCourt:
        parsed = parse_address(address)
        if parsed is None:
            return NoCourt(address, "не удалось разобрать адрес (улица и дом)")
        return self.find(parsed, address)

    def find_parts(self, region: str, city: str, street: str, house: str) -> CourtMatch | NoCourt:
        original = f"{region}, {city}, {street}, д. {house}"
        number = house_number(house)
        if number is None:
            return NoCourt(original, "номер дома не распознан")
        parsed = ParsedAddress(region, locality_name(city), street_key(street), number)
        return self.find(parsed, original)


def _bound(where: str, value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(f"{where}: a house bound must be a whole number, got {value!r}")
    return int(value)


def read_region(path: Path) -> list[tuple[str, str, StreetRange]]:
    ranges = []
    districts: dict[str, MagistrateDistrict] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or tuple(reader.fieldnames) != COLUMNS:
            raise ValueError(f"{path}: the header must be {','.join(COLUMNS)}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            side = (row["side"] or "all").strip()
            if side not in SIDES:
                raise ValueError(f"{where}: side must be one of {', '.join(SIDES)}, got {side!r}")
            district = MagistrateDistrict(row["district_code"].strip(), row["court_name"].strip(),
                                          row["court_address"].strip(), row["region"].strip())
            known = districts.setdefault(district.code, district)
            if known != district:
                raise ValueError(f"{where}: district {district.code} described differently above")
            street = street_key(row["street"])
            if not street.name or not district.code or not district.court_name:
                raise ValueError(f"{where}: district code, court name and street are required")
            ranges.append((_region_key(district.region), locality_name(row["locality"]),
                           StreetRange(known, street, _bound(where, row["from_house"]),
                                       _bound(where, row["to_house"]), side)))
    return ranges


@cache
def _load(directory: Path) -> CourtTable:
    ranges = []
    for path in sorted(directory.glob("*.csv")):
        ranges.extend(read_region(path))
    return CourtTable(ranges)


def load_courts(directory: Path | str | None = None) -> CourtTable:
    """Every region table in ``directory`` (default: the shipped ones), read once per process."""
    return _load(DEFAULT_DIR if directory is None else Path(directory).resolve())
