from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from models.ledger import DueCharge, Overpayment, PaymentRow, Placement, allocate

from .rows import day, month, pay


def due_charge(period: str, service: str, amount: str, due: str, claim_until: str) -> DueCharge:
    return DueCharge(month(period), service, Decimal(amount), day(due), day(claim_until))


JAN = due_charge("2025-01", "water", "200.00", "2025-02-10", "2028-02-10")
FEB = due_charge("2025-02", "water", "200.00", "2025-03-10", "2028-03-10")
MAR_HEAT = due_charge("2025-03", "heating", "1000.00", "2025-04-10", "2028-04-10")
MAR_WATER = due_charge("2025-03", "water", "300.00", "2025-04-10", "2028-04-10")


def paid(charges: list[DueCharge], *payments: PaymentRow) -> list[Decimal]:
    return list(allocate(charges, payments).paid)


def test_unnamed_payment_pays_oldest_period_first() -> None:
    result = allocate([FEB, JAN], [pay("2025-05-05", "250.00", payment_id="A")])
    assert result.paid == (Decimal("50.00"), Decimal("200.00"))  # aligned with the input order
    assert result.placements == (
        Placement("A", date(2025, 5, 5), date(2025, 1, 1), "water", Decimal("200.00")),
        Placement("A", date(2025, 5, 5), date(2025, 2, 1), "water", Decimal("50.00")),
    )
    assert result.credit == Decimal("0.00")


def test_named_payment_pays_its_period_by_service_name() -> None:
    result = allocate([JAN, MAR_WATER, MAR_HEAT], [pay("2025-05-05", "1100.00", "2025-03")])
    # heating sorts before water, so heating is paid first and water only partly.
    assert result.paid == (Decimal("0.00"), Decimal("100.00"), Decimal("1000.00"))


def test_named_period_remainder_goes_to_the_oldest_period() -> None:
    result = allocate(
        [JAN, FEB, MAR_WATER, MAR_HEAT], [pay("2025-05-05", "1500.00", "2025-03", payment_id="N")]
    )
    assert result.paid == (
        Decimal("200.00"),
        Decimal("0.00"),
        Decimal("300.00"),
        Decimal("1000.00"),
    )
    assert [(p.period, p.service, p.amount) for p in result.placements] == [
        (date(2025, 3, 1), "heating", Decimal("1000.00")),
        (date(2025, 3, 1), "water", Decimal("300.00")),
        (date(2025, 1, 1), "water", Decimal("200.00")),
    ]


def test_named_period_without_charges_is_placed_as_unnamed() -> None:
    assert paid([JAN, FEB], pay("2025-05-05", "300.00", "2025-06")) == [
        Decimal("200.00"),
        Decimal("100.00"),
    ]


def test_named_period_may_be_given_as_any_day_of_its_month() -> None:
    named = PaymentRow(day("2025-05-05"), Decimal("200.00"), date(2025, 2, 17), True, "X")
    assert paid([JAN, FEB], named) == [Decimal("0.00"), Decimal("200.00")]


def test_partial_payments_accumulate() -> None:
    assert paid(
        [JAN, FEB],
        pay("2025-03-01", "120.00"),
        pay("2025-04-01", "120.00"),
        pay("2025-05-01", "30.00", "2025-02"),
    ) == [Decimal("200.00"), Decimal("70.00")]


def test_overpayment_is_credit() -> None:
    payments = [
        pay("2025-05-05", "300.00", payment_id="A"),
        pay("2025-06-01", "250.00", payment_id="B"),
    ]
    result = allocate([JAN, FEB], payments)
    assert result.paid == (Decimal("200.00"), Decimal("200.00"))
    assert result.overpayments == (Overpayment("B", date(2025, 6, 1), Decimal("150.00")),)
    assert result.credit == Decimal("150.00")


def test_payment_with_no_charges_at_all_is_credit() -> None:
    result = allocate([], [pay("2025-05-05", "99.99", payment_id="A")])
    assert result.paid == ()
    assert result.overpayments == (Overpayment("A", date(2025, 5, 5), Decimal("99.99")),)


def test_advance_payment_pays_a_later_period() -> None:
    # Paid in January for charges of January and even March: an advance is allowed.
    assert paid([JAN, MAR_WATER], pay("2025-01-15", "400.00")) == [
        Decimal("200.00"),
        Decimal("200.00"),
    ]


