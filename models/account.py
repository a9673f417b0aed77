"""The billing account (лицевой счёт): the unit debts are tracked on."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.enums import DebtorKind


class Account(Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    premises: Mapped[str] = mapped_column(String(32), default="")
    area: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    debtor_kind: Mapped[str] = mapped_column(String(16), default=DebtorKind.INDIVIDUAL.value)
