from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models.ledger import DueDateRule, LimitationRule
from models.reference.production_calendar import load_calendar

RULE = DueDateRule()
UNSHIFTED = DueDateRule(shift_to_working_day=False)


@pytest.mark.parametrize(
    ("period", "due"),
    [
        (date(2024, 12, 1), date(2025, 1, 10)),  # Friday after the New Year holidays
        (date(2025, 2, 1), date(2025, 3, 10)),
        (date(2025, 4, 1), date(2025, 5, 12)),  # 10.05 is a Saturday of the May holidays
        (date(2025, 7, 1), date(2025, 8, 11)),  # 10.08 is a Sunday
        (date(2025, 9, 1), date(2025, 10, 10)),
        (date(2025, 12, 1), date(2026, 1, 12)),  # 10.01.2026 falls in the holidays to 11.01
        (date(2026, 1, 1), date(2026, 2, 10)),  # the last month due on the 10th
        (date(2026, 2, 1), date(2026, 3, 16)),  # the first due on the 15th; 15.03 is a Sunday
        (date(2026, 3, 1), date(2026, 4, 15)),  # DOMAIN.md worked example
    ],
)
def test_statutory_due_dates_shifted_to_working_days(period: date, due: date) -> None:
    assert RULE.due_date(period) == due


@pytest.mark.parametrize(
    ("period", "due"),
    [
        (date(2025, 4, 1), date(2025, 5, 10)),
        (date(2025, 12, 1), date(2026, 1, 10)),
        (date(2026, 1, 1), date(2026, 2, 10)),
        (date(2026, 2, 1), date(2026, 3, 15)),
        (date(2026, 3, 1), date(2026, 4, 15)),
    ],
)
def test_statutory_due_dates_without_the_shift(period: date, due: date) -> None:
    assert UNSHIFTED.due_date(period) == due


@pytest.mark.parametrize(
    ("period", "due_day", "shifted", "unshifted"),
    [
        (date(2025, 1, 1), 20, date(2025, 2, 20), date(2025, 2, 20)),  # before the 2026 change
        (date(2026, 3, 1), 25, date(2026, 4, 27), date(2026, 4, 25)),  # after it; 25.04 a Saturday
        (date(2026, 1, 1), 31, date(2026, 3, 2), date(2026, 2, 28)),  # clamped, then shifted
        (date(2024, 1, 1), 31, date(2024, 2, 29), date(2024, 2, 29)),  # leap February
        (date(2025, 12, 1), 5, date(2026, 1, 12), date(2026, 1, 5)),  # into the next year
        (date(2026, 5, 1), 1, date(2026, 6, 1), date(2026, 6, 1)),
    ],
)
def test_building_due_day_replaces_the_day(
    period: date, due_day: int, shifted: date, unshifted: date
) -> None:
    assert RULE.due_date(period, due_day) == shifted
    assert UNSHIFTED.due_date(period, due_day) == unshifted


@pytest.mark.parametrize("due_day", [0, 32, -1])
def test_impossible_building_due_day(due_day: int) -> None:
    with pytest.raises(ValueError, match="not a day of a month"):
        RULE.due_date(date(2026, 1, 1), due_day)


def test_days_and_change_period_are_settings() -> None:
    rule = DueDateRule(day=20, day_from_change=25, change_period=date(2025, 6, 1))
    assert rule.due_date(date(2025, 5, 1)) == date(2025, 6, 20)
    assert rule.due_date(date(2025, 6, 1)) == date(2025, 7, 25)


def test_rule_uses_the_calendar_it_is_given(tmp_path: Path) -> None:
    path = tmp_path / "calendar.csv"
    # A made-up calendar where 10.02.2026 (a Tuesday) is a holiday and 2026 is otherwise plain.
    path.write_text("date,kind,note\n2026-02-10,holiday,test\n", encoding="utf-8")
    rule = DueDateRule(calendar=load_calendar(path))
    assert rule.due_date(date(2026, 1, 1)) == date(2026, 2, 11)
    assert rule.due_date(date(2025, 12, 1)) == date(2026, 1, 12)  # 10.01 is a Saturday here too


def test_memoised_answers_stay_per_override() -> None:
    rule = DueDateRule()
    assert rule.due_date(date(2026, 3, 1)) == date(2026, 4, 15)
    assert rule.due_date(date(2026, 3, 1), 25) == date(2026, 4, 27)
    assert rule.due_date(date(2026, 3, 1)) == date(2026, 4, 15)


@pytest.mark.parametrize(
    ("rule", "due", "last"),
    [
        (LimitationRule(), date(2025, 5, 12), date(2028, 5, 12)),
        (LimitationRule(), date(2024, 2, 29), date(2027, 2, 28)),
        (LimitationRule(years=4), date(2024, 2, 29), date(2028, 2, 29)),
        (LimitationRule(years=1), date(2025, 12, 31), date(2026, 12, 31)),
    ],
)
def test_last_day_to_claim(rule: LimitationRule, due: date, last: date) -> None:
    assert rule.claim_until(due) == last
