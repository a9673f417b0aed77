"""Once real debt is gone the case closes «ДОЛГ ПОГАШЕН» and no queued contact survives it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.cases.closing import close_if_paid, close_paid_cases
from campaigns.cases.opening import open_cases
from campaigns.plans.loader import load_default_plans
from models.entities import Account, Attempt, Case, Promise
from models.enums import AttemptStatus

from .world import account, case_of, events, pay, utc

OPENED_ON = date(2026, 5, 15)
PAID_ON = date(2026, 5, 20)
STATUSES = (AttemptStatus.QUEUED, AttemptStatus.CLAIMED, AttemptStatus.STARTED,
            AttemptStatus.DONE, AttemptStatus.QUEUED)


async def opened(session: AsyncSession, number: str, amount: str) -> tuple[Account, Case]:
    acc = await account(session, number, amount)
    await session.commit()
    await open_cases(session, OPENED_ON, now=utc("2026-05-15T06:00:00"))
    case = await case_of(session, acc)
    for index, status in enumerate(STATUSES):
        session.add(Attempt(case_id=case.id, channel="call", idempotency_key=f"{number}-{index}",
                            status=status.value))
    await session.commit()
    return acc, case


async def attempts(session: AsyncSession, case: Case) -> list[tuple[str, str]]:
    rows = await session.execute(select(Attempt.status, Attempt.note)
                                 .where(Attempt.case_id == case.id).order_by(Attempt.id))
    return [(status, note) for status, note in rows]


async def test_a_paid_case_closes_and_its_queued_attempts_are_cancelled(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        acc, case = await opened(session, "1001", "5000.00")
        session.add(Promise(case_id=case.id, amount=Decimal("5000.00"), pay_by=date(2026, 5, 25)))
        await pay(session, acc, PAID_ON, "4999.99")
        await session.commit()
        assert not await close_if_paid(session, case, PAID_ON)
        await pay(session, acc, PAID_ON, "0.01")
        await session.commit()
        assert await close_if_paid(session, case, PAID_ON)
        await session.commit()

        case = await case_of(session, acc)
        assert (case.status, case.status_reason) == ("closed", "ДОЛГ ПОГАШЕН")
        assert case.closed_at is not None
        cancelled = ("cancelled", "долг погашен, дело закрыто")
        assert await attempts(session, case) == [
            cancelled, cancelled, ("started", ""), ("done", ""), cancelled]
        assert await events(session, case) == [
            ("opened", "Дело открыто по плану «ЖКХ — физические лица»: "
                       "долг 5\u00a0000,00\u00a0₽, просрочка 30 дней"),
            ("attempt_cancelled", "отменено попыток: 3 — долг погашен, дело закрыто"),
            ("outcome", "Обещание оплаты выполнено: долг погашен"),
            ("closed", "Дело закрыто: ДОЛГ ПОГАШЕН"),
        ]
        assert await session.scalar(select(Promise.status)) == "kept"
        assert not await close_if_paid(session, case, PAID_ON)


async def test_an_unconfirmed_payment_does_not_close_the_case(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        acc, case = await opened(session, "1001", "5000.00")
        await pay(session, acc, PAID_ON, "5000.00", confirmed=False)
        await session.commit()
        assert await close_paid_cases(session, PAID_ON) == 0
        assert (await case_of(session, acc)).status == "active"
        assert [status for status, _ in await attempts(session, case)] == [
            "queued", "claimed", "started", "done", "queued"]


async def test_all_paid_cases_close_in_bulk(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        paid = []
        for number in range(5):
            acc, _ = await opened(session, f"10{number}", "2000.00")
            if number % 2 == 0:
                await pay(session, acc, PAID_ON, "2000.00")
                paid.append(acc.id)
        await session.commit()
        assert await close_paid_cases(session, PAID_ON, chunk_size=2) == 3
        closed = await session.scalars(select(Case.account_id).where(Case.status == "closed")
                                       .order_by(Case.account_id))
        assert list(closed) == paid
        left = await session.scalar(select(Attempt.id).where(
            Attempt.case_id.in_(select(Case.id).where(Case.status == "closed")),
            Attempt.status.in_(("queued", "claimed"))))
        assert left is None
        # Closed cases are not looked at again.
        assert await close_paid_cases(session, PAID_ON) == 0
