"""Work plans as loaded from their versioned YAML files (campaigns/plans/ reads and validates them)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.column_types import UtcDateTime, utc_now


class WorkPlan(Base):
    """One version of a plan. Cases keep the version they were opened under."""

    __tablename__ = "work_plan"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    debtor_kind: Mapped[str] = mapped_column(String(16))
    # The plan a new case of this debtor kind gets unless overridden.
    is_master: Mapped[bool] = mapped_column(Boolean, default=False)
    # The validated definition (stages, steps, transitions) and the YAML it came from.
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text, default="")
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
