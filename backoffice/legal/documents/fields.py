"""Template fields of the pack, built from a computed claim, and the check of ГПК ст. 124.

Every field a template may use is produced here and documented in docs/legal-documents.md. A
document whose required fields are missing is refused with :class:`MissingFields`, naming each
field in the lawyer's words.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from backoffice.legal.account_claim import AccountClaim, DebtorClaim
from backoffice.legal.courts import AreaTable, NoOffice, OfficeMatch
from backoffice.legal.documents.names import GrammaticalCase, full_name_in
from backoffice.legal.documents.words import amount_text, whole_roubles, whole_roubles_text
from backoffice.legal.state_fee import FeeKind, state_fee
from models.court_filing import CourtFiling
from models.identifiers import format_snils
from models.ledger.allocation import ZERO
from models.organisation import Creditor
from models.person import Person
from models.ru_format import day, money, period

TITLES = {FeeKind.COURT_ORDER: "заявление о выдаче судебного приказа",
          FeeKind.LAWSUIT: "исковое заявление"}
# ГПК ст. 23 ч. 1 п. 5: property claims up to 50 000 ₽ go to the magistrate, larger to the
# district court.
MAGISTRATE_LAWSUIT_LIMIT = Decimal(50_000)


class MissingFields(ValueError):
    """A document cannot be produced: ``fields`` are missing (or no court was found)."""

    def __init__(self, document: str, debtor: str, fields: list[str]) -> None:
        self.document, self.debtor, self.fields = document, debtor, fields
        super().__init__(
            f"{document} ({debtor}) не сформировано, не хватает: " + "; ".join(fields))


@dataclass(frozen=True, slots=True)
class PackSettings:
    filed_on: date
    halve_rounded_fee: bool = True
    # court_order: the first application; lawsuit: after the court order was cancelled.
    kind: FeeKind = FeeKind.COURT_ORDER


def order_fee(order: CourtFiling, halve_rounded: bool) -> Decimal:
    """The fee paid for a court order: as recorded, else what the scale asked."""
    if order.fee_paid is not None:
        return order.fee_paid
    return state_fee(order.amount, FeeKind.COURT_ORDER, halve_rounded=halve_rounded).fee


def month_end(period_start: date) -> date:
    return period_start.replace(day=monthrange(period_start.year, period_start.month)[1])


def share_text(share: Fraction) -> str:
    return "1" if share == 1 else f"{share.numerator}/{share.denominator}"


def identifier(person: Person) -> str:
    """The one identifier ГПК ст. 124 asks for: СНИЛС, else ИНН, else passport."""
    if person.snils:
        return f"СНИЛС {format_snils(person.snils)}"
    if person.inn:
        return f"ИНН {person.inn}"
    if person.passport:
        return f"паспорт {person.passport}"
    return ""


def court_dative(name: str) -> str:
    """«Судебный участок № 1 …» → «Мировому судье судебного участка № 1 …»."""
    prefix = "Судебный участок"
    if name.startswith(prefix):
        return f"Мировому судье судебного участка{name[len(prefix):]}"
    return f"Мировому судье: {name}"


def goes_to_district_court(kind: FeeKind, total: Decimal) -> bool:
    """A lawsuit over 50 000 ₽ is heard by the district court (ГПК ст. 23 ч. 1 п. 5, ст. 24)."""
    return kind is FeeKind.LAWSUIT and total > MAGISTRATE_LAWSUIT_LIMIT


def residence(person: Person, claim: AccountClaim) -> str:
    """The debtor's place of residence: their own address, else the flat's (ГПК ст. 28)."""
    return person.address or premises_address(claim)


def premises_address(claim: AccountClaim) -> str:
    b = claim.building
    flat = f", кв. {claim.account.premises}" if claim.account.premises else ""
    postal = f"{b.postal_code}, " if b.postal_code else ""
    return f"{postal}{b.region}, г. {b.city}, {b.street}, д. {b.house}{flat}"


def person_fields(person: Person, claim: AccountClaim) -> dict[str, Any]:
    names = (person.last_name, person.first_name, person.middle_name)
    return {
        "full_name": full_name_in(GrammaticalCase.NOMINATIVE, *names),
        "full_name_genitive": full_name_in(GrammaticalCase.GENITIVE, *names),
        "full_name_dative": full_name_in(GrammaticalCase.DATIVE, *names),
        "birth_date": day(person.birth_date) if person.birth_date else "",
        "birth_place": person.birth_place,
        "identifier": identifier(person),
        "address": residence(person, claim),
    }


def residence_office(person: Person, claim: AccountClaim, table: AreaTable
                     ) -> OfficeMatch | NoOffice:
    """The office of ``table`` serving the person's residence: their own address, else the
    flat's (ГПК ст. 28; 229-ФЗ ст. 33)."""
    if person.address:
        return table.find_text(person.address)
    b = claim.building
    return table.find_parts(b.region, b.city, b.street, b.house)


