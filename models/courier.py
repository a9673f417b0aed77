"""What a courier's phone handed in for a notice: the key that makes its sync happen once, and
the photo. The outcome itself (kind, device time, location) lives on the attempt."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.column_types import UtcDateTime, utc_now


class CourierDelivery(Base):
    """One delivery result as synced from the courier's page, at most one per attempt.

    ``client_key`` is generated on the phone when the courier taps a result; a sync that is
    replayed (lost reply, second tab, retry after a crash) hits the unique key and changes nothing.
    """

    __tablename__ = "courier_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), unique=True)
    client_key: Mapped[str] = mapped_column(String(64), unique=True)
    courier_login: Mapped[str] = mapped_column(String(64))
    # The phone's clock when the result was tapped, as sent (the outcome's time is this, but
    # never later than its arrival).
    device_time: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    # Relative to the configured photo folder; empty without a photo.
    photo: Mapped[str] = mapped_column(String(300), default="")
