"""Penalty (пени) on utility debt, ЖК ст. 155 ч. 14, as DOMAIN.md states it.

Per charge period, per payment: the money of a charge paid on date P carries penalty up to and
including P at the rate in force on P; what is still unpaid carries it up to the calculation date
at that date's rate. Day 1 is the day after the due date; days 1–30 are free, days 31–90 cost
1/300 of the rate a day, day 91 on 1/130. Moratorium days are numbered but cost nothing. Each
row is rounded to kopecks; the total is the sum of the rows.

Payments are placed on charges by the ledger (ГК ст. 319.1), so the penalty table always agrees
with the debt the same ledger shows.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from backoffice.legal.reference import ReferenceData, load_reference
from models.ledger import ChargeRow, LedgerPolicy, PaymentRow, build_ledger, kopecks
from models.ledger.allocation import ZERO

FREE_DAYS = 30
LOW_BAND_LAST_DAY = 90


@dataclass(frozen=True, slots=True)
class Band:
    first_day: int
    last_day: int | None
    denominator: int

    @property
    def fraction(self) -> str:
        return f"1/{self.denominator}"


BANDS = (Band(FREE_DAYS + 1, LOW_BAND_LAST_DAY, 300), Band(LOW_BAND_LAST_DAY + 1, None, 130))


@dataclass(frozen=True, slots=True)
class PenaltyRow:
    """One line of the penalty table attached to a court application."""

    period: date
    principal: Decimal
    starts: date
    ends: date
    days: int
    fraction: str
    rate: Decimal
    amount: Decimal
    # Why a row costs nothing (a moratorium), or why its rate is what it is (a cap).
    note: str = ""
    # The decree of the moratorium this row falls in; empty when it is charged.
    moratorium: str = ""


@dataclass(frozen=True, slots=True)
class PenaltyCalculation:
    as_of: date
    rows: tuple[PenaltyRow, ...]
    penalty: Decimal
    # Unpaid overdue principal on ``as_of`` (of the periods calculated).
    debt: Decimal
    warnings: tuple[str, ...] = field(default=())

    def penalty_by_period(self) -> dict[date, Decimal]:
        totals: dict[date, Decimal] = defaultdict(lambda: ZERO)
        for row in self.rows:
            totals[row.period] += row.amount
        return dict(totals)


@dataclass(frozen=True, slots=True)
class PenaltyPolicy:
    ledger: LedgerPolicy = field(default_factory=LedgerPolicy)
    # None: the shipped reference files, read on first use.
    reference: ReferenceData | None = None


def calculate_penalty(
    charges: Iterable[ChargeRow],
    payments: Iterable[PaymentRow],
    as_of: date,
    *,
    policy: PenaltyPolicy | None = None,
    due_day: int | None = None,
    periods: Iterable[date] | None = None,
) -> PenaltyCalculation:
    """The penalty table of one account on ``as_of``.

    ``due_day`` is the building's due-day override; ``periods`` limits the table (and the debt)
    to those charge periods, while payments are still placed over every charge given.
    """
    policy = policy or PenaltyPolicy()
    reference = policy.reference or load_reference()
    ledger = build_ledger(charges, payments, as_of, policy=policy.ledger, due_day=due_day)
    wanted = None if periods is None else frozenset(p.replace(day=1) for p in periods)

    due_dates: dict[date, date] = {}
    unpaid: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for line in ledger.lines:
        if wanted is None or line.period in wanted:
            due_dates[line.period] = line.due_date
            unpaid[line.period] += line.outstanding
    paid: dict[date, dict[date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for placement in ledger.placements:
        if placement.period in due_dates:
            paid[placement.period][placement.paid_on] += placement.amount

    rows: list[PenaltyRow] = []
    warnings: set[str] = set()
    debt = ZERO
    for period in sorted(due_dates):
        due = due_dates[period]
        tranches = sorted(paid[period].items())
        if unpaid[period] and due < as_of:
            tranches.append((as_of, unpaid[period]))
            debt += unpaid[period]
        for until, principal in tranches:
            rows.extend(_tranche_rows(period, due, until, principal, reference, warnings))
    return PenaltyCalculation(
        as_of=as_of,
        rows=tuple(rows),
        penalty=sum((row.amount for row in rows), ZERO),
        debt=debt,
        warnings=tuple(sorted(warnings)),
    )


def _tranche_rows(
    period: date,
    due: date,
    until: date,
    principal: Decimal,
    reference: ReferenceData,
    warnings: set[str],
) -> Iterable[PenaltyRow]:
    """Rows for ``principal`` of ``period`` owed from after ``due`` through ``until``."""
    rate = reference.penalty_rate(until)
    if rate.beyond_data:
        warnings.add(
            f"ключевая ставка на {until:%d.%m.%Y} не подтверждена справочником "
            f"(проверен по {reference.checked_through:%d.%m.%Y}); взята последняя известная"
        )
    rate_note = f"ставка ограничена: {rate.cap.decree}" if rate.cap else ""
    for band in BANDS:
        starts = due + timedelta(days=band.first_day)
        ends = until if band.last_day is None else min(until, due + timedelta(days=band.last_day))
        if ends < starts:
            continue
        for piece_start, piece_end, moratorium in _moratorium_pieces(
            starts, ends, period, reference
        ):
            days = (piece_end - piece_start).days + 1
            if moratorium:
                amount, note = ZERO, f"мораторий: {moratorium}"
            else:
                amount = kopecks(principal * days * rate.percent / (100 * band.denominator))
                note = rate_note
            yield PenaltyRow(period, principal, piece_start, piece_end, days, band.fraction,
                             rate.percent, amount, note, moratorium)


def _moratorium_pieces(
    starts: date, ends: date, period: date, reference: ReferenceData
) -> Iterable[tuple[date, date, str]]:
    """Split [starts, ends] where moratoriums covering ``period`` begin and end."""
    spans = sorted(
        (max(m.starts, starts), min(m.until, ends), m.decree)
        for m in reference.moratoriums
        if m.covers_period(period) and m.starts <= ends and m.until >= starts
    )
    cursor = starts
    for m_start, m_end, decree in spans:
        if cursor < m_start:
            yield cursor, m_start - timedelta(days=1), ""
        yield m_start, m_end, decree
        cursor = m_end + timedelta(days=1)
    if cursor <= ends:
        yield cursor, ends, ""
