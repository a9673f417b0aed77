"""What a template may say: the debtor, the account, the debt, the creditor's payment details."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Account, Building, Case, Creditor, Person, Promise
from models.ledger import account_ledger_for

# ПП РФ № 354 п. 119: a service may be restricted 20 days after the debtor is warned.
RESTRICTION_NOTICE_DAYS = 20


@dataclass(frozen=True, slots=True)
class Debtor:
    last_name: str
    first_name: str
    middle_name: str = ""

    @property
    def name(self) -> str:
        """How a letter addresses the debtor: «Иван Петрович»."""
        return " ".join(part for part in (self.first_name, self.middle_name) if part)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)


@dataclass(frozen=True, slots=True)
class AccountFacts:
    number: str
    address: str


@dataclass(frozen=True, slots=True)
class CreditorFacts:
    name: str
    short_name: str = ""
    inn: str = ""
    kpp: str = ""
    bank_name: str = ""
    bik: str = ""
    bank_account: str = ""
    corr_account: str = ""
    phone: str = ""

    @property
    def title(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True, slots=True)
class PromiseFacts:
    amount: Decimal
    pay_by: date


@dataclass(frozen=True, slots=True)
class MessageContext:
    debtor: Debtor
    account: AccountFacts
    creditor: CreditorFacts
    debt: Decimal
    as_of: date
    promise: PromiseFacts | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def restriction_from(self) -> date:
        return self.as_of + timedelta(days=RESTRICTION_NOTICE_DAYS)

    def variables(self) -> dict[str, Any]:
        return {"debtor": self.debtor, "account": self.account, "creditor": self.creditor,
                "debt": self.debt, "as_of": self.as_of, "promise": self.promise,
                "restriction_from": self.restriction_from, **self.extra}


# The longest values a real message could carry: a template that fits its segment budget with
# these fits with any debtor.
WORST_CASE = MessageContext(
    debtor=Debtor("Константинопольская", "Александра", "Константиновна"),
    account=AccountFacts("1234567890123456",
                         "Рязанская область, г. Рязань, ул. Первомайский проспект, д. 100, кв. 1000"),
    creditor=CreditorFacts(name="Общество с ограниченной ответственностью «Управляющая компания»",
                           short_name="ООО «УК Жилкомсервис»", inn="6234000014", kpp="623401001",
                           bank_name="ПАО Сбербанк", bik="044525225",
                           bank_account="40702810900000000001", corr_account="30101810400000000225",
                           phone="+7 (4912) 00-00-00"),
    debt=Decimal("9999999.99"), as_of=date(2026, 12, 31),
    promise=PromiseFacts(Decimal("9999999.99"), date(2026, 12, 31)),
)


async def load_context(session: AsyncSession, case_id: int, person_id: int | None,
                       now: datetime) -> MessageContext:
    """The context of an attempt: its case's account, debtor and creditor, today's debt.

    "Today" is the debtor's: the date in the building's time zone at ``now``.
    """
    account, building = (await session.execute(
        select(Account, Building).join(Case, Case.account_id == Account.id)
        .join(Building, Building.id == Account.building_id).where(Case.id == case_id))).one()
    as_of = now.astimezone(ZoneInfo(building.timezone)).date()
    creditor = await session.get(Creditor, building.creditor_id) if building.creditor_id else None
    person = await session.get(Person, person_id) if person_id else None
    promise = await session.scalar(
        select(Promise).where(Promise.case_id == case_id, Promise.status == "open")
        .order_by(Promise.id.desc()).limit(1))
    ledger = await account_ledger_for(session, account.id, as_of)
    address = ", ".join(part for part in (
        building.city, building.street, f"д. {building.house}",
        f"кв. {account.premises}" if account.premises else "") if part)
    return MessageContext(
        debtor=Debtor(person.last_name, person.first_name, person.middle_name) if person
        else Debtor("", "Собственник"),
        account=AccountFacts(account.number, address),
        creditor=CreditorFacts(**{f.name: getattr(creditor, f.name) for f in fields(CreditorFacts)})
        if creditor else CreditorFacts(name=""),
        debt=ledger.real_debt, as_of=as_of,
        promise=PromiseFacts(promise.amount, promise.pay_by) if promise else None,
    )
