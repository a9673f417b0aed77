"""The billing months and the payment days, formatted once so the row loops only index lists."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Timeline:
    """``months`` billing periods ending with the month before ``as_of``.

    Period ``i`` is billed at the end of its month and paid from month ``i + 1`` on; month index
    ``len(labels)`` is the month of ``as_of`` itself, whose days stop at ``as_of``.
    """

    as_of: date
    years: tuple[int, ...]  # per period
    month_numbers: tuple[int, ...]  # per period, 1–12
    labels: tuple[str, ...]  # per period, ММ.ГГГГ
    days: tuple[tuple[str, ...], ...]  # per month index 0..len(labels), ДД.ММ.ГГГГ

    @property
    def count(self) -> int:
        return len(self.labels)

    def days_before_as_of(self, month: int, day_index: int) -> int:
        """How many days a payment on ``days[month][day_index]`` was made before ``as_of``."""
        later_days = sum(len(self.days[m]) for m in range(month + 1, len(self.days)))
        return later_days + len(self.days[month]) - 1 - day_index


def make_timeline(as_of: date, months: int) -> Timeline:
    first = as_of.year * 12 + as_of.month - 1 - months
    years: list[int] = []
    month_numbers: list[int] = []
    days: list[tuple[str, ...]] = []
    for index in range(months + 1):
        year, month0 = divmod(first + index, 12)
        month = month0 + 1
        last_day = calendar.monthrange(year, month)[1] if index < months else as_of.day
        days.append(tuple(f"{day:02d}.{month:02d}.{year}" for day in range(1, last_day + 1)))
        if index < months:
            years.append(year)
            month_numbers.append(month)
    return Timeline(
        as_of=as_of,
        years=tuple(years),
        month_numbers=tuple(month_numbers),
        labels=tuple(f"{m:02d}.{y}" for y, m in zip(years, month_numbers)),
        days=tuple(days),
    )
