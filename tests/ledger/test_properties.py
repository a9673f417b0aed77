"""Properties of the ledger over generated accounts: order independence and conservation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from models.ledger import ChargeRow, DebtCriteria, LedgerPolicy, PaymentRow, build_ledger

AS_OF = date(2026, 6, 30)
PERIODS = [date(2021 + m // 12, m % 12 + 1, 1) for m in range(0, 66)]  # 2021-01 … 2026-06
SERVICES = ["electricity", "heating", "water"]
money = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("5000.00"), places=2)

charges_st = st.dictionaries(
    st.tuples(st.sampled_from(PERIODS), st.sampled_from(SERVICES)), money, max_size=30
).map(lambda rows: [ChargeRow(p, s, a) for (p, s), a in rows.items()])
payments_st = st.lists(
    st.builds(
        PaymentRow,
        paid_on=st.integers(0, (AS_OF - date(2021, 1, 1)).days + 60).map(
            lambda n: date(2021, 1, 1) + timedelta(days=n)
        ),
        amount=money,
        period=st.none() | st.sampled_from([*PERIODS, date(2027, 1, 1)]),
        confirmed=st.booleans(),
        payment_id=st.none() | st.sampled_from(["a", "b", "c", "d"]),
    ),
    max_size=15,
)


@settings(max_examples=300, deadline=None)
@given(charges=charges_st, payments=payments_st, data=st.data())
def test_ledger_does_not_depend_on_row_order(
    charges: list[ChargeRow], payments: list[PaymentRow], data: st.DataObject
) -> None:
    expected = build_ledger(charges, payments, AS_OF)
    shuffled = build_ledger(
        data.draw(st.permutations(charges)), data.draw(st.permutations(payments)), AS_OF
    )
    assert shuffled == expected


@settings(max_examples=300, deadline=None)
@given(charges=charges_st, payments=payments_st)
def test_money_is_conserved(charges: list[ChargeRow], payments: list[PaymentRow]) -> None:
    ledger = build_ledger(charges, payments, AS_OF)
    confirmed = sum((p.amount for p in payments if p.confirmed and p.paid_on <= AS_OF), Decimal(0))
    assert ledger.total_paid + ledger.credit == confirmed
    assert sum((p.amount for p in ledger.placements), Decimal(0)) == ledger.total_paid
    assert ledger.total_charged - ledger.total_paid == ledger.total_outstanding
    for line in ledger.lines:
        assert Decimal(0) <= line.outstanding <= line.amount
        assert line.paid + line.outstanding == line.amount
    # Credit only arises once every charge claimable on its payment's date is paid.
    for over in ledger.overpayments:
        assert all(not line.outstanding or line.claim_until < over.paid_on for line in ledger.lines)
    assert Decimal(0) <= ledger.conditional_debt <= ledger.real_debt <= ledger.total_outstanding


@settings(max_examples=200, deadline=None)
@given(charges=charges_st, payments=payments_st, min_days=st.integers(1, 400))
def test_real_debt_is_the_sum_of_qualifying_lines(
    charges: list[ChargeRow], payments: list[PaymentRow], min_days: int
) -> None:
    policy = LedgerPolicy(
        criteria=DebtCriteria(min_days_overdue=min_days, include_time_barred=False)
    )
    ledger = build_ledger(charges, payments, AS_OF, policy=policy)
    qualifying = [
        line
        for line in ledger.lines
        if line.outstanding and line.days_overdue >= min_days and not line.time_barred
    ]
    assert ledger.real_debt == sum((line.outstanding for line in qualifying), Decimal(0))
    assert ledger.max_days_overdue == max((line.days_overdue for line in qualifying), default=0)
