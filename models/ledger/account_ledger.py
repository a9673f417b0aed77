"""One account's ledger on a date: charge lines, balances, real and conditional debt.

:func:`build_ledger` is the single pure function behind every balance in Vozvrat; the bulk
reader feeds it the rows of a million accounts one account at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple, TypeVar

from models.ledger.allocation import ZERO, DueCharge, Overpayment, Placement, allocate
from models.ledger.due_dates import DueDateRule, LimitationRule
from models.ledger.freezes import Freeze, FrozenBreakdown, frozen_breakdown
from models.ledger.inputs import ChargeRow, PaymentRow, kopecks

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class DebtCriteria:
    """Which unpaid charges count as real debt (a work plan's criteria)."""

    # Day 1 is the day after the due date; below 1 a charge is not overdue at all.
    min_days_overdue: int = 1
    include_time_barred: bool = True
    # None: every service.
    services: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.min_days_overdue < 1:
            raise ValueError("real debt is overdue debt: min_days_overdue must be at least 1")


@dataclass(frozen=True, slots=True)
class LedgerPolicy:
    due_dates: DueDateRule = field(default_factory=DueDateRule)
    limitation: LimitationRule = field(default_factory=LimitationRule)
    criteria: DebtCriteria = field(default_factory=DebtCriteria)
    # A million accounts share a few hundred (period, due day) pairs: memoise their terms.
    _terms: dict[tuple[date, int | None], tuple[date, date]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def terms(self, period: date, due_day: int | None = None) -> tuple[date, date]:
        """(due date, last day to claim) of the charges for ``period``."""
        key = (period, due_day)
        terms = self._terms.get(key)
        if terms is None:
            due = self.due_dates.due_date(period, due_day)
            terms = self._terms[key] = (due, self.limitation.claim_until(due))
        return terms


DEFAULT_POLICY = LedgerPolicy()


class LedgerLine(NamedTuple):
    """One charge on the ledger date. ``days_overdue`` is 0 when nothing of it is overdue.

    A NamedTuple rather than a frozen dataclass: a ledger makes one per charge, and creating a
    tuple is several times cheaper.
    """

    period: date
    service: str
    amount: Decimal
    paid: Decimal
    outstanding: Decimal
    due_date: date
    claim_until: date
    days_overdue: int
    time_barred: bool
    in_real_debt: bool


@dataclass(frozen=True, slots=True)
class AccountLedger:
    as_of: date
    lines: tuple[LedgerLine, ...]
    placements: tuple[Placement, ...]
    overpayments: tuple[Overpayment, ...]
    total_charged: Decimal
    total_paid: Decimal
    total_outstanding: Decimal
    credit: Decimal
    real_debt: Decimal
    frozen: FrozenBreakdown
    conditional_debt: Decimal
    # Both over the lines in real debt; 0 and None when there is none.
    max_days_overdue: int
    oldest_unpaid_due: date | None

    @property
    def balance(self) -> Decimal:
        """What the account owes net of credit (negative: the utility owes the customer)."""
        return self.total_outstanding - self.credit

    # Computed on demand: the bulk path yields millions of ledgers and most readers never ask.
    @property
    def outstanding_by_period(self) -> dict[date, Decimal]:
        return _outstanding_by(self.lines, lambda line: line.period)

    @property
    def outstanding_by_service(self) -> dict[str, Decimal]:
        return _outstanding_by(self.lines, lambda line: line.service)


def _outstanding_by(
    lines: Iterable[LedgerLine], key: Callable[[LedgerLine], K]
) -> dict[K, Decimal]:
    totals: dict[K, Decimal] = {}
    for line in lines:
        k = key(line)
        totals[k] = totals.get(k, ZERO) + line.outstanding
    return totals


def build_ledger(
    charges: Iterable[ChargeRow],
    payments: Iterable[PaymentRow],
    as_of: date,
    *,
    policy: LedgerPolicy = DEFAULT_POLICY,
    due_day: int | None = None,
    freezes: Iterable[Freeze] = (),
) -> AccountLedger:
    """The ledger of one account on ``as_of``.

    Only charges of periods up to ``as_of`` and payments made up to ``as_of`` are taken, so a past
    date gives the ledger as it stood then. Rows repeating a (period, service) are summed.
    ``due_day`` is the building's due-day override.
    """
    amounts: dict[tuple[date, str], Decimal] = {}
    for row in charges:
        if row.period > as_of:
            continue
        if row.period.day != 1:
            raise ValueError(f"a charge period is the first day of its month, got {row.period}")
        key = (row.period, row.service)
        amounts[key] = amounts.get(key, ZERO) + kopecks(row.amount)

    due_charges = []
    for (period, service), amount in sorted(amounts.items()):
        due, claim_until = policy.terms(period, due_day)
        due_charges.append(DueCharge(period, service, amount, due, claim_until))

    made: list[PaymentRow] = []
    unconfirmed: list[PaymentRow] = []
    for payment in payments:
        if payment.paid_on <= as_of:
            (made if payment.confirmed else unconfirmed).append(payment)

    allocation = allocate(due_charges, made)
    criteria = policy.criteria
    min_days, with_barred, services = (
        criteria.min_days_overdue,
        criteria.include_time_barred,
        criteria.services,
    )
    lines: list[LedgerLine] = []
    debt_lines: list[LedgerLine] = []
    charged = paid_total = outstanding_total = real = ZERO
    for charge, paid in zip(due_charges, allocation.paid, strict=True):
        outstanding = charge.amount - paid
        overdue = (as_of - charge.due_date).days if outstanding else 0
        if overdue < 0:
            overdue = 0
        barred = as_of > charge.claim_until
        in_debt = bool(
            outstanding
            and overdue >= min_days
            and (with_barred or not barred)
            and (services is None or charge.service in services)
        )
        # Positional: keyword construction of a NamedTuple costs three times as much.
        line = LedgerLine(
            charge.period,
            charge.service,
            charge.amount,
            paid,
            outstanding,
            charge.due_date,
            charge.claim_until,
            overdue,
            barred,
            in_debt,
        )
        lines.append(line)
        charged += charge.amount
        paid_total += paid
        outstanding_total += outstanding
        if in_debt:
            debt_lines.append(line)
            real += outstanding

    frozen = frozen_breakdown(freezes, unconfirmed, debt_lines, as_of)
    oldest_due = min((line.due_date for line in debt_lines), default=None)
    return AccountLedger(
        as_of=as_of,
        lines=tuple(lines),
        placements=allocation.placements,
        overpayments=allocation.overpayments,
        total_charged=charged,
        total_paid=paid_total,
        total_outstanding=outstanding_total,
        credit=allocation.credit,
        real_debt=real,
        frozen=frozen,
        conditional_debt=max(real - frozen.total, ZERO),
        max_days_overdue=(as_of - oldest_due).days if oldest_due is not None else 0,
        oldest_unpaid_due=oldest_due,
    )
