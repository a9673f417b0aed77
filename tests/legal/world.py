"""A creditor, a building in Рязань and accounts with owners, for the legal engine's tests."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import (
    Account,
    Building,
    Charge,
    Creditor,
    Ownership,
    OwnershipRepresentative,
    Payment,
    Person,
)


async def building(session: AsyncSession, *, street: str = "ул. Ленина", house: str = "12",
                   due_day: int | None = None, bank: bool = False) -> Building:
    # Every building of the world is the one creditor's.
    creditor = (await session.scalars(select(Creditor).where(Creditor.inn == "6234000014"))).first()
    if creditor is None:
        creditor = Creditor(inn="6234000014",
                            name="Общество с ограниченной ответственностью «УК Тест»",
                            short_name="ООО «УК Тест»", ogrn="1026200000016",
                            address="390000, г. Рязань, ул. Есенина, д. 1")
    if bank:
        creditor.bank_name, creditor.bik = "Рязанское отделение № 8606 ПАО Сбербанк", "046126614"
        creditor.bank_account, creditor.corr_account = ("40702810753000001234",
                                                        "30101810500000000614")
    session.add(creditor)
    await session.flush()
    found = Building(code=f"B-{street}-{house}", creditor_id=creditor.id,
                     region="Рязанская область", city="Рязань", street=street, house=house,
                     postal_code="390000", due_day=due_day)
    session.add(found)
    await session.flush()
    return found


async def account(session: AsyncSession, at: Building, number: str, premises: str,
                  charges: dict[str, str]) -> Account:
    acc = Account(number=number, building_id=at.id, premises=premises)
    session.add(acc)
    await session.flush()
    session.add_all(Charge(account_id=acc.id, period=date.fromisoformat(f"{p}-01"),
                           service="Содержание жилья", amount=Decimal(a))
                    for p, a in charges.items())
    return acc


def payment(acc: Account, paid_on: str, amount: str, period: str | None = None) -> Payment:
    return Payment(account_id=acc.id, external_id=f"{acc.number}-{paid_on}-{amount}",
                   paid_on=date.fromisoformat(paid_on), amount=Decimal(amount),
                   period=date.fromisoformat(f"{period}-01") if period else None)


async def person(session: AsyncSession, code: str, last: str, first: str, middle: str, *,
                 birth: str | None = "1980-05-17", snils: str = "112-233-445 95") -> Person:
    found = Person(code=code, last_name=last, first_name=first, middle_name=middle,
                   birth_date=date.fromisoformat(birth) if birth else None,
                   birth_place="г. Рязань" if birth else "", snils=snils)
    session.add(found)
    await session.flush()
    return found


async def owns(session: AsyncSession, acc: Account, who: Person, share: tuple[int, int] = (1, 1),
               *, kind: str = "shared", minor_of: tuple[Person, ...] = ()) -> Ownership:
    row = Ownership(account_id=acc.id, person_id=who.id, kind=kind, share_numerator=share[0],
                    share_denominator=share[1], is_minor=bool(minor_of))
    session.add(row)
    await session.flush()
    session.add_all(OwnershipRepresentative(ownership_id=row.id, person_id=p.id)
                    for p in minor_of)
    return row
