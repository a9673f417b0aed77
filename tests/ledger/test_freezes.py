from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import pytest

from models.ledger import (
    AccountLedger,
    DisputeFreeze,
    FrozenBreakdown,
    InstalmentFreeze,
    PaymentRow,
    PromiseFreeze,
    build_ledger,
    frozen_breakdown,
)
from models.ledger.freezes import Freeze

from .rows import charge, day, month, pay

# On 15.04.2025 real debt is 1200.00: February heating 1000.00 and water 200.00, due 10.03.2025.
# March water 200.00 is charged but not due until 10.04.2025, so on 09.04 it is not debt.
CHARGES = [
    charge("2025-02", "heating", "1000.00"),
    charge("2025-02", "water", "200.00"),
    charge("2025-03", "water", "200.00"),
]


def ledger_with(
    *freezes: Freeze, as_of: str = "2025-04-09", payments: Sequence[PaymentRow] = ()
) -> AccountLedger:
    return build_ledger(CHARGES, payments, day(as_of), freezes=freezes)


@pytest.mark.parametrize(
    ("as_of", "promised", "conditional"),
    [
        ("2025-04-08", "500.00", "700.00"),  # before pay_by
        ("2025-04-09", "500.00", "700.00"),  # on pay_by: still promised
        ("2025-04-10", "0.00", "1200.00"),  # after: broken, debt unfrozen
    ],
)
def test_promise_freezes_until_pay_by(as_of: str, promised: str, conditional: str) -> None:
    ledger = ledger_with(PromiseFreeze(Decimal("500.00"), day("2025-04-09")), as_of=as_of)
    assert ledger.real_debt == Decimal("1200.00")
    assert ledger.frozen.promised == Decimal(promised)
    assert ledger.conditional_debt == Decimal(conditional)


def test_conditional_debt_never_goes_below_zero() -> None:
    ledger = ledger_with(PromiseFreeze(Decimal("5000.00"), day("2025-05-01")))
    assert ledger.frozen.total == Decimal("5000.00")
    assert ledger.real_debt == Decimal("1200.00")
    assert ledger.conditional_debt == Decimal("0.00")


@pytest.mark.parametrize(
    ("dispute", "disputed"),
    [
        (DisputeFreeze(Decimal("300.00"), True), "300.00"),
        (DisputeFreeze(Decimal("300.00"), False), "0.00"),
        # Capped at the real debt of what it names: February water is 200.00.
        (DisputeFreeze(Decimal("300.00"), True, month("2025-02"), "water"), "200.00"),
        (DisputeFreeze(Decimal("300.00"), True, service="heating"), "300.00"),
        (DisputeFreeze(Decimal("3000.00"), True, period=day("2025-02-14")), "1200.00"),
        # March water is charged but not yet overdue on 09.04, so there is nothing to freeze.
        (DisputeFreeze(Decimal("300.00"), True, month("2025-03"), "water"), "0.00"),
    ],
)
def test_dispute_freezes_while_under_review(dispute: DisputeFreeze, disputed: str) -> None:
    ledger = ledger_with(dispute)
    assert ledger.frozen.disputed == Decimal(disputed)
    assert ledger.conditional_debt == Decimal("1200.00") - Decimal(disputed)


@pytest.mark.parametrize(
    ("kept", "instalment", "conditional"), [(True, "800.00", "400.00"), (False, "0.00", "1200.00")]
)
def test_instalment_freezes_while_kept(kept: bool, instalment: str, conditional: str) -> None:
    ledger = ledger_with(InstalmentFreeze(Decimal("800.00"), kept))
    assert ledger.frozen.instalment == Decimal(instalment)
    assert ledger.conditional_debt == Decimal(conditional)


def test_unconfirmed_payments_reported_by_the_date_freeze() -> None:
    payments = [
        pay("2025-04-01", "150.00", confirmed=False),
        pay("2025-04-20", "99.00", confirmed=False),  # reported after the ledger date
    ]
    ledger = ledger_with(payments=payments)
    assert ledger.frozen.unconfirmed == Decimal("150.00")
    assert ledger.total_paid == Decimal("0.00")
    assert ledger.conditional_debt == Decimal("1050.00")


def test_breakdown_of_several_freezes() -> None:
    ledger = ledger_with(
        PromiseFreeze(Decimal("100.00"), day("2025-04-30")),
        PromiseFreeze(Decimal("20.00"), day("2025-04-01")),  # already broken
        InstalmentFreeze(Decimal("200.00"), True),
        DisputeFreeze(Decimal("50.00"), True, month("2025-02"), "heating"),
        payments=[pay("2025-04-02", "25.00", confirmed=False)],
    )
    assert ledger.frozen == FrozenBreakdown(
        promised=Decimal("100.00"),
        instalment=Decimal("200.00"),
        disputed=Decimal("50.00"),
        unconfirmed=Decimal("25.00"),
    )
    assert ledger.frozen.total == Decimal("375.00")
    assert ledger.real_debt == Decimal("1200.00")
    assert ledger.conditional_debt == Decimal("825.00")


def test_nothing_frozen() -> None:
    assert frozen_breakdown([], [], [], day("2025-04-09")) == FrozenBreakdown()
    assert FrozenBreakdown().total == Decimal("0.00")


@pytest.mark.parametrize(
    "make",
    [
        lambda: PromiseFreeze(Decimal("-1"), day("2025-01-01")),
        lambda: InstalmentFreeze(Decimal("-1"), True),
        lambda: DisputeFreeze(Decimal("-1"), True),
    ],
)
def test_negative_freezes_are_refused(make: Callable[[], Freeze]) -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        make()
