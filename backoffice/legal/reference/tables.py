"""Typed readers of the reference CSV files (``key_rate.csv``, ``penalty_rate_caps.csv``,
``moratoriums.csv``).

Lines starting with ``#`` are comments, except ``# checked_through,YYYY-MM-DD`` in the key-rate
file: the last date the file is known to be complete for. Any malformed row raises with its file
and line, because a silently skipped rate change is a wrong court claim.
"""
from __future__ import annotations

import csv
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent
_CHECKED_THROUGH = "# checked_through,"


@dataclass(frozen=True, slots=True)
class KeyRateChange:
    starts: date
    percent: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class RateCap:
    """From ``starts`` to ``until`` inclusive the penalty rate is at most ``percent``."""

    starts: date
    until: date
    percent: Decimal
    decree: str


@dataclass(frozen=True, slots=True)
class Moratorium:
    """No penalty accrues from ``starts`` to ``until`` inclusive on the charges it covers."""

    starts: date
    until: date
    # Only charges of billing periods beginning before this date; None: every charge.
    charges_before: date | None
    decree: str

    def covers_period(self, period: date) -> bool:
        return self.charges_before is None or period < self.charges_before


@dataclass(frozen=True, slots=True)
class PenaltyRate:
    """The rate applied on a date, and why: the key rate, or a decree's cap below it."""

    percent: Decimal
    key_rate: Decimal
    cap: RateCap | None
    # The date lies after the key-rate file's checked_through: its last rate was assumed.
    beyond_data: bool


@dataclass(frozen=True, slots=True)
class ReferenceData:
    key_rates: tuple[KeyRateChange, ...]
    checked_through: date | None
    caps: tuple[RateCap, ...]
    moratoriums: tuple[Moratorium, ...]
    directory: Path

    def key_rate(self, day: date) -> Decimal:
        starts = [change.starts for change in self.key_rates]
        pos = bisect_right(starts, day)
        if pos == 0:
            raise LookupError(
                f"{self.directory / 'key_rate.csv'} has no key rate for {day}; add earlier rows"
            )
        return self.key_rates[pos - 1].percent

    def penalty_rate(self, day: date) -> PenaltyRate:
        """min(cap, key rate) in force on ``day`` (ЖК ст. 155 ч. 14 with decrees №474, №329)."""
        key = self.key_rate(day)
        cap = next((c for c in self.caps if c.starts <= day <= c.until), None)
        percent = key if cap is None or key <= cap.percent else cap.percent
        beyond = self.checked_through is not None and day > self.checked_through
        return PenaltyRate(percent, key, cap if cap and cap.percent < key else None, beyond)


def _rows(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        lines = [(n, line) for n, line in enumerate(fh, 1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in lines)
    for (number, _), row in zip(lines[1:], reader, strict=True):
        yield f"{path}:{number}", row


def _date(where: str, value: str | None) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError as exc:
        raise ValueError(f"{where}: not an ISO date: {value!r}") from exc


def _percent(where: str, value: str | None) -> Decimal:
    try:
        percent = Decimal((value or "").strip())
    except InvalidOperation as exc:
        raise ValueError(f"{where}: not a percentage: {value!r}") from exc
    if not Decimal(0) <= percent < Decimal(100):
        raise ValueError(f"{where}: percentage out of range: {percent}")
    return percent


def _span(where: str, row: dict[str, str]) -> tuple[date, date]:
    starts, until = _date(where, row.get("from")), _date(where, row.get("until"))
    if until < starts:
        raise ValueError(f"{where}: ends before it starts")
    return starts, until


def _read_key_rates(path: Path) -> tuple[tuple[KeyRateChange, ...], date | None]:
    checked: date | None = None
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(_CHECKED_THROUGH):
                checked = _date(str(path), line[len(_CHECKED_THROUGH):])
    changes = [
        KeyRateChange(_date(w, r.get("from")), _percent(w, r.get("rate_percent")),
                      r.get("source") or "")
        for w, r in _rows(path)
    ]
    for before, after in zip(changes, changes[1:]):
        if after.starts <= before.starts:
            raise ValueError(f"{path}: rows must be in date order ({after.starts})")
    return tuple(changes), checked


def _read_caps(path: Path) -> tuple[RateCap, ...]:
    caps = []
    for where, row in _rows(path):
        starts, until = _span(where, row)
        caps.append(RateCap(starts, until, _percent(where, row.get("cap_percent")),
                            row.get("decree") or ""))
    return tuple(caps)


def _read_moratoriums(path: Path) -> tuple[Moratorium, ...]:
    found = []
    for where, row in _rows(path):
        starts, until = _span(where, row)
        before = (row.get("charges_before") or "").strip()
        found.append(Moratorium(starts, until, _date(where, before) if before else None,
                                row.get("decree") or ""))
    return tuple(found)


@cache
def _load(directory: Path) -> ReferenceData:
    key_rates, checked = _read_key_rates(directory / "key_rate.csv")
    return ReferenceData(
        key_rates=key_rates,
        checked_through=checked,
        caps=_read_caps(directory / "penalty_rate_caps.csv"),
        moratoriums=_read_moratoriums(directory / "moratoriums.csv"),
        directory=directory,
    )


def load_reference(directory: Path | str | None = None) -> ReferenceData:
    """The reference data in ``directory`` (default: the files shipped beside this module)."""
    return _load(DEFAULT_DIR if directory is None else Path(directory).resolve())