def debtor_court(debtor: DebtorClaim, claim: AccountClaim, courts: AreaTable
                 ) -> OfficeMatch | NoOffice:
    """The court of the first named debtor's residence (ГПК ст. 28, 31)."""
    return residence_office(debtor.persons[0], claim, courts)


def office_missing(found: OfficeMatch | NoOffice, what: str) -> list[str]:
    """The refusal for an address no table row serves: the lawyer resolves it, nothing guessed."""
    if isinstance(found, NoOffice):
        return [f"{what}: {found.reason} ({found.address}); адрес передан юристу"]
    return []


def creditor_missing(creditor: Creditor | None, *, bank: bool = False) -> list[str]:
    """What the creditor lacks for a court paper; with ``bank``, also the account the money is
    paid to (229-ФЗ ст. 8 ч. 2, ст. 30)."""
    if creditor is None:
        return ["взыскатель (управляющая организация здания)"]
    required = [(creditor.name, "наименование взыскателя"), (creditor.inn, "ИНН взыскателя"),
                (creditor.ogrn, "ОГРН взыскателя"), (creditor.address, "адрес взыскателя")]
    if bank:
        required += [(creditor.bank_account, "расчётный счёт взыскателя"),
                     (creditor.bank_name, "банк взыскателя"), (creditor.bik, "БИК банка взыскателя"),
                     (creditor.corr_account, "корр. счёт банка взыскателя")]
    return [name for value, name in required if not value]


def debtor_missing(persons: tuple[Person, ...], fields: list[dict[str, Any]]) -> list[str]:
    """ГПК ст. 124, 229-ФЗ ст. 13: the debtor's name and one identifier."""
    missing = []
    for person, known in zip(persons, fields, strict=True):
        if not known["identifier"]:
            missing.append(f"идентификатор должника {person.full_name} (СНИЛС, ИНН или паспорт)")
        if not person.last_name or not person.first_name:
            missing.append(f"фамилия и имя должника (лицо {person.code})")
    return missing


def creditor_fields(creditor: Creditor) -> dict[str, Any]:
    return {"name": creditor.name, "short_name": creditor.short_name or creditor.name,
            "inn": creditor.inn, "ogrn": creditor.ogrn, "kpp": creditor.kpp,
            "address": creditor.address, "phone": creditor.phone, "email": creditor.email,
            "bank": _bank(creditor), "bank_account": creditor.bank_account,
            "bank_name": creditor.bank_name, "bik": creditor.bik,
            "corr_account": creditor.corr_account}


