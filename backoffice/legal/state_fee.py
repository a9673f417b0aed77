"""State fee (госпошлина) for a claim in a court of general jurisdiction, НК ст. 333.19 п. 1
пп. 1 as amended by 259-ФЗ (filings from 09.09.2024).

A court-order application costs half the claim fee (пп. 2); amounts are in whole roubles, under
50 kopecks dropped, 50 and over rounded up (НК ст. 52 п. 6). Whether the half is taken of the
rounded fee is *unsettled* (``halve_rounded``, default yes). A court order is only for claims up
to 500 000 ₽ (ГПК ст. 121).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class FeeKind(StrEnum):
    COURT_ORDER = "court_order"
    LAWSUIT = "lawsuit"


COURT_ORDER_LIMIT = Decimal(500_000)
_ROUBLE = Decimal(1)

# (claim above, fee at that point, percent of the claim above it), from the top band down.
_SCALE: tuple[tuple[Decimal, Decimal, Decimal], ...] = tuple(
    (Decimal(above), Decimal(base), Decimal(percent))
    for above, base, percent in (
        (24_000_000, 136_000, "0.15"),
        (8_000_000, 80_000, "0.35"),
        (3_000_000, 45_000, "0.7"),
        (1_000_000, 25_000, "1"),
        (500_000, 15_000, "2"),
        (300_000, 10_000, "2.5"),
        (100_000, 4_000, "3"),
        (0, 4_000, "0"),
    )
)
_LAWSUIT_FEE_CEILING = Decimal(10_000_000)


class NotEligibleForCourtOrder(ValueError):
    """The claim is over the court-order limit: only a lawsuit can recover it."""


@dataclass(frozen=True, slots=True)
class StateFee:
    kind: FeeKind
    claim: Decimal
    fee: Decimal
    # A cancelled court order's fee counted against this one (НК ст. 333.20 п. 1 пп. 13).
    credited: Decimal = Decimal(0)

    @property
    def to_pay(self) -> Decimal:
        return max(self.fee - self.credited, Decimal(0))


def whole_roubles(amount: Decimal) -> Decimal:
    return amount.quantize(_ROUBLE, rounding=ROUND_HALF_UP)


def _claim_fee_exact(claim: Decimal) -> Decimal:
    if claim <= 0:
        raise ValueError(f"a claim must be positive, got {claim}")
    for above, base, percent in _SCALE:
        if claim > above:
            return min(base + (claim - above) * percent / 100, _LAWSUIT_FEE_CEILING)
    raise AssertionError("the scale starts at zero")


def state_fee(
    claim: Decimal,
    kind: FeeKind | str,
    *,
    credited: Decimal = Decimal(0),
    halve_rounded: bool = True,
) -> StateFee:
    """The fee for filing ``claim`` (debt plus penalties) as ``kind``.

    ``credited`` is the fee paid for a cancelled court order, counted against a lawsuit's fee.
    """
    kind = FeeKind(kind)
    exact = _claim_fee_exact(claim)
    if kind is FeeKind.LAWSUIT:
        return StateFee(kind, claim, whole_roubles(exact), credited)
    if claim > COURT_ORDER_LIMIT:
        raise NotEligibleForCourtOrder(
            f"сумма требования {claim} ₽ больше {COURT_ORDER_LIMIT} ₽: судебный приказ не выдаётся "
            "(ГПК ст. 121), подаётся исковое заявление"
        )
    if credited:
        raise ValueError("a fee is credited only against a lawsuit after the order's cancellation")
    half = whole_roubles(exact) / 2 if halve_rounded else exact / 2
    return StateFee(kind, claim, whole_roubles(half))
