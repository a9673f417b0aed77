from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.legal.state_fee import NotEligibleForCourtOrder, state_fee


@pytest.mark.parametrize(
    ("claim", "lawsuit", "order"),
    [
        ("0.01", "4000", "2000"),
        ("100000", "4000", "2000"),
        ("100000.01", "4000", "2000"),
        ("100016", "4000", "2000"),  # 4 000,48 rounds down
        ("100017", "4001", "2001"),  # 4 000,51 rounds up to 4 001, half 2 000,5 up to 2 001
        ("150000", "5500", "2750"),  # DOMAIN.md example
        ("300000", "10000", "5000"),
        ("300001", "10000", "5000"),
        ("400000", "12500", "6250"),
        ("500000", "15000", "7500"),
        ("500001", "15000", None),
        ("1000000", "25000", None),
        ("3000000", "45000", None),
        ("8000000", "80000", None),
        ("24000000", "136000", None),
        ("100000000", "250000", None),
    ],
)
def test_fee_scale_band_edges(claim: str, lawsuit: str, order: str | None) -> None:
    assert state_fee(Decimal(claim), "lawsuit").fee == Decimal(lawsuit)
    if order is None:
        with pytest.raises(NotEligibleForCourtOrder, match="500000"):
            state_fee(Decimal(claim), "court_order")
    else:
        assert state_fee(Decimal(claim), "court_order").fee == Decimal(order)


@pytest.mark.parametrize(
    ("claim", "halve_rounded", "order"),
    [
        # The exact claim fee 4 000,90: halving 4 001 gives 2 000,5 → 2 001; halving 4 000,90
        # gives 2 000,45 → 2 000. The unsettled point decides a rouble.
        ("100030", True, "2001"),
        ("100030", False, "2000"),
        ("100017", False, "2000"),
        ("150000", False, "2750"),
    ],
)
def test_halving_before_or_after_rounding_is_a_setting(
    claim: str, halve_rounded: bool, order: str
) -> None:
    fee = state_fee(Decimal(claim), "court_order", halve_rounded=halve_rounded)
    assert fee.fee == Decimal(order)


def test_a_cancelled_orders_fee_is_credited_against_the_lawsuit() -> None:
    order = state_fee(Decimal("150000"), "court_order")
    lawsuit = state_fee(Decimal("150000"), "lawsuit", credited=order.fee)
    assert (lawsuit.fee, lawsuit.credited, lawsuit.to_pay) == (
        Decimal("5500"), Decimal("2750"), Decimal("2750"))
    assert state_fee(Decimal("1000"), "lawsuit", credited=Decimal("2750")).to_pay == 1250
    assert state_fee(Decimal("1000"), "lawsuit", credited=Decimal("4500")).to_pay == 0
    with pytest.raises(ValueError):
        state_fee(Decimal("1000"), "court_order", credited=Decimal("1"))


def test_a_claim_must_be_positive() -> None:
    with pytest.raises(ValueError):
        state_fee(Decimal("0"), "lawsuit")
