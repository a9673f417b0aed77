"""Waves of outreach and the contact attempts the workers claim from the queue."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.column_types import UtcDateTime, utc_now
from models.enums import AttemptStatus, WaveStatus


class Wave(Base):
    """A manager's wave: one step (or channel + template) for a segment, in a window, at a pace."""

    __tablename__ = "wave"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    template: Mapped[str] = mapped_column(String(100))
    step_code: Mapped[str] = mapped_column(String(64), default="")
    # Filters on debt, days overdue, building, stage, last outcome (campaigns/waves/segment.py).
    segment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime)
    window_end: Mapped[datetime] = mapped_column(UtcDateTime)
    per_minute: Mapped[int] = mapped_column(Integer, default=60)
    max_concurrent: Mapped[int] = mapped_column(Integer, default=10)
    # Share of the segment that gets no contact, to measure what the wave recovers.
    holdout_share: Mapped[float] = mapped_column(Numeric(4, 3, asdecimal=False), default=0.0)
    status: Mapped[str] = mapped_column(String(16), default=WaveStatus.SCHEDULED.value)
    created_by: Mapped[str] = mapped_column(String(100), default="system")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class WaveMember(Base):
    """Which cases a wave selected, and whether each was held out as the control group."""

    __tablename__ = "wave_member"
    __table_args__ = (Index("uq_wave_member", "wave_id", "case_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_case.id", ondelete="CASCADE"), index=True)
    holdout: Mapped[bool] = mapped_column(default=False)


class Attempt(Base):
    """One contact attempt: queued, claimed under a lease, started, then finished with an outcome.

    ``started_at`` is written before the channel touches its peer; an attempt with it set is
    never handed out again, so a worker that dies mid-call cannot cause a second call.
    """

    __tablename__ = "attempt"
    __table_args__ = (
        Index("ix_attempt_queue", "status", "not_before"),
        Index("ix_attempt_person_started", "person_id", "channel", "started_at"),
        # Claims count a wave's busy attempts; with status in the key that reads only those.
        Index("ix_attempt_wave_status", "wave_id", "status"),
        # The dashboard's contacts per day: a range of days read from the index alone.
        Index("ix_attempt_finished", "finished_at", "channel", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_case.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id"))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(254), default="")
    template: Mapped[str] = mapped_column(String(100), default="")
    step_code: Mapped[str] = mapped_column(String(64), default="")
    # Passed to the peer (SMPP, SMTP Message-ID, SIP Call-ID prefix) so a retry is recognisable.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=AttemptStatus.QUEUED.value)
    not_before: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    lease_owner: Mapped[str] = mapped_column(String(100), default="")
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str] = mapped_column(String(32), default="")
    outcome_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    # The peer's id of what was sent: the email's Message-ID, the SMSC's id of an SMS's first part.
    message_id: Mapped[str] = mapped_column(String(255), default="", server_default="")


class SmsPart(Base):
    """One segment of an SMS as the SMSC took it: receipts come per segment, matched by its id."""

    __tablename__ = "sms_part"
    __table_args__ = (Index("uq_sms_part", "attempt_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[str] = mapped_column(String(65), index=True)
    # Empty until the receipt: delivered, undelivered, expired.
    state: Mapped[str] = mapped_column(String(16), default="")
    accepted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    receipt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
