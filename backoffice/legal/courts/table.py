"""Offices that serve an address — magistrate districts, district courts, bailiff departments —
from per-region CSV tables.

Each ``*.csv`` in a table's folder is one region's table, one row per street (or part of one) an
office serves. The columns are the same for every kind but the office's three, named for what the
table holds (:data:`MAGISTRATES`, :data:`DISTRICT_COURTS`, :data:`BAILIFFS`):

``region,<code>,<name>,<address>,locality,street,from_house,to_house,side``

``from_house``/``to_house`` bound the house numbers (empty: open-ended), ``side`` is ``all``,
``odd`` or ``even``. An address is matched on region, locality, street and house number; no row,
or more than one office, is a :class:`NoOffice` for a lawyer to resolve — never a guess, never
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

DATA_DIR = Path(__file__).resolve().with_name("data")
SIDES = ("all", "odd", "even")
_AREA_COLUMNS = ("locality", "street", "from_house", "to_house", "side")


@dataclass(frozen=True, slots=True)
class TableKind:
    """What a table holds: its shipped folder, its office columns, and its name in refusals."""

    default_dir: Path
    office_columns: tuple[str, str, str]  # code, name, address
    # Genitive plural for the lawyer: «адрес не найден в таблице судебных участков».
    offices_genitive: str

    @property
    def columns(self) -> tuple[str, ...]:
        return ("region", *self.office_columns, *_AREA_COLUMNS)


MAGISTRATES = TableKind(DATA_DIR, ("district_code", "court_name", "court_address"),
                        "судебных участков")
# ГПК ст. 24: a lawsuit over the magistrate's 50 000 ₽ goes to the district court.
DISTRICT_COURTS = TableKind(DATA_DIR / "district_courts", ("court_code", "court_name",
                                                           "court_address"), "районных судов")
# 229-ФЗ ст. 33 ч. 1: enforcement against a citizen is at their place of residence.
BAILIFFS = TableKind(DATA_DIR / "bailiffs", ("department_code", "department_name",
                                             "department_address"),
                     "отделов судебных приставов")
# The magistrate table's header, as user-supplied tables are written.
COLUMNS = MAGISTRATES.columns
DEFAULT_DIR = MAGISTRATES.default_dir


@dataclass(frozen=True, slots=True)
class Office:
    """A magistrate district, district court or bailiff department."""

    code: str
    name: str
    address: str
    region: str


@dataclass(frozen=True, slots=True)
class StreetRange:
    office: Office
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
class OfficeMatch:
    office: Office


@dataclass(frozen=True, slots=True)
class NoOffice:
    """The address needs a lawyer: ``reason`` says why, in Russian, for the lawyer queue."""

    address: str
    reason: str


def _region_key(region: str) -> str:
    words = region.lower().replace("ё", "е").split()
    return words[0] if words else ""


class AreaTable:
    """Every loaded region's ranges of one kind, indexed by (locality, street name)."""

    def __init__(self, kind: TableKind, ranges: list[tuple[str, str, StreetRange]]) -> None:
        self.kind = kind
        self._by_street: dict[tuple[str, str], list[tuple[str, StreetRange]]] = defaultdict(list)
        for region, locality, street_range in ranges:
            self._by_street[(locality, street_range.street.name)].append((region, street_range))
        self.offices = {r.office.code: r.office for _, _, r in ranges}

    def find(self, address: ParsedAddress, original: str) -> OfficeMatch | NoOffice:
        candidates = self._by_street.get((address.locality, address.street.name), [])
        region = _region_key(address.region)
        found = {
            r.office
            for reg, r in candidates
            if (not region or reg == region)
            and (not address.street.kind or not r.street.kind or r.street.kind == address.street.kind)
            and address.house is not None and r.holds(address.house)
        }
        if len(found) == 1:
            return OfficeMatch(found.pop())
        if not found:
            return NoOffice(original, f"адрес не найден в таблице {self.kind.offices_genitive}")
        codes = ", ".join(sorted(o.code for o in found))
        return NoOffice(original, f"адрес подходит нескольким строкам таблицы "
                                  f"{self.kind.offices_genitive}: {codes}")

    def find_text(self, address: str) -> OfficeMatch | NoOffice:
        parsed = parse_address(address)
        if parsed is None:
            return NoOffice(address, "не удалось разобрать адрес (улица и дом)")
        return self.find(parsed, address)

    def find_parts(self, region: str, city: str, street: str, house: str) -> OfficeMatch | NoOffice:
        original = f"{region}, {city}, {street}, д. {house}"
        number = house_number(house)
        if number is None:
            return NoOffice(original, "номер дома не распознан")
        parsed = ParsedAddress(region, locality_name(city), street_key(street), number)
        return self.find(parsed, original)


def _bound(where: str, value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(f"{where}: a house bound must be a whole number, got {value!r}")
    return int(value)


def read_region(path: Path, kind: TableKind) -> list[tuple[str, str, StreetRange]]:
    ranges = []
    offices: dict[str, Office] = {}
    code_column, name_column, address_column = kind.office_columns
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or tuple(reader.fieldnames) != kind.columns:
            raise ValueError(f"{path}: the header must be {','.join(kind.columns)}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            side = (row["side"] or "all").strip()
            if side not in SIDES:
                raise ValueError(f"{where}: side must be one of {', '.join(SIDES)}, got {side!r}")
            office = Office(row[code_column].strip(), row[name_column].strip(),
                            row[address_column].strip(), row["region"].strip())
            known = offices.setdefault(office.code, office)
            if known != office:
                raise ValueError(f"{where}: office {office.code} described differently above")
            street = street_key(row["street"])
            if not street.name or not office.code or not office.name:
                raise ValueError(f"{where}: {code_column}, {name_column} and street are required")
            ranges.append((_region_key(office.region), locality_name(row["locality"]),
                           StreetRange(known, street, _bound(where, row["from_house"]),
                                       _bound(where, row["to_house"]), side)))
    return ranges


@cache
def _load(kind: TableKind, directory: Path) -> AreaTable:
    ranges = []
    for path in sorted(directory.glob("*.csv")):
        ranges.extend(read_region(path, kind))
    return AreaTable(kind, ranges)


def load_table(kind: TableKind, directory: Path | str | None = None) -> AreaTable:
    """Every region table of ``kind`` in ``directory`` (default: the shipped ones), read once
    per process."""
    return _load(kind, kind.default_dir if not directory else Path(directory).resolve())


def load_courts(directory: Path | str | None = None) -> AreaTable:
    """The magistrate districts (судебные участки)."""
    return load_table(MAGISTRATES, directory)


def load_district_courts(directory: Path | str | None = None) -> AreaTable:
    """The district courts (районные суды) that hear lawsuits over 50 000 ₽."""
    return load_table(DISTRICT_COURTS, directory)


def load_bailiffs(directory: Path | str | None = None) -> AreaTable:
    """The bailiff departments (отделы судебных приставов) by the debtor's residence."""
    return load_table(BAILIFFS, directory)
