"""Recording a court order the court issued, as the lawyer reads it off the paper: the later
documents (enforcement, the response to an objection, the lawsuit after cancellation) and
limitation are computed from these rows.

An order is keyed by account and case number: recording it again updates the one row, so a
repeated command never doubles an order (and never suspends limitation twice).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.legal.courts import AreaTable
from models.account import Account
from models.court_filing import COURT_ORDER, CourtFiling
from models.person import Person


class BadCourtOrder(ValueError):
    """The order as given cannot be recorded; the message says why, in Russian."""


@dataclass(frozen=True, slots=True)
class CourtOrderRecord:
    case_number: str
    court_code: str
    filed_on: date
    issued_on: date
    first_period: date
    last_period: date
    amount: Decimal
    fee_paid: Decimal | None = None
    copy_received_on: date | None = None
    in_force_on: date | None = None
    cancelled_on: date | None = None
    # The debtor's person code; None for an account with one debtor.
    person_code: str | None = None


def _check(order: CourtOrderRecord, courts: AreaTable) -> None:
    problems = []
    if not order.case_number.strip():
        problems.append("номер дела пуст")
    if order.court_code not in courts.offices:
        problems.append(f"судебного участка {order.court_code} нет в таблице судебных участков")
    if order.amount <= 0:
        problems.append("сумма должна быть больше нуля")
    if order.fee_paid is not None and order.fee_paid != order.fee_paid.to_integral_value():
        problems.append("госпошлина уплачивается в целых рублях")
    if order.first_period > order.last_period or order.first_period.day != 1 \
            or order.last_period.day != 1:
        problems.append("периоды: первый месяц не позже последнего")
    if order.issued_on < order.filed_on:
        problems.append("приказ не может быть вынесен раньше подачи заявления")
    for later, name in ((order.copy_received_on, "копия получена"),
                        (order.in_force_on, "вступил в силу"), (order.cancelled_on, "отменён")):
        if later is not None and later < order.issued_on:
            problems.append(f"«{name}» раньше вынесения приказа")
    if problems:
        raise BadCourtOrder("; ".join(problems))


async def record_court_order(session: AsyncSession, account: str, order: CourtOrderRecord,
                             courts: AreaTable) -> tuple[CourtFiling, bool]:
    """The account's order row, inserted or updated; True when it was new. LookupError for an
    unknown account or person, BadCourtOrder for inconsistent data."""
    _check(order, courts)
    found = await session.scalar(select(Account).where(Account.number == account))
    if found is None:
        raise LookupError(f"нет лицевого счёта {account}")
    person_id = None
    if order.person_code is not None:
        person_id = await session.scalar(select(Person.id).where(Person.code == order.person_code))
        if person_id is None:
            raise LookupError(f"нет лица с кодом {order.person_code}")
    filing = await session.scalar(select(CourtFiling).where(
        CourtFiling.account_id == found.id, CourtFiling.kind == COURT_ORDER,
        CourtFiling.case_number == order.case_number.strip()))
    new = filing is None
    if filing is None:
        filing = CourtFiling(account_id=found.id, kind=COURT_ORDER)
        session.add(filing)
    filing.case_number = order.case_number.strip()
    filing.court_code = order.court_code
    filing.filed_on, filing.issued_on = order.filed_on, order.issued_on
    filing.first_period, filing.last_period = order.first_period, order.last_period
    filing.amount, filing.fee_paid = order.amount, order.fee_paid
    filing.copy_received_on, filing.in_force_on = order.copy_received_on, order.in_force_on
    filing.cancelled_on, filing.person_id = order.cancelled_on, person_id
    await session.commit()
    return filing, new
