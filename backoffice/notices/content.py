"""What a notice of debt says: who is owed, who owes, for which flat, how much for each month."""
from __future__ import annotations

from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Account, Attempt, Building, Case, Creditor, Person
from models.ledger.bulk import iter_account_ledgers


@dataclass(frozen=True, slots=True)
class PeriodDebt:
    period: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Notice:
    attempt_id: int
    as_of: date
    creditor: Creditor | None
    debtor: str
    address: str
    account: str
    periods: tuple[PeriodDebt, ...]

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.periods), Decimal(0))


def flat_address(building: Building, premises: str) -> str:
    postal = f"{building.postal_code}, " if building.postal_code else ""
    flat = f", кв. {premises}" if premises else ""
    return f"{postal}{building.address}{flat}"


async def notices_for(session: AsyncSession, attempt_ids: Sequence[int], as_of: date
                      ) -> list[Notice]:
    """The notices of these attempts, in the order given; the debt is the ledger's real debt on
    ``as_of`` (overdue and not frozen), month by month."""
    rows = {row.Attempt.id: row for row in await session.execute(
        select(Attempt, Account, Building, Creditor, Person)
        .join(Case, Case.id == Attempt.case_id)
        .join(Account, Account.id == Case.account_id)
        .join(Building, Building.id == Account.building_id)
        .outerjoin(Creditor, Creditor.id == Building.creditor_id)
        .outerjoin(Person, Person.id == Attempt.person_id)
        .where(Attempt.id.in_(attempt_ids)))}
    debts: dict[int, tuple[PeriodDebt, ...]] = {}
    ledgers = iter_account_ledgers(session, as_of,
                                   account_ids=sorted({row.Account.id for row in rows.values()}))
    async with aclosing(ledgers):
        async for account_id, ledger in ledgers:
            by_period: dict[date, Decimal] = {}
            for line in ledger.lines:
                if line.in_real_debt and line.outstanding > 0:
                    by_period[line.period] = by_period.get(line.period, Decimal(0)) + line.outstanding
            debts[account_id] = tuple(PeriodDebt(p, a) for p, a in sorted(by_period.items()))
    return [Notice(attempt_id=row.Attempt.id, as_of=as_of, creditor=row.Creditor,
                   debtor=row.Person.full_name if row.Person else "Собственнику помещения",
                   address=flat_address(row.Building, row.Account.premises),
                   account=row.Account.number, periods=debts.get(row.Account.id, ()))
            for attempt_id in attempt_ids if (row := rows.get(attempt_id)) is not None]
