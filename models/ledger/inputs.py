"""Input rows of the ledger: plain frozen values, so one function serves one account or millions.

They carry no ORM state: the bulk reader builds them straight from result tuples, tests and
imports build them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from models.column_types import KOPECK


def kopecks(amount: Decimal) -> Decimal:
    """``amount`` rounded to kopecks the way Russian accounting rounds (half up)."""
    return amount.quantize(KOPECK, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ChargeRow:
    """A monthly charge (начисление); ``period`` is the first day of its month."""

    period: date
    service: str
    amount: Decimal
    charge_id: int | None = None


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A payment (оплата); ``period`` is the month it names (назначение платежа), if any.

    An unconfirmed payment is one the debtor reported and the bank has not confirmed: it pays
    nothing, it only freezes debt.
    """

    paid_on: date
    amount: Decimal
    period: date | None = None
    confirmed: bool = True
    payment_id: str | None = None
