"""Applications filed in court for an account's debt: court orders and lawsuits.

Their dates decide limitation: a court order stops the clock for the periods it covers from
filing until its cancellation (ГК ст. 204), and an order in force means those periods are
already claimed.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.column_types import Money


COURT_ORDER = "court_order"
LAWSUIT = "lawsuit"


class CourtFiling(Base):
    __tablename__ = "court_filing"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    # court_order or lawsuit
    kind: Mapped[str] = mapped_column(String(16))
    filed_on: Mapped[date] = mapped_column(Date)
    first_period: Mapped[date] = mapped_column(Date)
    last_period: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    # The state fee paid; None: the fee due by the scale (credited against a later lawsuit).
    fee_paid: Mapped[Decimal | None] = mapped_column(Money)
    court_code: Mapped[str] = mapped_column(String(32), default="")
    case_number: Mapped[str] = mapped_column(String(64), default="")
    # The court order's own number (судебный приказ № …), once issued.
    order_number: Mapped[str] = mapped_column(String(64), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    # The debtor the order is against; None: the account's only debtor (an account with several
    # debtors has one order per debtor).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The debtor received the order's copy: the 10 working days to object start (ГПК ст. 128).
    copy_received_on: Mapped[date | None] = mapped_column(Date)
    # The debtor's objection as the court forwarded it: the day it was filed and what it says.
    objection_on: Mapped[date | None] = mapped_column(Date)
    objection_text: Mapped[str] = mapped_column(String(2000), default="")
    # The order's entry into force as the court stamped it; it can then be enforced.
    in_force_on: Mapped[date | None] = mapped_column(Date)
