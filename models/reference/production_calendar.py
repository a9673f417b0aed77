"""The Russian production calendar: which dates are working days.

The data lives in ``production_calendar.csv`` beside this module: one row per date that differs
from the plain Monday–Friday pattern, with columns ``date,kind,note``:

- ``holiday``: a public holiday of ТК РФ ст. 112 ч. 1 falling on a weekday;
- ``day_off``: a weekday made a rest day, either by ТК ст. 112 ч. 2 (a holiday on a weekend moves
  to the next working day) or by the government's yearly transfer decree;
- ``working``: a Saturday or Sunday made a working day by that decree.

A year counts as covered when the file has at least one row for it. Asking about a date outside
the covered years raises :class:`CalendarNotCovered` instead of guessing, because a wrong due date
or objection term is a legal error; extending the calendar means adding that year's rows.
Rows whose note contains ``provisional`` mark a year whose transfer decree is not in the file
yet; such a year still answers, and :attr:`ProductionCalendar.provisional_years` names it.

Days that were declared non-working by presidential decree "with pay" (the COVID-19 days of 2020
and 2021, 24.06.2020, 01.07.2020, 04–07.05.2021) are deliberately absent: they were not holidays
of the production calendar, and the Supreme Court's COVID-19 review № 1 of 21.04.2020 explained
that they do not move the end of a term under ГК ст. 193.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from functools import cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().with_name("production_calendar.csv")

NON_WORKING_KINDS = frozenset({"holiday", "day_off"})
WORKING_KIND = "working"
_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class CalendarNotCovered(LookupError):
    """The calendar file has no rows for the year asked about."""


class ProductionCalendar:
    """Working days per the calendar file; build it with :func:`load_calendar`."""

    __slots__ = ("_non_working", "_working_weekends", "path", "provisional_years", "years")

    def __init__(
        self,
        path: Path,
        non_working: frozenset[date],
        working_weekends: frozenset[date],
        provisional_years: frozenset[int],
    ) -> None:
        self.path = path
        self.years = frozenset(d.year for d in non_working | working_weekends)
        self.provisional_years = provisional_years
        self._non_working = non_working
        self._working_weekends = working_weekends

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.years:
            raise CalendarNotCovered(
                f"the production calendar {self.path} has no rows for {day.year}; add that year"
            )
        if day.weekday() >= _SATURDAY:
            return day in self._working_weekends
        return day not in self._non_working

    def next_working_day(self, day: date) -> date:
        """``day`` if it is a working day, else the first working day after it (ГК ст. 193)."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        while count:
            day += _ONE_DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_in_year(self, year: int) -> int:
        day, end, count = date(year, 1, 1), date(year + 1, 1, 1), 0
        while day < end:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count


@cache
def _load(path: Path) -> ProductionCalendar:
    non_working: set[date] = set()
    working: set[date] = set()
    provisional: set[int] = set()
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"date", "kind", "note"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: the header must be date,kind,note")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            try:
                day = date.fromisoformat(row["date"])
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{where}: not an ISO date: {row['date']!r}") from exc
            kind = row["kind"]
            if day in non_working or day in working:
                raise ValueError(f"{where}: {day} is listed twice")
            weekend = day.weekday() >= _SATURDAY
            if kind == WORKING_KIND and weekend:
                working.add(day)
            elif kind in NON_WORKING_KINDS and not weekend:
                non_working.add(day)
            else:
                # Only differences from Mon–Fri belong here; anything else is a typo in the file.
                raise ValueError(f"{where}: kind {kind!r} does not fit {day:%a} {day}")
            if "provisional" in (row["note"] or ""):
                provisional.add(day.year)
    return ProductionCalendar(
        path, frozenset(non_working), frozenset(working), frozenset(provisional)
    )


def load_calendar(path: Path | str | None = None) -> ProductionCalendar:
    """The calendar in ``path`` (default: the bundled CSV).

    Each file is read once per process: an edited file is picked up at the next start.
    """
    return _load(DEFAULT_PATH if path is None else Path(path).resolve())


def is_working_day(day: date, *, path: Path | str | None = None) -> bool:
    return load_calendar(path).is_working_day(day)


def next_working_day(day: date, *, path: Path | str | None = None) -> date:
    return load_calendar(path).next_working_day(day)


def add_working_days(day: date, count: int, *, path: Path | str | None = None) -> date:
    return load_calendar(path).add_working_days(day, count)
