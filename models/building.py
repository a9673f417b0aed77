"""A building: where accounts are, which time zone its debtors live in, its own due day."""
from __future__ import annotations

from sqlalchemy import ColumnElement, ForeignKey, SmallInteger, String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Building(Base):
    __tablename__ = "building"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditor.id"), index=True)
    region: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200))
    house: Mapped[str] = mapped_column(String(50))
    postal_code: Mapped[str] = mapped_column(String(6), default="")
    # IANA zone name: the contact-hour limits are in the debtor's local time.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    # Older management contracts set their own payment day (ЖК ст. 155 ч. 1); None = statutory.
    due_day: Mapped[int | None] = mapped_column(SmallInteger)

    @hybrid_property
    def address(self) -> str:
        return f"{self.region}, {self.city}, {self.street}, д. {self.house}"

    @address.inplace.expression
    @classmethod
    def _address_sql(cls) -> ColumnElement[str]:
        # The same text in SQL, for courier attempts queued set-based (campaigns.queue.enqueue).
        return cls.region + ", " + cls.city + ", " + cls.street + ", д. " + cls.house
