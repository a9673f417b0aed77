from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from backoffice.legal.reference import load_reference
from backoffice.legal.reference.tables import DEFAULT_DIR

REF = load_reference()


@pytest.mark.parametrize(
    ("day", "key", "applied", "capped"),
    [
        (date(2016, 1, 1), "11.00", "11.00", False),
        (date(2016, 6, 13), "11.00", "11.00", False),
        (date(2016, 6, 14), "10.50", "10.50", False),
        (date(2021, 6, 1), "5.00", "5.00", False),
        (date(2021, 12, 25), "8.50", "8.50", False),
        (date(2022, 2, 27), "9.50", "9.50", False),
        # The key rate jumps to 20 % the day decree №474 starts capping it at 9.5 %.
        (date(2022, 2, 28), "20.00", "9.50", True),
        (date(2023, 3, 1), "7.50", "7.50", False),  # below the cap: the key rate itself
        (date(2024, 12, 1), "21.00", "9.50", True),
        (date(2025, 1, 1), "21.00", "9.50", True),  # decree №329
        (date(2025, 12, 22), "16.00", "9.50", True),
    ],
)
def test_penalty_rate_is_the_lower_of_cap_and_key_rate(
    day: date, key: str, applied: str, capped: bool
) -> None:
    rate = REF.penalty_rate(day)
    assert rate.key_rate == Decimal(key)
    assert rate.percent == Decimal(applied)
    assert (rate.cap is not None) is capped


def test_every_change_since_2016_is_in_order_and_dated() -> None:
    starts = [change.starts for change in REF.key_rates]
    assert starts == sorted(starts) and starts[0] == date(2016, 1, 1)
    assert len(starts) >= 50
    assert all(change.source for change in REF.key_rates)


def test_after_the_last_cap_the_key_rate_applies_and_unchecked_dates_are_flagged() -> None:
    rate = REF.penalty_rate(date(2027, 1, 1))
    assert rate.cap is None and rate.percent == Decimal("16.00")
    assert rate.beyond_data
    assert not REF.penalty_rate(date(2025, 12, 31)).beyond_data


def test_moratoriums_as_domain_md_dates_them() -> None:
    by_decree = {m.decree.rsplit("№", 1)[1].strip(): m for m in REF.moratoriums}
    covid, sanctions = by_decree["424"], by_decree["497"]
    assert (covid.starts, covid.until, covid.charges_before) == (
        date(2020, 4, 6), date(2020, 12, 31), None)
    assert (sanctions.starts, sanctions.until) == (date(2022, 4, 1), date(2022, 10, 1))
    assert sanctions.covers_period(date(2022, 3, 1))
    assert not sanctions.covers_period(date(2022, 4, 1))


def test_a_user_copy_of_the_files_is_read_instead(tmp_path: Path) -> None:
    for name in ("penalty_rate_caps.csv", "moratoriums.csv"):
        (tmp_path / name).write_text((DEFAULT_DIR / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    rates = (DEFAULT_DIR / "key_rate.csv").read_text(encoding="utf-8")
    (tmp_path / "key_rate.csv").write_text(
        rates.replace("# checked_through,2026-02-15", "# checked_through,2026-12-31")
        + "2026-10-26,12.00,пример\n",
        encoding="utf-8",
    )
    custom = load_reference(tmp_path)
    assert custom.key_rate(date(2026, 11, 1)) == Decimal("12.00")
    assert not custom.penalty_rate(date(2026, 11, 1)).beyond_data


def test_a_malformed_row_names_its_file_and_line(tmp_path: Path) -> None:
    for name in ("penalty_rate_caps.csv", "moratoriums.csv"):
        (tmp_path / name).write_text((DEFAULT_DIR / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (tmp_path / "key_rate.csv").write_text(
        "# comment\nfrom,rate_percent,source\n2016-01-01,11.00,x\n2016-13-01,10,y\n",
        encoding="utf-8")
    with pytest.raises(ValueError, match=r"key_rate.csv:4: not an ISO date"):
        load_reference(tmp_path)
