"""A tiny utility for campaign tests: accounts with charges and payments, plans from YAML text."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.plans.loader import load_plans
from models.entities import Account, Building, Case, CaseEvent, Charge, Creditor, Payment

# A March-2026 charge is due on 15.04.2026 (a Wednesday): day 30 of arrears is 15.05.2026.
MARCH = date(2026, 3, 1)
MARCH_DUE = date(2026, 4, 15)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


async def account(session: AsyncSession, number: str, *charges: str,
                  debtor_kind: str = "individual") -> Account:
    """An account with a March-2026 heating charge of each amount (services numbered apart)."""
    building = await session.scalar(select(Building).where(Building.code == "B1"))
    if building is None:
        creditor = Creditor(inn="6234000014", name="ООО «УК Тест»")
        session.add(creditor)
        await session.flush()
        building = Building(code="B1", creditor_id=creditor.id, region="Рязанская область",
                            city="Рязань", street="ул. Ленина", house="10")
        session.add(building)
        await session.flush()
    acc = Account(number=number, building_id=building.id, debtor_kind=debtor_kind)
    session.add(acc)
    await session.flush()
    for index, amount in enumerate(charges):
        session.add(Charge(account_id=acc.id, period=MARCH, service=f"Отопление {index}",
                           amount=Decimal(amount)))
    await session.flush()
    return acc


async def pay(session: AsyncSession, acc: Account, paid_on: date, amount: str,
              *, confirmed: bool = True) -> None:
    session.add(Payment(external_id=f"{acc.number}-{paid_on}-{amount}", account_id=acc.id,
                        paid_on=paid_on, amount=Decimal(amount), confirmed=confirmed))
    await session.flush()


async def load_yaml(session: AsyncSession, folder: Path, **files: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    await load_plans(session, folder)


async def case_of(session: AsyncSession, acc: Account) -> Case:
    case = await session.scalar(select(Case).where(Case.account_id == acc.id)
                                .order_by(Case.id.desc()).limit(1))
    assert case is not None
    await session.refresh(case)
    return case


async def events(session: AsyncSession, case: Case) -> list[tuple[str, str]]:
    rows = await session.execute(select(CaseEvent.kind, CaseEvent.message)
                                 .where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
    return [(kind, message) for kind, message in rows]
