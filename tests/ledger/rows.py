"""Terse constructors for ledger input rows in tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.ledger import ChargeRow, PaymentRow


def day(text: str) -> date:
    return date.fromisoformat(text)


def month(text: str) -> date:
    """'2025-03' → 2025-03-01."""
    return date.fromisoformat(f"{text}-01")


def charge(period: str, service: str, amount: str) -> ChargeRow:
    return ChargeRow(month(period), service, Decimal(amount))


def pay(
    paid_on: str,
    amount: str,
    period: str | None = None,
    *,
    confirmed: bool = True,
    payment_id: str | None = None,
) -> PaymentRow:
    return PaymentRow(
        day(paid_on),
        Decimal(amount),
        month(period) if period else None,
        confirmed,
        payment_id or f"p-{paid_on}-{amount}-{period}",
    )
