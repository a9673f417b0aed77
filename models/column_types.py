"""Column types shared by every entity: money, UTC instants."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import DateTime, Numeric, TypeDecorator
from sqlalchemy.engine import Dialect

# Money is Numeric(14,2) everywhere (up to 999 999 999 999,99 ₽); never float.
Money = Numeric(14, 2, asdecimal=True)
KOPECK = Decimal("0.01")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant on both engines.

    SQLite has no time zones and returns naive values; this type stores UTC and hands back
    aware datetimes, and refuses naive input so a local time can never slip in unnoticed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is required")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
