from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.legal.limitation import (
    CourtOrderSpan,
    PeriodStatus,
    add_months,
    classify_periods,
    suspended_until,
)
from models.ledger import build_ledger
from tests.ledger.rows import charge, day, month

# January 2021: due 10.02.2021, claimable through 10.02.2024.
JAN_2021 = month("2021-01")
UNTIL = date(2024, 2, 10)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [(date(2024, 3, 1), 6, date(2024, 9, 1)), (date(2023, 8, 31), 6, date(2024, 2, 29)),
     (date(2024, 12, 15), 1, date(2025, 1, 15))],
)
def test_add_months(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def statuses(filed_on: str, *orders: CourtOrderSpan) -> dict[date, PeriodStatus]:
    ledger = build_ledger([charge("2021-01", "", "1000.00"), charge("2023-06", "", "500.00")],
                          [], day(filed_on))
    return {p.period: p.status for p in classify_periods(ledger.lines, day(filed_on), orders)}


def test_limitation_edge_without_a_court_order() -> None:
    assert statuses("2024-02-10")[JAN_2021] is PeriodStatus.CLAIMABLE
    assert statuses("2024-02-11")[JAN_2021] is PeriodStatus.TIME_BARRED
    assert statuses("2024-02-11")[month("2023-06")] is PeriodStatus.CLAIMABLE


def test_a_cancelled_order_with_under_six_months_left_extends_to_six_months() -> None:
    # Filed 01.12.2023 with 71 days left, cancelled 01.03.2024: claimable to 01.09.2024.
    order = CourtOrderSpan(date(2023, 12, 1), JAN_2021, month("2021-12"), date(2024, 3, 1))
    assert suspended_until(UNTIL, [order], JAN_2021) == date(2024, 9, 1)
    assert statuses("2024-09-01", order)[JAN_2021] is PeriodStatus.CLAIMABLE
    assert statuses("2024-09-02", order)[JAN_2021] is PeriodStatus.TIME_BARRED


def test_a_cancelled_order_with_more_left_resumes_the_clock() -> None:
    # Filed 10.02.2022 with 730 days left, cancelled 10.08.2022: 730 days on, 09.08.2024.
    order = CourtOrderSpan(date(2022, 2, 10), JAN_2021, JAN_2021, date(2022, 8, 10))
    assert suspended_until(UNTIL, [order], JAN_2021) == date(2024, 8, 9)
    assert statuses("2024-08-09", order)[JAN_2021] is PeriodStatus.CLAIMABLE
    assert statuses("2024-08-10", order)[JAN_2021] is PeriodStatus.TIME_BARRED


def test_orders_filed_too_late_or_for_other_periods_do_not_suspend() -> None:
    late = CourtOrderSpan(date(2024, 3, 1), JAN_2021, JAN_2021, date(2024, 4, 1))
    other = CourtOrderSpan(date(2023, 1, 1), month("2021-02"), month("2021-05"), date(2024, 4, 1))
    assert suspended_until(UNTIL, [late, other], JAN_2021) == UNTIL


def test_periods_under_an_order_in_force_are_not_claimed_again() -> None:
    order = CourtOrderSpan(date(2023, 12, 1), JAN_2021, JAN_2021)
    found = statuses("2026-01-01", order)
    assert found[JAN_2021] is PeriodStatus.UNDER_ORDER


def test_only_overdue_unpaid_periods_are_listed() -> None:
    ledger = build_ledger([charge("2026-07", "", "100.00"), charge("2026-06", "", "0.00")], [],
                          day("2026-08-01"))
    assert classify_periods(ledger.lines, day("2026-08-01")) == []
    ledger = build_ledger([charge("2026-06", "a", "100.00"), charge("2026-06", "b", "50.00")],
                          [], day("2026-08-01"))
    [june] = classify_periods(ledger.lines, day("2026-08-01"))
    assert june.outstanding == Decimal("150.00")
