"""What the bot may know about the debtor it calls, read from the database before the call.

The dialogue itself never touches the database: it gets one ``DebtorContext`` (names, the
creditor and its payment details, the current real debt and what it is for) and speaks from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.column_types import utc_now
from models.entities import Account, Building, Case, Creditor, Ownership, Person
from models.ledger import account_ledger_for
from models.outreach import Attempt


@dataclass(frozen=True, slots=True)
class DebtItem:
    period: date
    service: str
    outstanding: Decimal


@dataclass(frozen=True, slots=True)
class PaymentDetails:
    bank: str = ""
    bik: str = ""
    bank_account: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.bank and self.bik and self.bank_account)


@dataclass(frozen=True, slots=True)
class DebtorContext:
    account_number: str
    # For the identity question: «Иванов Иван Петрович».
    full_name: str
    # For addressing the debtor once confirmed: «Иван Петрович».
    address_name: str
    creditor: str
    payment: PaymentDetails
    # The current real debt and the charges it is made of (DOMAIN.md: real debt).
    debt: Decimal
    items: tuple[DebtItem, ...]
    timezone: str = "Europe/Moscow"
    person_id: int | None = None

    @property
    def periods(self) -> tuple[date, ...]:
        return tuple(sorted({item.period for item in self.items}))

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.service for item in self.items))


async def context_for_account(
    session: AsyncSession, number: str, *, person_id: int | None = None, as_of: date | None = None
) -> DebtorContext:
    """The context of account ``number`` for ``person_id`` (default: its adult owner with the
    largest share, as waves choose). LookupError if there is no such account or owner."""
    account = await session.scalar(select(Account).where(Account.number == number))
    if account is None:
        raise LookupError(f"нет лицевого счёта {number}")
    if person_id is None:
        person_id = await session.scalar(
            select(Ownership.person_id)
            .where(Ownership.account_id == account.id, Ownership.is_minor.is_(False))
            .order_by((Ownership.share_numerator * 1.0 / Ownership.share_denominator).desc(),
                      Ownership.person_id)
            .limit(1))
        if person_id is None:
            raise LookupError(f"у лицевого счёта {number} нет взрослых собственников")
    return await _context(session, account, person_id, as_of)


async def context_for_attempt(
    session: AsyncSession, attempt_id: int, *, as_of: date | None = None
) -> DebtorContext:
    """The context of the debtor a call attempt is for."""
    row = (await session.execute(
        select(Account, Attempt.person_id).join(Case, Case.account_id == Account.id)
        .join(Attempt, Attempt.case_id == Case.id).where(Attempt.id == attempt_id))).one_or_none()
    if row is None:
        raise LookupError(f"нет попытки {attempt_id}")
    account, person_id = row
    if person_id is None:
        raise LookupError(f"попытка {attempt_id} не называет должника")
    return await _context(session, account, person_id, as_of)


async def _context(
    session: AsyncSession, account: Account, person_id: int, as_of: date | None
) -> DebtorContext:
    building = await session.get(Building, account.building_id)
    assert building is not None  # a foreign key
    creditor = await session.get(Creditor, building.creditor_id) if building.creditor_id else None
    if creditor is None:
        raise LookupError(f"у дома лицевого счёта {account.number} не указан кредитор")
    person = await session.get(Person, person_id)
    if person is None:
        raise LookupError(f"нет человека {person_id}")
    today = as_of or utc_now().astimezone(ZoneInfo(building.timezone)).date()
    ledger = await account_ledger_for(session, account.id, today)
    items = tuple(DebtItem(line.period, line.service, line.outstanding)
                  for line in ledger.lines if line.in_real_debt)
    address_name = " ".join(p for p in (person.first_name, person.middle_name) if p)
    return DebtorContext(
        account_number=account.number,
        full_name=person.full_name,
        address_name=address_name if person.middle_name else person.full_name,
        creditor=creditor.short_name or creditor.name,
        payment=PaymentDetails(creditor.bank_name, creditor.bik, creditor.bank_account),
        debt=ledger.real_debt,
        items=items,
        timezone=building.timezone,
        person_id=person.id,
    )
