"""Placing confirmed payments on charges (ГК ст. 319.1; DOMAIN.md "Which periods to claim").

The model, chosen so that the result depends only on the set of rows and never on their order:

- Every charge given is known from the start (the ledger is a snapshot; the billing system keeps
  no "charge appeared on" date we could replay).
- Confirmed payments are placed one by one in the order (paid_on, payment_id, …).
- A payment that names a period pays that period's outstanding charges, services by name, even
  if they are time-barred: a debtor may knowingly pay a barred debt (ГК ст. 206).
- Money not placed that way (an unnamed payment, or the remainder of a named one) pays the
  outstanding charges oldest period first, skipping those whose limitation ended before the
  payment date. Charges of periods after the payment date are fair game: that is an advance.
- What is left is an overpayment: credit on the account. It needs no re-placement later: it only
  exists when every charge claimable on its date was paid, and a later date can only make fewer
  charges claimable.

Unconfirmed payments are skipped here; they freeze debt instead (see ``freezes``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from models.ledger.inputs import PaymentRow, kopecks

ZERO = Decimal("0.00")


# Records made once per charge or per placement are NamedTuples: as immutable as a frozen
# dataclass and several times cheaper to create, which counts at a million accounts.


class DueCharge(NamedTuple):
    """A charge with its terms: the last day to pay and the last day to claim it."""

    period: date
    service: str
    amount: Decimal
    due_date: date
    claim_until: date


class Placement(NamedTuple):
    """Part of a payment placed on one charge."""

    payment_id: str | None
    paid_on: date
    period: date
    service: str
    amount: Decimal


class Overpayment(NamedTuple):
    """Part of a payment that no charge could take: credit on the account."""

    payment_id: str | None
    paid_on: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    """``paid[i]`` is what the payments placed on ``charges[i]`` as given to :func:`allocate`."""

    paid: tuple[Decimal, ...]
    placements: tuple[Placement, ...]
    overpayments: tuple[Overpayment, ...]

    @property
    def credit(self) -> Decimal:
        return sum((o.amount for o in self.overpayments), ZERO)


def _payment_order(p: PaymentRow) -> tuple[date, bool, str, date, Decimal]:
    # A total order on the fields that matter, so equal keys mean interchangeable payments.
    return (p.paid_on, p.payment_id is not None, p.payment_id or "", p.period or date.min, p.amount)


def allocate(charges: Sequence[DueCharge], payments: Iterable[PaymentRow]) -> Allocation:
    """Place the confirmed ``payments`` on ``charges``.

    Charge amounts must already be in kopecks, payments are rounded to kopecks here; neither may
    be negative (billing folds recalculations into the charge, refunds are not payments).
    """
    order = sorted(
        range(len(charges)),
        key=lambda i: (charges[i].period, charges[i].service, charges[i].amount),
    )
    lines = [charges[i] for i in order]
    outstanding = [line.amount for line in lines]
    by_period: dict[date, list[int]] = {}
    for pos, line in enumerate(lines):
        if line.amount < 0:
            raise ValueError(f"negative charge {line.amount} for {line.period} {line.service}")
        by_period.setdefault(line.period, []).append(pos)

    placements: list[Placement] = []
    overpayments: list[Overpayment] = []
    # Every line before ``first_open`` is paid off or barred on the current payment date; both
    # stay so for later payments, so the oldest-first scan never has to look back.
    first_open = 0
    for payment in sorted((p for p in payments if p.confirmed), key=_payment_order):
        rest = kopecks(payment.amount)
        if rest < 0:
            raise ValueError(f"negative payment {rest} on {payment.paid_on}")
        paid_on = payment.paid_on
        if payment.period is not None:
            for pos in by_period.get(payment.period.replace(day=1), ()):
                if not rest:
                    break
                rest = _place(pos, rest, lines, outstanding, payment, placements)
        if rest:
            while first_open < len(lines) and (
                not outstanding[first_open] or lines[first_open].claim_until < paid_on
            ):
                first_open += 1
            pos = first_open
            while rest and pos < len(lines):
                if outstanding[pos] and lines[pos].claim_until >= paid_on:
                    rest = _place(pos, rest, lines, outstanding, payment, placements)
                pos += 1
        if rest:
            overpayments.append(Overpayment(payment.payment_id, paid_on, rest))

    paid = [ZERO] * len(charges)
    for pos, i in enumerate(order):
        paid[i] = lines[pos].amount - outstanding[pos]
    return Allocation(tuple(paid), tuple(placements), tuple(overpayments))


def _place(
    pos: int,
    rest: Decimal,
    lines: list[DueCharge],
    outstanding: list[Decimal],
    payment: PaymentRow,
    placements: list[Placement],
) -> Decimal:
    """Pay as much of line ``pos`` as ``rest`` allows; return what is left of ``rest``."""
    amount = min(rest, outstanding[pos])
    if amount:
        outstanding[pos] -= amount
        line = lines[pos]
        placements.append(
            Placement(payment.payment_id, payment.paid_on, line.period, line.service, amount)
        )
    return rest - amount
