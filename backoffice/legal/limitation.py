"""Which monthly charges can still be claimed on a filing date (ГК ст. 196, 200, 204).

A charge is claimable up to three years after its due date (the ledger's ``claim_until``). A
court order filed for it stops that clock on the filing day; when the order is cancelled the
clock runs on with what was left, and if under six months was left it is extended to six months
(ГК ст. 204 п. 1, 3; Пленум ВС РФ № 43 п. 17–18). While an order for a period is in force the
period is not claimed again.
"""
from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from models.ledger import LedgerLine
from models.ledger.allocation import ZERO

SIX_MONTHS = 6


class PeriodStatus(StrEnum):
    CLAIMABLE = "claimable"
    TIME_BARRED = "time_barred"
    # Covered by a court order still in force: already claimed.
    UNDER_ORDER = "under_order"


@dataclass(frozen=True, slots=True)
class CourtOrderSpan:
    """A court-order application covering charge periods ``first_period``–``last_period``."""

    filed_on: date
    first_period: date
    last_period: date
    cancelled_on: date | None = None

    def covers(self, period: date) -> bool:
        return self.first_period <= period <= self.last_period


@dataclass(frozen=True, slots=True)
class PeriodClaim:
    period: date
    outstanding: Decimal
    due_date: date
    # The last day to claim after every suspension.
    claim_until: date
    status: PeriodStatus


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, the month's last day if it is shorter (ГК ст. 192)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def suspended_until(claim_until: date, orders: Iterable[CourtOrderSpan], period: date) -> date:
    """``claim_until`` moved by the cancelled court orders that covered ``period``."""
    for order in sorted(orders, key=lambda o: o.filed_on):
        if (not order.covers(period) or order.filed_on > claim_until
                or order.cancelled_on is None):
            continue
        left = claim_until - order.filed_on
        claim_until = max(order.cancelled_on + left, add_months(order.cancelled_on, SIX_MONTHS))
    return claim_until


def classify_periods(
    lines: Sequence[LedgerLine], filed_on: date, orders: Sequence[CourtOrderSpan] = ()
) -> list[PeriodClaim]:
    """The unpaid overdue periods of a ledger (built on ``filed_on``) with their status."""
    by_period: dict[date, tuple[Decimal, date, date]] = {}
    for line in lines:
        if not line.outstanding or line.due_date >= filed_on:
            continue
        amount, due, until = by_period.get(line.period, (ZERO, line.due_date, line.claim_until))
        by_period[line.period] = (amount + line.outstanding, due, until)
    claims = []
    for period, (amount, due, until) in sorted(by_period.items()):
        if any(o.covers(period) and o.cancelled_on is None and o.filed_on <= filed_on
               for o in orders):
            status, until_now = PeriodStatus.UNDER_ORDER, until
        else:
            until_now = suspended_until(until, orders, period)
            status = PeriodStatus.CLAIMABLE if filed_on <= until_now else PeriodStatus.TIME_BARRED
        claims.append(PeriodClaim(period, amount, due, until_now, status))
    return claims
