"""The claim of one account read from the database (both engines)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.legal.account_claim import iter_account_claims, load_account_claim
from backoffice.legal.limitation import PeriodStatus
from models.entities import CourtFiling
from tests.legal import world

FILED = date(2026, 9, 1)


async def test_limitation_penalty_and_shares_with_a_minor(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        house = await world.building(session)
        acc = await world.account(session, house, "100200", "5", {
            "2023-07": "1200.00",  # due 10.08.2023: barred after 10.08.2026
            "2023-08": "1200.00",  # due 11.09.2023 (10.09 a Sunday): claimable to 11.09.2026
            "2026-03": "4000.00",
        })
        mother = await world.person(session, "M", "Петрова", "Анна", "Сергеевна")
        father = await world.person(session, "F", "Петров", "Олег", "Иванович")
        child = await world.person(session, "C", "Петров", "Илья", "Олегович", birth="2015-02-01")
        await world.owns(session, acc, mother, (1, 2))
        await world.owns(session, acc, child, (1, 2), minor_of=(mother, father))
        session.add(world.payment(acc, "2026-04-20", "1000.00", "2026-03"))
        await session.commit()

    async with sessionmaker() as session:
        claim = await load_account_claim(session, "100200", FILED)
    status = {p.period: p.status for p in claim.periods}
    assert status == {date(2023, 7, 1): PeriodStatus.TIME_BARRED,
                      date(2023, 8, 1): PeriodStatus.CLAIMABLE,
                      date(2026, 3, 1): PeriodStatus.CLAIMABLE}
    assert claim.principal == Decimal("4200.00")
    assert {r.period for r in claim.penalty.rows} == {date(2023, 8, 1), date(2026, 3, 1)}
    assert claim.problems == ()
    by_name = {d.persons[0].first_name: d for d in claim.debtors}
    # The mother owes her half and half of the child's half; the father a quarter.
    assert by_name["Анна"].debtor.share == Fraction(3, 4)
    assert [m.first_name for m in by_name["Анна"].minors] == ["Илья"]
    assert by_name["Анна"].principal == Decimal("3150.00")
    assert by_name["Олег"].principal == Decimal("1050.00")
    penalty_parts = by_name["Анна"].penalty + by_name["Олег"].penalty
    assert abs(penalty_parts - claim.penalty.penalty) <= Decimal("0.02")


async def test_a_cancelled_order_keeps_old_periods_claimable(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        house = await world.building(session)
        acc = await world.account(session, house, "100300", "7", {"2023-01": "900.00"})
        owner = await world.person(session, "O", "Сидоров", "Пётр", "Ильич")
        await world.owns(session, acc, owner)
        session.add(CourtFiling(account_id=acc.id, kind="court_order", filed_on=date(2025, 11, 1),
                                first_period=date(2023, 1, 1), last_period=date(2023, 1, 1),
                                amount=Decimal("900.00"), cancelled_on=date(2026, 2, 1)))
        await session.commit()

    async with sessionmaker() as session:
        # Due 10.02.2023, barred after 10.02.2026 without the order; filed 01.11.2025 with
        # 101 days left, cancelled 01.02.2026: extended to six months, 01.08.2026.
        on_time = await load_account_claim(session, "100300", date(2026, 8, 1))
        late = await load_account_claim(session, "100300", date(2026, 8, 2))
    assert [p.status for p in on_time.periods] == [PeriodStatus.CLAIMABLE]
    assert on_time.periods[0].claim_until == date(2026, 8, 1)
    assert [p.status for p in late.periods] == [PeriodStatus.TIME_BARRED]
    assert late.debtors[0].principal == 0


async def test_claims_of_many_accounts_in_chunks(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        house = await world.building(session)
        for n in range(5):
            acc = await world.account(session, house, f"2000{n}", str(n),
                                      {"2026-03": f"{1000 * (n + 1)}.00"})
            await world.owns(session, acc, await world.person(session, f"P{n}", "Орлов", "Иван",
                                                              "Ильич"))
        await session.commit()
    async with sessionmaker() as session:
        claims = [c async for c in iter_account_claims(
            session, ["20004", "missing", "20000", "20002"], FILED, chunk_size=2)]
        one = await load_account_claim(session, "20002", FILED)
    assert [(c.account.number, c.principal) for c in claims] == [
        ("20004", Decimal("5000.00")), ("20000", Decimal("1000.00")), ("20002", Decimal("3000.00"))]
    assert claims[2].penalty == one.penalty and claims[2].debtors[0].principal == Decimal("3000.00")
