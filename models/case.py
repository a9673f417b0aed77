"""Cases (дебиторские дела), their append-only history, and what freezes their debt."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.column_types import Money, UtcDateTime, utc_now
from models.enums import CaseStatus


class Case(Base):
    __tablename__ = "debt_case"
    __table_args__ = (
        # One open case per account, enforced by the database for concurrent openers.
        Index("uq_debt_case_open_account", "account_id", unique=True,
              sqlite_where=text("status != 'closed'"), postgresql_where=text("status != 'closed'")),
        Index("ix_debt_case_status_stage", "status", "stage"),
        # The case registry pages newest first by id under each of its filters (keyset paging).
        Index("ix_debt_case_status_id", "status", "id"),
        Index("ix_debt_case_stage_id", "stage", "id"),
        Index("ix_debt_case_current_debt", "current_debt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("work_plan.id"))
    stage: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.ACTIVE.value)
    status_reason: Mapped[str] = mapped_column(String(200), default="")
    suspended_until: Mapped[date | None] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    stage_entered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    debt_at_open: Mapped[Decimal] = mapped_column(Money)
    last_contact_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # "Listened to the end": no further robot call before this date.
    no_call_until: Mapped[date | None] = mapped_column(Date)
    # The ledger's figures as of ``debt_as_of``, refreshed by the daily run, so that waves can
    # select segments of a million cases in SQL instead of computing a ledger per case.
    current_debt: Mapped[Decimal | None] = mapped_column(Money)
    days_overdue: Mapped[int | None] = mapped_column()
    debt_as_of: Mapped[date | None] = mapped_column(Date)


class CaseEvent(Base):
    """Everything that happened to a case, never updated or deleted."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_case.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100), default="system")
    message: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Promise(Base):
    """A promise to pay (обещание оплаты): freezes its amount until the date plus grace."""

    __tablename__ = "promise"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_case.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    pay_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, kept, broken
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Instalment(Base):
    """An instalment agreement (рассрочка): outreach pauses while its schedule is kept."""

    __tablename__ = "instalment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_case.id", ondelete="CASCADE"), index=True)
    total: Mapped[Decimal] = mapped_column(Money)
    # [{"due": "YYYY-MM-DD", "amount": "1000.00"}, …]
    schedule: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, kept, broken
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Dispute(Base):
    """A disputed debt: frozen and escalated to a lawyer until resolved."""

    __tablename__ = "dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_case.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    period: Mapped[date | None] = mapped_column(Date)
    service: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="under_review")  # under_review, resolved
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
