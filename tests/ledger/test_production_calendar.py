from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from models.reference.production_calendar import (
    DEFAULT_PATH,
    CalendarNotCovered,
    add_working_days,
    is_working_day,
    load_calendar,
    next_working_day,
)

# Working days of a five-day week per the official production calendars.
WORKING_DAYS = {
    2016: 247,
    2017: 247,
    2018: 247,
    2019: 247,
    2020: 248,
    2021: 247,
    2022: 247,
    2023: 247,
    2024: 248,
    2025: 247,
    2026: 247,
}


@pytest.mark.parametrize(("year", "expected"), sorted(WORKING_DAYS.items()))
def test_working_days_per_year(year: int, expected: int) -> None:
    assert load_calendar().working_days_in_year(year) == expected


def test_calendar_covers_2016_to_2027_and_only_2027_is_provisional() -> None:
    calendar = load_calendar()
    assert calendar.years == frozenset(range(2016, 2028))
    assert calendar.provisional_years == frozenset({2027})


def test_2027_rows_are_statutory_and_marked_provisional() -> None:
    with DEFAULT_PATH.open(newline="", encoding="utf-8") as fh:
        rows = [row for row in csv.DictReader(fh) if row["date"].startswith("2027")]
    assert all("provisional" in row["note"] for row in rows)
    assert {row["date"] for row in rows} == {
        "2027-01-01",
        "2027-01-04",
        "2027-01-05",
        "2027-01-06",
        "2027-01-07",
        "2027-01-08",
        "2027-02-23",
        "2027-03-08",
        "2027-05-03",
        "2027-05-10",
        "2027-06-14",
        "2027-11-04",
    }


def test_every_row_differs_from_the_monday_to_friday_pattern() -> None:
    with DEFAULT_PATH.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len({row["date"] for row in rows})
    for row in rows:
        weekend = date.fromisoformat(row["date"]).weekday() >= 5
        assert (row["kind"] == "working") == weekend, row
        assert row["kind"] in {"holiday", "day_off", "working"}, row
        assert row["note"], row


def test_2024_as_decreed() -> None:
    off = [date(2024, 1, d) for d in range(1, 9)] + [
        date(2024, 2, 23),
        date(2024, 3, 8),
        date(2024, 4, 29),
        date(2024, 4, 30),
        date(2024, 5, 1),
        date(2024, 5, 9),
        date(2024, 5, 10),
        date(2024, 6, 12),
        date(2024, 11, 4),
        date(2024, 12, 30),
        date(2024, 12, 31),
    ]
    working_saturdays = [date(2024, 4, 27), date(2024, 11, 2), date(2024, 12, 28)]
    assert [is_working_day(d) for d in off] == [False] * len(off)
    assert [is_working_day(d) for d in working_saturdays] == [True, True, True]
    assert is_working_day(date(2024, 1, 9)) is True
    assert is_working_day(date(2024, 5, 11)) is False  # an ordinary Saturday


def test_presidential_non_working_days_are_not_calendar_holidays() -> None:
    # COVID-19 "non-working days with pay", the 2020 parade and vote days, May 2021.
    for d in (
        date(2020, 3, 30),
        date(2020, 4, 15),
        date(2020, 6, 24),
        date(2020, 7, 1),
        date(2021, 5, 4),
        date(2021, 11, 1),
    ):
        assert is_working_day(d) is True, d


def test_next_working_day() -> None:
    assert next_working_day(date(2024, 4, 27)) == date(2024, 4, 27)  # working Saturday
    assert next_working_day(date(2024, 4, 28)) == date(2024, 5, 2)
    assert next_working_day(date(2026, 1, 1)) == date(2026, 1, 12)
    assert next_working_day(date(2025, 3, 10)) == date(2025, 3, 10)


def test_add_working_days() -> None:
    assert add_working_days(date(2024, 12, 27), 0) == date(2024, 12, 27)
    assert add_working_days(date(2024, 12, 27), 1) == date(2024, 12, 28)
    assert add_working_days(date(2024, 12, 27), 2) == date(2025, 1, 9)
    # The 10-working-day objection term over the 2026 New Year holidays.
    assert add_working_days(date(2025, 12, 30), 10) == date(2026, 1, 23)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 12, 30), -1)


def test_years_outside_the_file_are_refused() -> None:
    with pytest.raises(CalendarNotCovered, match="2015"):
        is_working_day(date(2015, 6, 1))
    with pytest.raises(CalendarNotCovered, match="2028"):
        add_working_days(date(2027, 12, 31), 1)


def test_calendar_is_read_once() -> None:
    assert load_calendar() is load_calendar()
    assert load_calendar(DEFAULT_PATH) is load_calendar()


def test_path_override(tmp_path: Path) -> None:
    path = tmp_path / "calendar.csv"
    path.write_text(
        "date,kind,note\n"
        "2030-01-01,holiday,New Year\n"
        "2030-01-05,working,transfer\n"
        '2030-01-07,day_off,"Christmas; provisional"\n',
        encoding="utf-8",
    )
    calendar = load_calendar(path)
    assert calendar.years == frozenset({2030})
    assert calendar.provisional_years == frozenset({2030})
    assert is_working_day(date(2030, 1, 1), path=path) is False
    assert is_working_day(date(2030, 1, 5), path=path) is True
    assert is_working_day(date(2030, 1, 6), path=path) is False
    assert next_working_day(date(2030, 1, 6), path=path) == date(2030, 1, 8)
    assert add_working_days(date(2030, 1, 4), 2, path=str(path)) == date(2030, 1, 8)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("date,kind,note\n2030-01-02,working,x\n", "does not fit"),  # a Wednesday
        ("date,kind,note\n2030-01-05,holiday,x\n", "does not fit"),  # a Saturday
        ("date,kind,note\n2030-01-02,vacation,x\n", "does not fit"),
        ("date,kind,note\n2030-01-01,holiday,x\n2030-01-01,day_off,y\n", "listed twice"),
        ("date,kind,note\n2030-13-01,holiday,x\n", "not an ISO date"),
        ("day,kind\n2030-01-01,holiday\n", "header"),
    ],
)
def test_malformed_files_are_rejected(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "calendar.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_calendar(path)
