"""Due dates of monthly charges (ЖК ст. 155 ч. 1) and the last day to claim them (ГК ст. 196)."""

from __future__ import annotations

from calendar import isleap, monthrange
from dataclasses import dataclass
from datetime import date

from models.reference.production_calendar import ProductionCalendar, load_calendar

# 177-ФЗ (in force 01.03.2026) moved the statutory day from the 10th to the 15th starting with
# the bills for February 2026.
STATUTORY_DAY = 10
STATUTORY_DAY_FROM_CHANGE = 15
STATUTORY_CHANGE_PERIOD = date(2026, 2, 1)


@dataclass(frozen=True, slots=True)
class DueDateRule:
    """The due date of the charges for a month: a day of the next month.

    ``shift_to_working_day`` is the unsettled ГК ст. 193 point (DOMAIN.md): on by default.
    ``calendar`` None means the bundled production calendar, read on first use.
    """

    day: int = STATUTORY_DAY
    day_from_change: int = STATUTORY_DAY_FROM_CHANGE
    change_period: date = STATUTORY_CHANGE_PERIOD
    shift_to_working_day: bool = True
    calendar: ProductionCalendar | None = None

    def due_date(self, period: date, building_due_day: int | None = None) -> date:
        """Due date of the charges for ``period``; ``building_due_day`` replaces the day."""
        if building_due_day is not None:
            if not 1 <= building_due_day <= 31:
                raise ValueError(f"due day {building_due_day} is not a day of a month")
            day = building_due_day
        else:
            day = self.day_from_change if period >= self.change_period else self.day
        year, month = (
            (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
        )
        due = date(year, month, min(day, monthrange(year, month)[1]))
        if self.shift_to_working_day:
            due = (self.calendar or load_calendar()).next_working_day(due)
        return due


@dataclass(frozen=True, slots=True)
class LimitationRule:
    """Limitation of a monthly charge: ``years`` after its due date (ГК ст. 196, 200).

    The last day to claim is the due date's month and day ``years`` later (ГК ст. 192), 29 February
    becoming 28 February in a common year.
    """

    years: int = 3

    def claim_until(self, due: date) -> date:
        year = due.year + self.years
        if due.month == 2 and due.day == 29 and not isleap(year):
            return date(year, 2, 28)
        return due.replace(year=year)
