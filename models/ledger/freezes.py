"""Conditional-debt freezes: amounts that suspend outreach without paying anything (DOMAIN.md).

Conditional debt is real debt minus what is frozen, never below zero. Stage transitions and new
outreach look at it; closing a case looks at real debt only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from models.ledger.inputs import PaymentRow, kopecks

ZERO = Decimal("0.00")


def _not_negative(amount: Decimal, what: str) -> None:
    if amount < 0:
        raise ValueError(f"{what} must not be negative, got {amount}")


@dataclass(frozen=True, slots=True)
class PromiseFreeze:
    """A promise to pay ``amount`` by ``pay_by`` (обещание оплаты): frozen up to and on that day."""

    amount: Decimal
    pay_by: date

    def __post_init__(self) -> None:
        _not_negative(self.amount, "a promised amount")


@dataclass(frozen=True, slots=True)
class InstalmentFreeze:
    """An instalment agreement (рассрочка): what is still to pay is frozen while it is kept."""

    remaining: Decimal
    kept: bool

    def __post_init__(self) -> None:
        _not_negative(self.remaining, "an instalment remainder")


@dataclass(frozen=True, slots=True)
class DisputeFreeze:
    """A disputed amount under review; ``period``/``service`` narrow it to those charges.

    It freezes at most the real debt of the charges it names: a dispute about one month's heating
    must not suspend the rest of the account's debt.
    """

    amount: Decimal
    under_review: bool
    period: date | None = None
    service: str | None = None

    def __post_init__(self) -> None:
        _not_negative(self.amount, "a disputed amount")


Freeze = PromiseFreeze | InstalmentFreeze | DisputeFreeze


class DebtLine(Protocol):
    """A charge line counting toward real debt (``account_ledger.LedgerLine`` fits)."""

    @property
    def period(self) -> date: ...
    @property
    def service(self) -> str: ...
    @property
    def outstanding(self) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class FrozenBreakdown:
    promised: Decimal = ZERO
    instalment: Decimal = ZERO
    disputed: Decimal = ZERO
    unconfirmed: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.promised + self.instalment + self.disputed + self.unconfirmed


NOTHING_FROZEN = FrozenBreakdown()


def frozen_breakdown(
    freezes: Iterable[Freeze],
    unconfirmed: Iterable[PaymentRow],
    debt_lines: Sequence[DebtLine],
    as_of: date,
) -> FrozenBreakdown:
    """What is frozen on ``as_of``; ``unconfirmed`` are reported, not yet confirmed payments."""
    promised = instalment = disputed = ZERO
    for freeze in freezes:
        if isinstance(freeze, PromiseFreeze):
            if as_of <= freeze.pay_by:
                promised += kopecks(freeze.amount)
        elif isinstance(freeze, InstalmentFreeze):
            if freeze.kept:
                instalment += kopecks(freeze.remaining)
        elif freeze.under_review:
            disputed += min(kopecks(freeze.amount), _disputable(freeze, debt_lines))
    reported = sum((kopecks(p.amount) for p in unconfirmed), ZERO)
    if not (promised or instalment or disputed or reported):
        return NOTHING_FROZEN
    return FrozenBreakdown(promised, instalment, disputed, reported)


def _disputable(freeze: DisputeFreeze, debt_lines: Sequence[DebtLine]) -> Decimal:
    period = freeze.period.replace(day=1) if freeze.period is not None else None
    return sum(
        (
            line.outstanding
            for line in debt_lines
            if (period is None or line.period == period)
            and (freeze.service is None or line.service == freeze.service)
        ),
        ZERO,
    )
