"""Enforcing a court order that entered into force: заявление в ФССП о возбуждении
исполнительного производства (229-ФЗ ст. 30) at the bailiff department of the debtor's residence
(ст. 33), or заявление в банк presenting the order to the debtor's bank directly (ст. 8).

Both cite the order as ст. 13 describes an enforcement document (court, case number, dates, the
parties with the debtor's identifier, the sums) and give the creditor's bank account the money
goes to. A document missing any of it is refused with :class:`MissingFields`.
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from backoffice.legal.account_claim import AccountClaim, DebtorClaim
from backoffice.legal.courts import AreaTable, OfficeMatch
from backoffice.legal.documents.court_order import (
    debtor_orders,
    in_force_on,
    order_fields,
    order_missing,
)
from backoffice.legal.documents.fields import (
    MissingFields,
    creditor_fields,
    creditor_missing,
    debtor_missing,
    office_missing,
    person_fields,
    premises_address,
    residence_office,
)
from backoffice.legal.terms import objection_deadline
from models.court_filing import CourtFiling
from models.person import Person
from models.reference.production_calendar import ProductionCalendar
from models.ru_format import day


class Enforcement(StrEnum):
    FSSP = "fssp"
    BANK = "bank"


TITLES = {Enforcement.FSSP: "заявление в ФССП о возбуждении исполнительного производства",
          Enforcement.BANK: "заявление в банк о принятии судебного приказа к исполнению"}


def bank_missing(person: Person) -> list[str]:
    """ст. 8: the bank must be named; the debtor's account number is optional."""
    missing = []
    if not person.bank_name:
        missing.append(f"банк должника {person.full_name} (наименование)")
    if not person.bik:
        missing.append(f"БИК банка должника {person.full_name}")
    elif not _digits(person.bik, 9):
        missing.append(f"БИК банка должника {person.full_name}: 9 цифр, записано «{person.bik}»")
    if person.bank_account and not _digits(person.bank_account, 20):
        missing.append(f"счёт должника {person.full_name}: 20 цифр, "
                       f"записано «{person.bank_account}»")
    return missing


def _digits(value: str, count: int) -> bool:
    return value.isascii() and value.isdigit() and len(value) == count


def enforcement_fields(
    claim: AccountClaim,
    debtor: DebtorClaim,
    persons: tuple[Person, ...],
    kind: Enforcement,
    *,
    courts: AreaTable,
    bailiffs: AreaTable,
    filed_on: date,
    halve_rounded_fee: bool,
    calendar: ProductionCalendar | None = None,
) -> dict[str, Any]:
    """The fields of one enforcement application against ``persons`` (of ``debtor``); every
    missing field named in one :class:`MissingFields`."""
    label = ", ".join(p.full_name for p in persons)
    missing = creditor_missing(claim.creditor, bank=True)
    debtors = [person_fields(p, claim) for p in persons]
    missing += debtor_missing(persons, debtors)
    department = None
    if kind is Enforcement.FSSP:
        department = residence_office(persons[0], claim, bailiffs)
        missing += office_missing(department, "отдел судебных приставов")
    else:
        for person in persons:
            missing += bank_missing(person)
    orders = [o for o in debtor_orders(claim, debtor) if o.cancelled_on is None]
    order = orders[-1] if orders else None
    entered = None
    if order is None:
        missing.append(f"судебный приказ в отношении {label}, не отменённый")
    else:
        missing += order_missing(order, courts)
        entered = in_force_on(order, calendar)
        if entered is None:
            missing.append(_not_in_force(order, calendar))
        elif entered > filed_on:
            missing.append(f"судебный приказ вступает в силу только {day(entered)}")
        if order.amount <= 0:
            missing.append("сумма, взысканная судебным приказом")
    if missing:
        raise MissingFields(TITLES[kind], label, missing)
    assert claim.creditor is not None and order is not None
    return {
        "kind": kind.value,
        "today": day(filed_on),
        "creditor": creditor_fields(claim.creditor),
        "debtors": debtors,
        "debtor": debtors[0],
        "jointly": len(persons) > 1,
        "bank": {"name": persons[0].bank_name, "bik": persons[0].bik,
                 "account": persons[0].bank_account},
        "department": None if not isinstance(department, OfficeMatch) else {
            "name": department.office.name, "address": department.office.address,
            "code": department.office.code},
        "account": {"number": claim.account.number, "address": premises_address(claim)},
        "order": order_fields(order, courts, halve_rounded_fee=halve_rounded_fee,
                              entered_into_force=entered),
    }


def _not_in_force(order: CourtFiling, calendar: ProductionCalendar | None) -> str:
    if order.objection_on is not None and order.copy_received_on is not None and (
            order.objection_on <= objection_deadline(order.copy_received_on, calendar)):
        return "должник подал возражения в срок: приказ подлежит отмене, а не исполнению"
    return ("дата вступления судебного приказа в законную силу "
            "(или дата получения должником его копии)")