def test_unconfirmed_payments_pay_nothing() -> None:
    result = allocate([JAN], [pay("2025-05-05", "200.00", confirmed=False)])
    assert result.paid == (Decimal("0.00"),)
    assert result.placements == ()
    assert result.credit == Decimal("0.00")


# Limitation of the January-2022 charge ends on 10.02.2025 (due 10.02.2022 + 3 years).
OLD = due_charge("2022-01", "water", "100.00", "2022-02-10", "2025-02-10")
NEXT = due_charge("2022-02", "water", "100.00", "2022-03-10", "2025-03-10")


@pytest.mark.parametrize(
    ("paid_on", "old", "next_"),
    [
        ("2025-02-09", "100.00", "0.00"),  # a day before the last day: still claimable
        ("2025-02-10", "100.00", "0.00"),  # on the last day: still claimable
        ("2025-02-11", "0.00", "100.00"),  # a day after: barred, skipped
    ],
)
def test_limitation_boundary_for_unnamed_payments(paid_on: str, old: str, next_: str) -> None:
    assert paid([OLD, NEXT], pay(paid_on, "100.00")) == [Decimal(old), Decimal(next_)]


def test_barred_charges_left_unpaid_do_not_turn_money_into_credit_early() -> None:
    result = allocate([OLD, NEXT], [pay("2025-02-11", "150.00")])
    assert result.paid == (Decimal("0.00"), Decimal("100.00"))
    assert result.credit == Decimal("50.00")


def test_named_payment_pays_a_barred_period() -> None:
    assert paid([OLD, NEXT], pay("2025-06-01", "60.00", "2022-01")) == [
        Decimal("60.00"),
        Decimal("0.00"),
    ]


def test_payments_are_placed_by_date_not_by_input_order() -> None:
    # The earlier payment (before the bar) takes the old charge; the later one the next.
    payments = [pay("2025-02-20", "100.00"), pay("2025-02-01", "100.00")]
    assert paid([OLD, NEXT], *payments) == [Decimal("100.00"), Decimal("100.00")]
    payments = [pay("2025-02-20", "100.00")]
    assert paid([OLD, NEXT], *payments) == [Decimal("0.00"), Decimal("100.00")]


def test_same_day_payments_are_ordered_by_payment_id() -> None:
    a = pay("2025-05-05", "250.00", "2025-02", payment_id="A")
    b = pay("2025-05-05", "100.00", payment_id="B")
    result = allocate([JAN, FEB], [b, a])
    assert [(p.payment_id, p.period, p.amount) for p in result.placements] == [
        ("A", date(2025, 2, 1), Decimal("200.00")),
        ("A", date(2025, 1, 1), Decimal("50.00")),
        ("B", date(2025, 1, 1), Decimal("100.00")),
    ]
    assert result.credit == Decimal("0.00")


def test_result_does_not_depend_on_row_order() -> None:
    charges = [JAN, FEB, MAR_WATER, MAR_HEAT, OLD, NEXT]
    payments = [
        pay("2025-02-11", "30.00"),
        pay("2025-04-01", "700.00", "2025-03"),
        pay("2025-04-01", "700.00", "2025-03", payment_id="twin"),
        pay("2025-05-01", "2000.00"),
        pay("2025-05-01", "5.00", confirmed=False),
    ]
    expected = allocate(charges, payments)
    by_charge = dict(zip(charges, expected.paid, strict=True))
    rng = random.Random(7)
    for _ in range(50):
        rng.shuffle(charges)
        rng.shuffle(payments)
        result = allocate(charges, payments)
        assert dict(zip(charges, result.paid, strict=True)) == by_charge
        assert result.placements == expected.placements
        assert result.overpayments == expected.overpayments
    # 30 on 11.02 skips the barred OLD; the twin's 100 beyond March skips OLD and NEXT (barred
    # since 11.03) and lands on JAN; the 2000 finishes JAN and FEB and leaves 1700.
    assert [by_charge[c] for c in (OLD, NEXT, JAN, FEB, MAR_HEAT, MAR_WATER)] == [
        Decimal("0.00"),
        Decimal("30.00"),
        Decimal("200.00"),
        Decimal("200.00"),
        Decimal("1000.00"),
        Decimal("300.00"),
    ]
    assert expected.credit == Decimal("1700.00")


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative payment"):
        allocate([JAN], [pay("2025-05-05", "-1.00")])
    with pytest.raises(ValueError, match="negative charge"):
        allocate([due_charge("2025-01", "water", "-5.00", "2025-02-10", "2028-02-10")], [])
