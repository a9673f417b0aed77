from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.ledger import (
    ChargeRow,
    DebtCriteria,
    DueDateRule,
    LedgerLine,
    LedgerPolicy,
    LimitationRule,
    build_ledger,
)

from .rows import charge, day, month, pay

CHARGES = [
    charge("2025-01", "water", "200.00"),
    charge("2025-01", "heating", "1000.00"),
    charge("2025-02", "water", "200.00"),
    charge("2025-02", "heating", "1000.00"),
    charge("2025-03", "water", "200.00"),
]
PAYMENTS = [
    pay("2025-03-05", "1000.00", "2025-01"),  # names January: heating first, by service name
    pay("2025-04-01", "500.00"),  # unnamed: January water, then February heating
]


def test_domain_worked_example() -> None:
    ledger = build_ledger([charge("2026-03", "heating", "5000.00")], [], day("2026-08-31"))
    assert ledger.lines == (
        LedgerLine(
            period=month("2026-03"),
            service="heating",
            amount=Decimal("5000.00"),
            paid=Decimal("0.00"),
            outstanding=Decimal("5000.00"),
            due_date=day("2026-04-15"),
            claim_until=day("2029-04-15"),
            days_overdue=138,
            time_barred=False,
            in_real_debt=True,
        ),
    )
    assert ledger.real_debt == Decimal("5000.00")
    assert ledger.conditional_debt == Decimal("5000.00")
    assert ledger.max_days_overdue == 138
    assert ledger.oldest_unpaid_due == day("2026-04-15")


def test_lines_balances_and_debt() -> None:
    ledger = build_ledger(CHARGES, PAYMENTS, day("2025-04-15"))
    assert [
        (
            line.period,
            line.service,
            line.paid,
            line.outstanding,
            line.due_date,
            line.days_overdue,
            line.in_real_debt,
        )
        for line in ledger.lines
    ] == [
        (
            month("2025-01"),
            "heating",
            Decimal("1000.00"),
            Decimal("0.00"),
            day("2025-02-10"),
            0,
            False,
        ),
        (
            month("2025-01"),
            "water",
            Decimal("200.00"),
            Decimal("0.00"),
            day("2025-02-10"),
            0,
            False,
        ),
        (
            month("2025-02"),
            "heating",
            Decimal("300.00"),
            Decimal("700.00"),
            day("2025-03-10"),
            36,
            True,
        ),
        (
            month("2025-02"),
            "water",
            Decimal("0.00"),
            Decimal("200.00"),
            day("2025-03-10"),
            36,
            True,
        ),
        (month("2025-03"), "water", Decimal("0.00"), Decimal("200.00"), day("2025-04-10"), 5, True),
    ]
    assert ledger.total_charged == Decimal("2600.00")
    assert ledger.total_paid == Decimal("1500.00")
    assert ledger.total_outstanding == Decimal("1100.00")
    assert ledger.credit == Decimal("0.00")
    assert ledger.balance == Decimal("1100.00")
    assert ledger.real_debt == Decimal("1100.00")
    assert ledger.conditional_debt == Decimal("1100.00")
    assert ledger.max_days_overdue == 36
    assert ledger.oldest_unpaid_due == day("2025-03-10")
    assert ledger.outstanding_by_period == {
        month("2025-01"): Decimal("0.00"),
        month("2025-02"): Decimal("900.00"),
        month("2025-03"): Decimal("200.00"),
    }
    assert ledger.outstanding_by_service == {
        "heating": Decimal("700.00"),
        "water": Decimal("400.00"),
    }


@pytest.mark.parametrize(
    ("criteria", "real", "max_days", "oldest"),
    [
        (DebtCriteria(min_days_overdue=30), "900.00", 36, "2025-03-10"),
        (DebtCriteria(min_days_overdue=37), "0.00", 0, None),
        (DebtCriteria(services=frozenset({"water"})), "400.00", 36, "2025-03-10"),
        (DebtCriteria(services=frozenset({"gas"})), "0.00", 0, None),
    ],
)
def test_debt_criteria(
    criteria: DebtCriteria, real: str, max_days: int, oldest: str | None
) -> None:
    ledger = build_ledger(
        CHARGES, PAYMENTS, day("2025-04-15"), policy=LedgerPolicy(criteria=criteria)
    )
    assert ledger.real_debt == Decimal(real)
    assert ledger.total_outstanding == Decimal("1100.00")  # criteria narrow debt, not the balance
    assert ledger.max_days_overdue == max_days
    assert ledger.oldest_unpaid_due == (day(oldest) if oldest else None)


def test_min_days_overdue_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        DebtCriteria(min_days_overdue=0)


def test_nothing_is_overdue_on_the_due_date_itself() -> None:
    ledger = build_ledger(CHARGES, PAYMENTS, day("2025-04-10"))
    march = ledger.lines[-1]
    assert (march.days_overdue, march.in_real_debt) == (0, False)
    assert ledger.real_debt == Decimal("900.00")
    assert ledger.max_days_overdue == 31


