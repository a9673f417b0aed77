"""The debtor objected to the court order: the objection recorded on the order, and the
creditor's response to it (отзыв на возражения должника).

The debtor has 10 working days from receiving the order's copy (ГПК ст. 128, ст. 107 ч. 3),
counted by the production calendar. An objection in time cancels the order (ст. 129): the
response states the creditor's position and that a lawsuit follows. A late one, without proof
that it could not be filed in time, is returned (Пленум ВС РФ № 62 of 27.12.2016, п. 33–34):
the response asks the court to refuse restoring the term.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.legal.account_claim import AccountClaim, DebtorClaim
from backoffice.legal.courts import AreaTable
from backoffice.legal.documents.court_order import debtor_orders, order_fields, order_missing
from backoffice.legal.documents.fields import (
    MissingFields,
    creditor_fields,
    creditor_missing,
    person_fields,
    premises_address,
)
from backoffice.legal.terms import OBJECTION_WORKING_DAYS, objection_deadline
from campaigns.cases.history import EventKind, record_event
from models.account import Account
from models.case import Case
from models.court_filing import COURT_ORDER, CourtFiling
from models.enums import CaseStatus
from models.person import Person
from models.reference.production_calendar import CalendarNotCovered, ProductionCalendar
from models.ru_format import day

TITLE = "отзыв на возражения должника"
MAX_TEXT = 2000


class BadObjection(ValueError):
    """The objection as given cannot be recorded (dates out of order, text too long)."""


@dataclass(frozen=True, slots=True)
class Objection:
    copy_received_on: date
    filed_on: date
    text: str = ""
    # The debtor the order is against, by person code; None: the account's only order.
    person_code: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectionTerm:
    deadline: date
    timely: bool


def write_objection(order: CourtFiling, copy_received_on: date, filed_on: date, text: str | None,
                    calendar: ProductionCalendar | None = None) -> ObjectionTerm:
    """Write an objection on ``order`` and say whether it came within the 10 working days; the
    one place that checks its dates, so the lawyer's court event and the document command agree.
    ``text`` None keeps the text already written (a court event names no text)."""
    issued = order.issued_on
    if (issued is not None and copy_received_on < issued) or filed_on < copy_received_on:
        issued_words = f"приказ вынесен {day(issued)}, " if issued is not None else ""
        raise BadObjection(f"даты не сходятся: {issued_words}копия получена {day(copy_received_on)}, "
                           f"возражения {day(filed_on)} — каждая дата не раньше предыдущей")
    if text is not None and len(text) > MAX_TEXT:
        raise BadObjection(f"текст возражений длиннее {MAX_TEXT} символов")
    try:
        deadline = objection_deadline(copy_received_on, calendar)
    except CalendarNotCovered:
        raise BadObjection(f"в производственном календаре нет {copy_received_on.year} года: срок "
                           "возражений не посчитать, добавьте год в календарь") from None
    order.copy_received_on, order.objection_on = copy_received_on, filed_on
    if text is not None:
        order.objection_text = text
    return ObjectionTerm(deadline, filed_on <= deadline)


async def record_objection(session: AsyncSession, account: str, objection: Objection,
                           calendar: ProductionCalendar | None = None) -> CourtFiling:
    """Write ``objection`` on the account's latest court order not cancelled (of the debtor
    named, if any) and note it in the open case; LookupError if there is no such order."""
    found = await session.scalar(select(Account).where(Account.number == account))
    if found is None:
        raise LookupError(f"нет лицевого счёта {account}")
    query = (select(CourtFiling).where(CourtFiling.account_id == found.id,
                                       CourtFiling.kind == COURT_ORDER,
                                       CourtFiling.cancelled_on.is_(None))
             .order_by(CourtFiling.filed_on.desc(), CourtFiling.id.desc()))
    if objection.person_code is not None:
        query = query.join(Person, Person.id == CourtFiling.person_id).where(
            Person.code == objection.person_code)
    orders = list(await session.scalars(query))
    if len({o.person_id for o in orders}) > 1:
        raise BadObjection(f"у лицевого счёта {account} приказы против нескольких должников: "
                           "укажите, кто возражает")
    order = orders[0] if orders else None
    if order is None:
        raise LookupError(f"у лицевого счёта {account} нет неотменённого судебного приказа"
                          + (f" против {objection.person_code}" if objection.person_code else ""))
    term = write_objection(order, objection.copy_received_on, objection.filed_on, objection.text,
                           calendar)
    late = not term.timely
    case = await session.scalar(select(Case).where(
        Case.account_id == found.id, Case.status != CaseStatus.CLOSED.value).limit(1))
    if case is not None:
        record_event(session, case, EventKind.MANUAL,
                     f"возражения должника на судебный приказ {order.case_number} поданы "
                     f"{day(objection.filed_on)}, срок истёк {day(term.deadline)}: "
                     + ("с пропуском срока" if late else "в срок"),
                     actor="legal", data={"court_filing": order.id, "late": late})
    await session.commit()
    return order


def objection_response_fields(
    claim: AccountClaim,
    debtor: DebtorClaim,
    *,
    courts: AreaTable,
    filed_on: date,
    halve_rounded_fee: bool,
    calendar: ProductionCalendar | None = None,
) -> dict[str, Any]:
    """The response's fields for the debtor's latest objected order; MissingFields if none."""
    label = ", ".join(p.full_name for p in debtor.persons)
    missing = creditor_missing(claim.creditor)
    objected = [o for o in debtor_orders(claim, debtor) if o.objection_on is not None]
    order = objected[-1] if objected else None
    if order is None:
        missing.append(f"возражения должника {label} на судебный приказ (не записаны)")
    else:
        missing += order_missing(order, courts)
        if order.copy_received_on is None:
            missing.append("дата получения должником копии судебного приказа")
    if missing:
        raise MissingFields(TITLE, label, missing)
    assert claim.creditor is not None and order is not None
    assert order.copy_received_on is not None and order.objection_on is not None
    deadline = objection_deadline(order.copy_received_on, calendar)
    debtors = [person_fields(p, claim) for p in debtor.persons]
    return {
        "today": day(filed_on),
        "creditor": creditor_fields(claim.creditor),
        "debtors": debtors,
        "debtor": debtors[0],
        "jointly": debtor.debtor.jointly,
        "account": {"number": claim.account.number, "address": premises_address(claim)},
        "order": order_fields(order, courts, halve_rounded_fee=halve_rounded_fee),
        "objection": {
            "copy_received_on": day(order.copy_received_on),
            "filed_on": day(order.objection_on),
            "deadline": day(deadline),
            "working_days": OBJECTION_WORKING_DAYS,
            "late": order.objection_on > deadline,
            "text": order.objection_text,
        },
    }
