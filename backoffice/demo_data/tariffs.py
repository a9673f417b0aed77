"""Services on a Рязань single payment document (ЕПД) and what they cost month by month.

All money is in kopecks. Rates are at the July-2024 level and move with the yearly indexation of
utility tariffs, so old charges are visibly cheaper than new ones.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from backoffice.demo_data.periods import Timeline


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    per_area: bool  # billed per m² of the premises, otherwise per resident (metered water)
    base_rate: float  # kopecks per m², or per resident at average consumption
    by_contract: bool = False  # the fee is set by each building's management contract
    heating: bool = False  # billed only in the heating season
    hot_water: bool = False  # cut for a couple of weeks each summer for maintenance


SERVICES: tuple[Service, ...] = (
    Service("Содержание жилого помещения", per_area=True, base_rate=2650.0, by_contract=True),
    Service("Отопление", per_area=True, base_rate=4300.0, heating=True),
    Service("Холодное водоснабжение", per_area=False, base_rate=14000.0),
    Service("Горячее водоснабжение", per_area=False, base_rate=62100.0, hot_water=True),
    Service("Водоотведение", per_area=False, base_rate=18800.0),
    Service("Электроснабжение ОДН", per_area=True, base_rate=110.0),
)
DEFAULT_SERVICE_COUNT = 4

# Share of a full month's heat by calendar month: the season runs from mid-October to
# mid-April in Рязань, so those months are billed for about half a month.
_HEATING_PROFILE = {1: 1.25, 2: 1.12, 3: 0.95, 4: 0.45, 10: 0.40, 11: 0.90, 12: 1.15}

# Indexation of utility tariffs (approximate national averages), as (year, month, percent).
# December 2022 replaced the July 2023 indexation; 2026 adds the VAT rise in January, and its
# October figure is the forecast.
_INDEXATIONS = (
    (2019, 7, 2.4), (2020, 7, 4.0), (2021, 7, 4.0), (2022, 7, 4.0), (2022, 12, 9.0),
    (2024, 7, 9.8), (2025, 7, 11.9), (2026, 1, 1.7), (2026, 10, 9.9),
)
_BASE_LEVEL = (2024, 7)


def _tariff_level(year: int, month: int) -> float:
    """Tariff level of a month relative to July 2024."""
    level = 1.0
    for y, m, percent in _INDEXATIONS:
        if (y, m) <= (year, month):
            level *= 1 + percent / 100
        if (y, m) <= _BASE_LEVEL:
            level /= 1 + percent / 100
    return level


@dataclass(frozen=True, slots=True)
class BuildingRates:
    """Per service, per period: kopecks per 0.1 m² (per-area services) or per resident."""

    per_period: tuple[tuple[float, ...], ...]


def building_rates(
    rng: random.Random, timeline: Timeline, services: tuple[Service, ...]
) -> BuildingRates:
    # Each management contract sets its own maintenance fee, and each building's heat meter
    # reads its own consumption; a cold month is cold for the whole building.
    maintenance = rng.uniform(0.85, 1.25)
    insulation = rng.uniform(0.85, 1.15)
    levels = [_tariff_level(y, m) for y, m in zip(timeline.years, timeline.month_numbers)]
    shutdown = {year: rng.choice((5, 6, 7, 8)) for year in sorted(set(timeline.years))}
    per_period: list[tuple[float, ...]] = []
    for service in services:
        rates: list[float] = []
        for level, year, month in zip(levels, timeline.years, timeline.month_numbers):
            rate = service.base_rate * level
            if service.per_area:
                rate /= 10  # areas are counted in tenths of m²
            if service.by_contract:
                rate *= maintenance
            if service.heating:
                rate *= _HEATING_PROFILE.get(month, 0.0) * insulation * rng.uniform(0.92, 1.08)
            if service.hot_water and shutdown[year] == month:
                rate *= 0.6
            rates.append(rate)
        per_period.append(tuple(rates))
    return BuildingRates(per_period=tuple(per_period))