def test_as_of_ignores_later_payments_and_charges() -> None:
    ledger = build_ledger(CHARGES, PAYMENTS, day("2025-03-31"))
    assert [line.outstanding for line in ledger.lines] == [
        Decimal("0.00"),
        Decimal("200.00"),
        Decimal("1000.00"),
        Decimal("200.00"),
        Decimal("200.00"),  # March's charge exists (its period began) but is not due
    ]
    assert ledger.real_debt == Decimal("1400.00")
    assert ledger.max_days_overdue == 49

    earlier = build_ledger(CHARGES, PAYMENTS, day("2025-02-28"))
    assert [line.period for line in earlier.lines] == [month("2025-01")] * 2 + [
        month("2025-02")
    ] * 2
    assert earlier.total_paid == Decimal("0.00")
    assert earlier.real_debt == Decimal("1200.00")


def test_overpayment_shows_as_credit_and_negative_balance() -> None:
    ledger = build_ledger(
        [charge("2025-01", "water", "200.00")], [pay("2025-02-01", "500.00")], day("2025-06-01")
    )
    assert ledger.total_outstanding == Decimal("0.00")
    assert ledger.credit == Decimal("300.00")
    assert ledger.balance == Decimal("-300.00")
    assert ledger.real_debt == Decimal("0.00")
    assert ledger.overpayments[0].amount == Decimal("300.00")


def test_time_barred_lines() -> None:
    charges = [charge("2021-01", "water", "100.00"), charge("2025-01", "water", "200.00")]
    as_of = day("2025-01-01")
    ledger = build_ledger(charges, [], as_of)
    old = ledger.lines[0]
    assert (old.due_date, old.claim_until, old.time_barred) == (
        day("2021-02-10"),
        day("2024-02-10"),
        True,
    )
    assert old.days_overdue == (as_of - day("2021-02-10")).days == 1421
    assert ledger.real_debt == Decimal("100.00")  # barred debt counts by default

    strict = LedgerPolicy(criteria=DebtCriteria(include_time_barred=False))
    assert build_ledger(charges, [], as_of, policy=strict).real_debt == Decimal("0.00")
    longer = LedgerPolicy(limitation=LimitationRule(years=5))
    assert build_ledger(charges, [], as_of, policy=longer).lines[0].time_barred is False


def test_building_due_day_and_shift_policy() -> None:
    charges = [charge("2026-03", "water", "100.00")]
    assert build_ledger(charges, [], day("2026-05-01"), due_day=25).lines[0].due_date == day(
        "2026-04-27"
    )
    unshifted = LedgerPolicy(due_dates=DueDateRule(shift_to_working_day=False))
    line = build_ledger(charges, [], day("2026-05-01"), policy=unshifted, due_day=25).lines[0]
    assert (line.due_date, line.days_overdue) == (day("2026-04-25"), 6)


def test_unconfirmed_payment_pays_nothing_but_freezes() -> None:
    ledger = build_ledger(
        CHARGES, [*PAYMENTS, pay("2025-04-10", "150.00", confirmed=False)], day("2025-04-15")
    )
    assert ledger.total_paid == Decimal("1500.00")
    assert ledger.real_debt == Decimal("1100.00")
    assert ledger.frozen.unconfirmed == Decimal("150.00")
    assert ledger.conditional_debt == Decimal("950.00")


def test_amounts_are_rounded_to_kopecks_half_up() -> None:
    ledger = build_ledger(
        [charge("2025-01", "water", "100.005"), charge("2025-01", "gas", "0.004")],
        [pay("2025-01-20", "50.125")],
        day("2025-06-01"),
    )
    assert [(line.service, line.amount, line.paid) for line in ledger.lines] == [
        ("gas", Decimal("0.00"), Decimal("0.00")),
        ("water", Decimal("100.01"), Decimal("50.13")),
    ]
    assert ledger.real_debt == Decimal("49.88")


def test_repeated_period_and_service_rows_are_summed() -> None:
    ledger = build_ledger(
        [charge("2025-01", "water", "200.00"), charge("2025-01", "water", "-50.00")],
        [],
        day("2025-06-01"),
    )
    assert [(line.service, line.amount) for line in ledger.lines] == [("water", Decimal("150.00"))]


def test_bad_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="first day of its month"):
        build_ledger(
            [ChargeRow(date(2025, 1, 15), "water", Decimal("1.00"))], [], day("2025-06-01")
        )
    with pytest.raises(ValueError, match="negative charge"):
        build_ledger([charge("2025-01", "water", "-1.00")], [], day("2025-06-01"))


def test_empty_account() -> None:
    ledger = build_ledger([], [], day("2025-06-01"))
    assert ledger.lines == ()
    assert (ledger.total_outstanding, ledger.real_debt, ledger.conditional_debt, ledger.credit) == (
        Decimal("0.00"),
    ) * 4
    assert (ledger.max_days_overdue, ledger.oldest_unpaid_due) == (0, None)
