"""Who owes for an account, and in what part."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.enums import OwnershipKind


class Ownership(Base):
    __tablename__ = "ownership"
    __table_args__ = (UniqueConstraint("account_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=OwnershipKind.SHARED.value)
    # The share as an exact fraction: 1/3 is not 0.33, and a court claim is split by it.
    share_numerator: Mapped[int] = mapped_column(Integer, default=1)
    share_denominator: Mapped[int] = mapped_column(Integer, default=1)
    # A minor's share is owed by the legal representatives (parents) in equal parts.
    is_minor: Mapped[bool] = mapped_column(Boolean, default=False)


class OwnershipRepresentative(Base):
    """A legal representative (parent, guardian) of a minor owner."""

    __tablename__ = "ownership_representative"
    __table_args__ = (UniqueConstraint("ownership_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ownership_id: Mapped[int] = mapped_column(
        ForeignKey("ownership.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
