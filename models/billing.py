"""What the billing system says: monthly charges and the payments against them."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.column_types import Money


class Charge(Base):
    """A monthly charge (начисление) for one service; ``period`` is the first day of its month."""

    __tablename__ = "charge"
    __table_args__ = (UniqueConstraint("account_id", "period", "service"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    period: Mapped[date] = mapped_column(Date)
    service: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Money)


class Payment(Base):
    """A payment (оплата). ``period`` is the period it names, if any (назначение платежа)."""

    __tablename__ = "payment"
    __table_args__ = (Index("ix_payment_account_id_paid_on", "account_id", "paid_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The billing system's or bank's document id: the natural key that makes re-import idempotent.
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    period: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(64), default="")
    # A payment the debtor reports but the bank has not confirmed freezes debt, it does not pay it.
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
