"""A person who may owe: identity for court papers, contacts for outreach, refusals to obey."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.column_types import UtcDateTime, utc_now


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_place: Mapped[str] = mapped_column(String(300), default="")
    # One identifier is required on a court-order application (ГПК ст. 124): any of these.
    snils: Mapped[str] = mapped_column(String(14), default="")
    inn: Mapped[str] = mapped_column(String(12), default="")
    passport: Mapped[str] = mapped_column(String(32), default="")
    # Place of residence decides the court (ГПК ст. 28); empty means the account's building.
    address: Mapped[str] = mapped_column(String(500), default="")
    # The debtor's bank, for presenting a court order to it directly (229-ФЗ ст. 8); the account
    # number is optional there, the bank's name and БИК are not.
    bank_name: Mapped[str] = mapped_column(String(300), default="")
    bik: Mapped[str] = mapped_column(String(9), default="")
    bank_account: Mapped[str] = mapped_column(String(20), default="")

    phones: Mapped[list[PersonPhone]] = relationship(
        back_populates="person", order_by="PersonPhone.position", cascade="all, delete-orphan"
    )
    emails: Mapped[list[PersonEmail]] = relationship(
        back_populates="person", order_by="PersonEmail.position", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class PersonPhone(Base):
    __tablename__ = "person_phone"
    __table_args__ = (UniqueConstraint("person_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(16))  # E.164, +7XXXXXXXXXX
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    # A number answered by someone else ("that's not me") is not dialled again.
    valid: Mapped[bool] = mapped_column(Boolean, default=True)

    person: Mapped[Person] = relationship(back_populates="phones")


class PersonEmail(Base):
    __tablename__ = "person_email"
    __table_args__ = (UniqueConstraint("person_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(254))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    valid: Mapped[bool] = mapped_column(Boolean, default=True)

    person: Mapped[Person] = relationship(back_populates="emails")


class ContactRefusal(Base):
    """A debtor's refusal of a channel (230-ФЗ ст. 8): recorded once, obeyed for ever."""

    __tablename__ = "contact_refusal"
    __table_args__ = (UniqueConstraint("person_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    source: Mapped[str] = mapped_column(String(200), default="")
