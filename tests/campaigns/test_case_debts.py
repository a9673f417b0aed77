from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.cases.debts import refresh_case_debts
from models.case import Case, Promise
from tests.campaigns.builders import debtor_case

AS_OF = date(2026, 3, 2)


async def test_open_cases_get_conditional_debt_and_days_overdue(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        _, promised = await debtor_case(session, "4001", owes=Decimal("5000.00"))
        _, plain = await debtor_case(session, "4002", phone="+79100000002", owes=Decimal("1200.50"))
        _, closed = await debtor_case(session, "4003", phone="+79100000003")
        session.add(Promise(case_id=promised.id, amount=Decimal("2000.00"), pay_by=date(2026, 3, 10)))
        await session.execute(update(Case).where(Case.id == closed.id).values(status="closed"))
    async with sessionmaker() as session:
        assert await refresh_case_debts(session, AS_OF, chunk_size=1) == 2
    async with sessionmaker() as session:
        rows = {case.id: (case.current_debt, case.days_overdue, case.debt_as_of)
                for case in (await session.execute(select(Case))).scalars()}
    # January 2025 charge, due 10.02.2025: 385 days overdue on 02.03.2026.
    assert rows[promised.id] == (Decimal("3000.00"), 385, AS_OF)
    assert rows[plain.id] == (Decimal("1200.50"), 385, AS_OF)
    assert rows[closed.id] == (None, None, None)
