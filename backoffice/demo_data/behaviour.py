"""How each kind of payer pays the monthly bills: the source of the debts Vozvrat collects.

Amounts are kopecks. A bill for period ``p`` can be paid from month ``p + 1`` on; months are
indices into ``Timeline.days`` and the last one stops at the as-of date, so nothing is paid in
the future.
"""
from __future__ import annotations

import random
from enum import StrEnum

from backoffice.demo_data.periods import Timeline
from models.enums import DebtorKind


class Behaviour(StrEnum):
    GOOD = "good"  # pays the whole bill every month
    LATE = "late"  # pays irregularly: skips, doubles up, pays part
    CHRONIC = "chronic"  # rarely pays, and then a small round sum


# Budget organisations pay late as a rule: their money arrives by quarterly limits.
BEHAVIOUR_WEIGHTS = {
    DebtorKind.INDIVIDUAL: {Behaviour.GOOD: 0.70, Behaviour.LATE: 0.20, Behaviour.CHRONIC: 0.10},
    DebtorKind.BUSINESS: {Behaviour.GOOD: 0.75, Behaviour.LATE: 0.20, Behaviour.CHRONIC: 0.05},
    DebtorKind.BUDGET: {Behaviour.GOOD: 0.30, Behaviour.LATE: 0.70, Behaviour.CHRONIC: 0.0},
}

BANK, CASH, ONLINE = "bank", "cash", "online"
_SOURCES = (ONLINE, BANK, CASH)
_SOURCE_WEIGHTS = (45, 40, 15)
UNCONFIRMED_WINDOW_DAYS = 5  # the bank's registry of a payment arrives within a few days


# (month, day index into Timeline.days[month], amount, named period or -1, source, confirmed):
# a plain tuple, as a hundred thousand accounts make millions of them.
Payment = tuple[int, int, int, int, str, bool]


class _Payer:
    """Per-account habits, drawn once so an account pays consistently over the years."""

    def __init__(self, rng: random.Random, timeline: Timeline, bank_only: bool) -> None:
        self.rng = rng
        self.timeline = timeline
        self.last_month = timeline.count - 1  # payments from here on may still be unconfirmed
        self.random = rng.random
        self.source = BANK if bank_only else rng.choices(_SOURCES, _SOURCE_WEIGHTS)[0]
        # Organisations pay by bank order only; people sometimes pay another way.
        self.other_source = 0.0 if bank_only else 0.15
        # Paying by the QR code of the bill carries its period; typing details by hand does not.
        self.names_period = 0.9 if rng.random() < 0.3 else 0.03
        self.payments: list[Payment] = []

    def pay(self, month: int, day: int, amount: int, period: int = -1) -> None:
        random_ = self.random
        named = period if period >= 0 and random_() < self.names_period else -1
        source = self.source
        if random_() < self.other_source:
            source = self.rng.choices(_SOURCES, _SOURCE_WEIGHTS)[0]
        confirmed = True
        if month >= self.last_month:
            recent = self.timeline.days_before_as_of(month, day) < UNCONFIRMED_WINDOW_DAYS
            confirmed = not (recent and random_() < 0.35)
        self.payments.append((month, day, amount, named, source, confirmed))

    def any_day(self, month: int) -> int:
        return int(self.rng.random() * len(self.timeline.days[month]))


def _round_sum(amount: int, step: int) -> int:
    return max(step, amount // step * step)


def _good(payer: _Payer, bills: list[int]) -> None:
    rng, days = payer.rng, payer.timeline.days
    habit_day = rng.randrange(4, 25)  # day index: the 5th to the 25th, ±3 keeps it ≥ 0
    rounds_up = rng.random() < 0.08  # pays 3 456,78 as 3 500,00 and lets the rest carry over
    carried = 0
    for period, bill in enumerate(bills):
        month = period + 1
        day = habit_day + int(rng.random() * 7) - 3
        if day >= len(days[month]) or (not carried and rng.random() < 0.03):
            # Away this month, or the month is not over yet: paid together with the next bill.
            carried += bill
            continue
        amount = carried + bill
        if rounds_up:
            amount = -(-amount // 10000) * 10000
        payer.pay(month, day, amount, -1 if carried else period)
        carried = 0


def _late(payer: _Payer, bills: list[int]) -> None:
    rng = payer.rng
    # A late payer lives with a pile of unpaid bills and pays down whatever exceeds it, so the
    # debt hovers around that size: a few months, the collection work's everyday case.
    tolerated = rng.randrange(3, 9)
    unpaid: list[list[int]] = []  # [period, remaining], oldest first
    for period, bill in enumerate(bills):
        month = period + 1
        unpaid.append([period, bill])
        roll = rng.random()
        if len(unpaid) > tolerated:
            _pay_oldest(payer, unpaid, month, 2 if roll < 0.6 else 1)  # two months at once
        elif roll < 0.45:
            continue
        elif roll < 0.75:
            _pay_oldest(payer, unpaid, month, 1)
        elif roll < 0.99:
            _pay_part(payer, unpaid, month, _round_sum(bill * rng.randrange(4, 10) // 10, 50000))
        else:
            # A warning letter worked: everything is paid at once.
            _pay_oldest(payer, unpaid, month, len(unpaid))


def _pay_oldest(payer: _Payer, unpaid: list[list[int]], month: int, bills: int) -> None:
    """The oldest ``bills`` bills in full; a period is named only when a single bill is paid."""
    period = unpaid[0][0] if bills == 1 else -1
    amount = sum(remaining for _, remaining in unpaid[:bills])
    del unpaid[:bills]
    payer.pay(month, payer.any_day(month), amount, period)


def _pay_part(payer: _Payer, unpaid: list[list[int]], month: int, amount: int) -> None:
    """A round sum against the oldest bills, never more than is owed."""
    amount = min(amount, sum(r for _, r in unpaid))
    if amount <= 0:
        return
    payer.pay(month, payer.any_day(month), amount, unpaid[0][0])
    left = amount
    while left:
        take = min(left, unpaid[0][1])
        unpaid[0][1] -= take
        left -= take
        if unpaid[0][1] == 0:
            unpaid.pop(0)


def _chronic(payer: _Payer, bills: list[int]) -> None:
    rng = payer.rng
    pays = 0.0 if rng.random() < 0.3 else rng.uniform(0.03, 0.2)
    unpaid: list[list[int]] = []
    for period, bill in enumerate(bills):
        month = period + 1
        unpaid.append([period, bill])
        if rng.random() < pays:
            _pay_part(payer, unpaid, month, rng.randrange(3, 21) * 10000)


_STRATEGIES = {Behaviour.GOOD: _good, Behaviour.LATE: _late, Behaviour.CHRONIC: _chronic}


def payments(
    rng: random.Random,
    behaviour: Behaviour,
    bills: list[int],
    timeline: Timeline,
    bank_only: bool,
) -> list[Payment]:
    """The payments of one account, in date order, given its monthly bills."""
    payer = _Payer(rng, timeline, bank_only)
    _STRATEGIES[behaviour](payer, bills)
    return payer.payments
