"""The bulk reader gives, for every account, exactly what the pure function gives for its rows."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.entities import Account, Building, Charge, Creditor, Payment
from models.ledger import (
    ChargeRow,
    PaymentRow,
    PromiseFreeze,
    account_ledger_for,
    build_ledger,
    iter_account_ledgers,
)

from .rows import day, month

AS_OF = date(2025, 4, 15)


@dataclass
class Spec:
    number: str
    due_day: int | None
    charges: list[ChargeRow] = field(default_factory=list)
    payments: list[PaymentRow] = field(default_factory=list)


def hand_made() -> list[Spec]:
    return [
        # Due on the 10th: February is 36 days overdue on 15.04, March 5 days.
        Spec(
            "H-STATUTORY",
            None,
            [
                ChargeRow(month("2025-01"), "water", Decimal("200.00")),
                ChargeRow(month("2025-01"), "heating", Decimal("1000.00")),
                ChargeRow(month("2025-02"), "water", Decimal("200.00")),
                ChargeRow(month("2025-02"), "heating", Decimal("1000.00")),
                ChargeRow(month("2025-03"), "water", Decimal("200.00")),
            ],
            [
                PaymentRow(day("2025-03-05"), Decimal("1000.00"), month("2025-01"), True, "H1-1"),
                PaymentRow(day("2025-04-01"), Decimal("500.00"), None, True, "H1-2"),
            ],
        ),
        # The building's day 25: February due 25.03.2025, 21 days overdue on 15.04.
        Spec(
            "H-DAY25",
            25,
            [
                ChargeRow(month("2025-02"), "heating", Decimal("1000.00")),
                ChargeRow(month("2025-05"), "heating", Decimal("500.00")),  # after the ledger date
            ],
            [
                PaymentRow(day("2025-03-01"), Decimal("300.00"), month("2025-02"), True, "H2-1"),
                PaymentRow(day("2025-04-01"), Decimal("100.00"), None, False, "H2-2"),
                PaymentRow(day("2025-04-20"), Decimal("700.00"), None, True, "H2-3"),  # after it
            ],
        ),
        Spec("H-EMPTY", None),
        Spec(
            "H-CREDIT",
            None,
            [ChargeRow(month("2025-01"), "water", Decimal("200.00"))],
            [PaymentRow(day("2025-02-01"), Decimal("500.00"), None, True, "H4-1")],
        ),
    ]


def generated(count: int, seed: int) -> list[Spec]:
    rng = random.Random(seed)
    periods = [date(2021 + m // 12, m % 12 + 1, 1) for m in range(54)]  # 2021-01 … 2025-06
    specs = []
    for n in range(count):
        spec = Spec(f"G-{n:03}", rng.choice([None, None, 25, 5]))
        for period, service in rng.sample(
            [(p, s) for p in periods for s in ("heating", "water", "electricity")],
            rng.randint(0, 40),
        ):
            spec.charges.append(ChargeRow(period, service, Decimal(rng.randint(0, 500_000)) / 100))
        for k in range(rng.randint(0, 12)):
            paid_on = date(2021, 1, 1) + timedelta(days=rng.randint(0, 1640))
            named = rng.choice(periods) if rng.random() < 0.3 else None
            amount = Decimal(rng.randint(1, 900_000)) / 100
            spec.payments.append(
                PaymentRow(paid_on, amount, named, rng.random() < 0.85, f"G{n}-{k}")
            )
        specs.append(spec)
    return specs


async def store(session: AsyncSession, specs: list[Spec]) -> dict[str, int]:
    creditor = Creditor(inn="7701234567", name="АО «Тестовый водоканал»")
    session.add(creditor)
    await session.flush()
    buildings = {}
    for due_day in (None, 5, 25):
        building = Building(
            code=f"B-{due_day}",
            creditor_id=creditor.id,
            region="г. Москва",
            city="Москва",
            street="ул. Тестовая",
            house=str(due_day or 1),
            due_day=due_day,
        )
        session.add(building)
        buildings[due_day] = building
    await session.flush()
    accounts = {}
    for spec in specs:
        account = Account(number=spec.number, building_id=buildings[spec.due_day].id)
        session.add(account)
        accounts[spec.number] = account
    await session.flush()
    for spec in specs:
        account_id = accounts[spec.number].id
        session.add_all(
            Charge(account_id=account_id, period=c.period, service=c.service, amount=c.amount)
            for c in spec.charges
        )
        session.add_all(
            Payment(
                external_id=p.payment_id,
                account_id=account_id,
                paid_on=p.paid_on,
                amount=p.amount,
                period=p.period,
                source="bank",
                confirmed=p.confirmed,
            )
            for p in spec.payments
        )
    await session.commit()
    return {number: account.id for number, account in accounts.items()}


async def test_bulk_equals_per_account_and_hand_values(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    specs = hand_made() + generated(36, seed=2026)
    async with sessionmaker() as session:
        ids = await store(session, specs)

    async with sessionmaker() as session:
        # A small chunk makes the accounts span several chunks.
        bulk = [pair async for pair in iter_account_ledgers(session, AS_OF, chunk_size=7)]
        assert [account_id for account_id, _ in bulk] == sorted(ids.values())
        by_id = dict(bulk)
        for spec in specs:
            ledger = by_id[ids[spec.number]]
            assert ledger == build_ledger(spec.charges, spec.payments, AS_OF, due_day=spec.due_day)
            assert ledger == await account_ledger_for(session, ids[spec.number], AS_OF)
        assert [pair async for pair in iter_account_ledgers(session, AS_OF)] == bulk

    statutory = by_id[ids["H-STATUTORY"]]
    assert statutory.real_debt == Decimal("1100.00")
    assert statutory.outstanding_by_period == {
        month("2025-01"): Decimal("0.00"),
        month("2025-02"): Decimal("900.00"),
        month("2025-03"): Decimal("200.00"),
    }
    assert (statutory.max_days_overdue, statutory.oldest_unpaid_due) == (36, day("2025-03-10"))

    day25 = by_id[ids["H-DAY25"]]
    assert [
        (line.period, line.due_date, line.paid, line.outstanding, line.days_overdue)
        for line in day25.lines
    ] == [(month("2025-02"), day("2025-03-25"), Decimal("300.00"), Decimal("700.00"), 21)]
    assert day25.frozen.unconfirmed == Decimal("100.00")
    assert (day25.real_debt, day25.conditional_debt) == (Decimal("700.00"), Decimal("600.00"))

    empty = by_id[ids["H-EMPTY"]]
    assert (empty.lines, empty.real_debt, empty.credit) == ((), Decimal("0.00"), Decimal("0.00"))

    credit = by_id[ids["H-CREDIT"]]
    assert (credit.credit, credit.balance, credit.real_debt) == (
        Decimal("300.00"),
        Decimal("-300.00"),
        Decimal("0.00"),
    )
    # The generated accounts are not trivial: some carry debt, some credit, some barred lines.
    generated_ledgers = [by_id[ids[s.number]] for s in specs[4:]]
    assert sum(1 for g in generated_ledgers if g.real_debt) >= 10
    assert sum(1 for g in generated_ledgers if g.credit) >= 3
    assert any(line.time_barred and line.outstanding for g in generated_ledgers for line in g.lines)


async def test_filtered_bulk_freezes_and_missing_accounts(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        ids = await store(session, hand_made())
    statutory, day25 = ids["H-STATUTORY"], ids["H-DAY25"]
    promise = PromiseFreeze(Decimal("100.00"), day("2025-04-30"))

    async with sessionmaker() as session:
        pairs = [
            (account_id, ledger.conditional_debt)
            async for account_id, ledger in iter_account_ledgers(
                session,
                AS_OF,
                account_ids=[day25, statutory, 999_999, statutory],
                freezes={statutory: [promise]},
                chunk_size=1,
            )
        ]
        assert pairs == [(statutory, Decimal("1000.00")), (day25, Decimal("600.00"))]

        single = await account_ledger_for(session, statutory, AS_OF, freezes=[promise])
        assert (single.frozen.promised, single.conditional_debt) == (
            Decimal("100.00"),
            Decimal("1000.00"),
        )
        with pytest.raises(LookupError, match="no account 999999"):
            await account_ledger_for(session, 999_999, AS_OF)
        with pytest.raises(ValueError, match="chunk_size"):
            await anext(iter_account_ledgers(session, AS_OF, chunk_size=0))