def pack_fields(claim: AccountClaim, debtor: DebtorClaim, court: OfficeMatch | NoOffice,
                settings: PackSettings) -> dict[str, Any]:
    """Every template field of one debtor's documents; MissingFields if any required is absent."""
    label = ", ".join(p.full_name for p in debtor.persons)
    total = debtor.principal + debtor.penalty
    district = goes_to_district_court(settings.kind, total)
    missing = office_missing(court, "районный суд (иск больше 50 000 ₽)" if district else "суд")
    creditor = claim.creditor
    missing += creditor_missing(creditor)
    debtors = [person_fields(p, claim) for p in debtor.persons]
    missing += debtor_missing(debtor.persons, debtors)
    if debtor.principal <= 0:
        missing.append("сумма долга за периоды в пределах срока исковой давности")
    order = claim.cancelled_order
    lawsuit = settings.kind is FeeKind.LAWSUIT
    if lawsuit and order is None:
        missing.append("отменённый судебный приказ (иск подаётся после отмены приказа)")
    fee = None
    if not missing:
        credited = order_fee(order, settings.halve_rounded_fee) if lawsuit and order else ZERO
        try:
            fee = state_fee(total, settings.kind, credited=credited,
                            halve_rounded=settings.halve_rounded_fee)
        except ValueError as exc:
            missing.append(str(exc))
    if missing:
        raise MissingFields(TITLES[settings.kind], label, missing)
    assert creditor is not None and isinstance(court, OfficeMatch) and fee is not None

    periods = [p for p, _ in debtor.periods]
    share = debtor.debtor.share
    return {
        "kind": settings.kind.value,
        "today": day(settings.filed_on),
        "order": None if order is None else {
            "case_number": order.case_number, "filed_on": day(order.filed_on),
            "issued_on": day(order.issued_on) if order.issued_on else "",
            "cancelled_on": day(order.cancelled_on),
        },
        "court": court_fields(court, district=district),
        "creditor": creditor_fields(creditor),
        "debtors": debtors,
        "debtor": debtors[0],
        "jointly": debtor.debtor.jointly,
        "minors": [
            {**person_fields(m, claim),
             "share": share_text(next(part.share for part in debtor.debtor.parts
                                      if part.minor_id == m.id))}
            for m in debtor.minors
        ],
        "own_share": share_text(sum((p.share for p in debtor.debtor.parts
                                     if p.minor_id is None), Fraction(0))),
        "share": share_text(share),
        "account": {"number": claim.account.number, "address": premises_address(claim)},
        "claim": {
            "date_from": day(min(periods)), "date_to": day(month_end(max(periods))),
            "penalty_until": day(claim.filed_on),
            "principal": money(debtor.principal, currency=False),
            "principal_text": amount_text(debtor.principal),
            "penalty": money(debtor.penalty, currency=False),
            "penalty_text": amount_text(debtor.penalty),
            "total": money(total, currency=False),
            "total_text": amount_text(total),
            "fee": whole_roubles(fee.fee),
            "fee_text": whole_roubles_text(fee.fee),
            "fee_credited": whole_roubles(fee.credited),
            "fee_credited_text": whole_roubles_text(fee.credited),
            "fee_to_pay": whole_roubles(fee.to_pay),
            "fee_to_pay_text": whole_roubles_text(fee.to_pay),
        },
        "debt_rows": [
            {"period": period(p.period), "due_date": day(p.due_date),
             "outstanding": money(p.outstanding, currency=False),
             "share_amount": money(amount, currency=False)}
            for p, (_, amount) in zip(claim.claimable, debtor.periods, strict=True)
        ],
        "debt_total": money(claim.principal, currency=False),
        "penalty_rows": [
            {"period": period(r.period), "principal": money(r.principal, currency=False),
             "from": day(r.starts), "to": day(r.ends), "days": r.days, "fraction": r.fraction,
             "rate": f"{r.rate:.2f}".replace(".", ","), "amount": money(r.amount, currency=False),
             "note": r.note, "moratorium": bool(r.moratorium)}
            for r in claim.penalty.rows
        ],
        "penalty_total": money(claim.penalty.penalty, currency=False),
    }


def court_fields(court: OfficeMatch, *, district: bool = False) -> dict[str, Any]:
    office = court.office
    return {"name": office.name, "address": office.address, "code": office.code,
            "to": f"В {office.name}" if district else court_dative(office.name),
            "district": district}


def _bank(creditor: Creditor) -> str:
    if not creditor.bank_account:
        return ""
    return (f"р/с {creditor.bank_account} в {creditor.bank_name}, БИК {creditor.bik}, "
            f"к/с {creditor.corr_account}")
