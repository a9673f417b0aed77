"""An issued court order as later papers cite it: which order is a debtor's, when it entered into
force, and its fields (court, number, dates, the sums it awards) — for the enforcement
applications and the response to the debtor's objection."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from backoffice.legal.account_claim import AccountClaim, DebtorClaim
from backoffice.legal.courts import AreaTable, Office, OfficeMatch
from backoffice.legal.documents.fields import court_fields, order_fee
from backoffice.legal.documents.words import amount_text, whole_roubles, whole_roubles_text
from backoffice.legal.terms import objection_deadline
from models.court_filing import CourtFiling
from models.reference.production_calendar import ProductionCalendar
from models.ru_format import day, money


def debtor_orders(claim: AccountClaim, debtor: DebtorClaim) -> list[CourtFiling]:
    """The court orders against ``debtor``, oldest first: those naming one of its persons, and
    on an account with a single debtor also those naming nobody."""
    ids = {p.id for p in debtor.persons}
    single = len(claim.debtors) == 1
    return [f for f in claim.court_orders
            if f.person_id in ids or (f.person_id is None and single)]


def in_force_on(order: CourtFiling, calendar: ProductionCalendar | None = None) -> date | None:
    """The day the order entered into force: as the court stamped it, else the day after the
    10 working days to object ran out with no objection (ГПК ст. 128, 130); None when unknown."""
    if order.in_force_on is not None:
        return order.in_force_on
    if order.copy_received_on is None or order.objection_on is not None:
        return None
    return objection_deadline(order.copy_received_on, calendar) + timedelta(days=1)


def court_genitive(name: str) -> str:
    """«Судебный участок № 1 …» → «мирового судьи судебного участка № 1 …» (whose order)."""
    prefix = "Судебный участок"
    if name.startswith(prefix):
        return f"мирового судьи судебного участка{name[len(prefix):]}"
    return name


def order_court(order: CourtFiling, courts: AreaTable) -> Office | None:
    return courts.offices.get(order.court_code) if order.court_code else None


def order_missing(order: CourtFiling, courts: AreaTable) -> list[str]:
    """What the papers citing ``order`` need from it (229-ФЗ ст. 13 ч. 1 пп. 1–3)."""
    missing = []
    if not order.case_number:
        missing.append("номер дела судебного приказа")
    if order.issued_on is None:
        missing.append("дата вынесения судебного приказа")
    if not order.court_code:
        missing.append("код судебного участка, вынесшего приказ")
    elif order_court(order, courts) is None:
        missing.append(f"судебный участок {order.court_code} не найден в таблице судебных участков")
    return missing


def order_fields(order: CourtFiling, courts: AreaTable, *, halve_rounded_fee: bool,
                 entered_into_force: date | None = None) -> dict[str, Any]:
    """The order's template fields; call only after :func:`order_missing` found nothing."""
    office = order_court(order, courts)
    assert office is not None and order.issued_on is not None
    fee = order_fee(order, halve_rounded_fee)
    total = order.amount + fee
    return {
        "case_number": order.case_number,
        "issued_on": day(order.issued_on),
        "in_force_on": day(entered_into_force) if entered_into_force else "",
        "court": {**court_fields(OfficeMatch(office)), "of": court_genitive(office.name)},
        "amount": money(order.amount, currency=False),
        "amount_text": amount_text(order.amount),
        "fee": whole_roubles(fee),
        "fee_text": whole_roubles_text(fee),
        "total": money(total, currency=False),
        "total_text": amount_text(total),
    }
