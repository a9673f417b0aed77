"""Cases move through their plan's stages, escalate at court, and resume when a promise is judged."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.cases.advance import (
    PromiseVerdicts,
    advance_stages,
    resolve_promises,
    resume_suspended,
)
from campaigns.cases.opening import open_cases
from campaigns.plans.loader import load_default_plans
from models.entities import Account, Case, Promise

from .world import account, case_of, events, pay, utc

OPENED = utc("2026-05-15T06:00:00")
LATER = utc("2026-07-01T06:00:00")
OPENED_ON = date(2026, 5, 15)


async def opened(session: AsyncSession, number: str, *amounts: str) -> tuple[Account, Case]:
    await load_default_plans(session)
    acc = await account(session, number, *amounts)
    await session.commit()
    await open_cases(session, OPENED_ON, now=OPENED)
    return acc, await case_of(session, acc)


async def test_a_case_leaves_the_soft_stage_after_ten_days(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        acc, _ = await opened(session, "1001", "5000.00")
        assert await advance_stages(session, OPENED_ON + timedelta(days=9), LATER) == 0
        assert await advance_stages(session, OPENED_ON + timedelta(days=10), LATER) == 1
        case = await case_of(session, acc)
        assert (case.stage, case.status, case.stage_entered_at) == ("robot", "active", LATER)
        assert (await events(session, case))[1:] == [
            ("stage_changed", "Этап «Мягкие напоминания» → «Звонки робота»: "
                              "долг 5\u00a0000,00\u00a0₽")]
        # One stage per run, and the clock restarts in the new stage.
        assert await advance_stages(session, OPENED_ON + timedelta(days=20), LATER) == 0


async def test_a_debt_below_the_stage_minimum_stays(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        acc, case = await opened(session, "1001", "2000.00")
        case.stage = "notice"  # notice → restriction_warning needs 3 000 ₽
        await session.commit()
        assert await advance_stages(session, OPENED_ON + timedelta(days=30), LATER) == 0
        assert (await case_of(session, acc)).stage == "notice"


async def test_entering_court_escalates_the_case(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        acc, case = await opened(session, "1001", "5000.00")
        case.stage = "restriction_warning"
        await session.commit()
        assert await advance_stages(session, OPENED_ON + timedelta(days=20), LATER) == 1
        case = await case_of(session, acc)
        assert (case.stage, case.status, case.status_reason) == (
            "court", "escalated", "этап «Судебный приказ»")
        assert (await events(session, case))[1:] == [
            ("stage_changed", "Этап «Предупреждение об ограничении услуги» → «Судебный приказ»: "
                              "долг 5\u00a0000,00\u00a0₽"),
            ("status_changed", "Дело передано юристу: этап «Судебный приказ»"),
        ]
        # The plan still moves an escalated case on: court → enforcement after 60 days.
        later_on = LATER.date() + timedelta(days=60)
        assert await advance_stages(session, later_on, LATER + timedelta(days=60)) == 1
        case = await case_of(session, acc)
        assert (case.stage, case.status) == ("enforcement", "escalated")
        assert [kind for kind, _ in await events(session, case)][-1] == "stage_changed"


async def test_a_case_escalated_to_a_person_waits_for_them(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        acc, case = await opened(session, "1001", "5000.00")
        case.status, case.status_reason = "escalated", "просит рассрочку"
        await session.commit()
        assert await advance_stages(session, OPENED_ON + timedelta(days=30), LATER) == 0
        assert (await case_of(session, acc)).stage == "soft"


async def test_a_frozen_debt_does_not_advance(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        acc, case = await opened(session, "1001", "5000.00")
        await pay(session, acc, date(2026, 5, 20), "4500.00", confirmed=False)
        await session.commit()
        assert await advance_stages(session, OPENED_ON + timedelta(days=10), LATER) == 0
        assert (await case_of(session, acc)).stage == "soft"


async def suspended_with_promise(session: AsyncSession) -> tuple[Account, Case, Promise]:
    acc, case = await opened(session, "1001", "5000.00")
    promise = Promise(case_id=case.id, amount=Decimal("2000.00"), pay_by=date(2026, 6, 1),
                      created_at=utc("2026-05-20T09:00:00"))
    session.add(promise)
    # The outcome rules suspend a case until the promised day plus the plan's 3 grace days.
    case.status, case.status_reason = "suspended", "обещание оплаты"
    case.suspended_until = date(2026, 6, 4)
    await session.commit()
    return acc, case, promise


async def test_a_broken_promise_resumes_the_case(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        acc, case, promise = await suspended_with_promise(session)
        await pay(session, acc, date(2026, 5, 25), "1999.99")
        await session.commit()
        on_deadline = date(2026, 6, 4)
        assert await resolve_promises(session, on_deadline) == PromiseVerdicts()
        assert await resume_suspended(session, on_deadline) == 0
        after = date(2026, 6, 5)
        assert await resolve_promises(session, after) == PromiseVerdicts(broken=1)
        assert await resume_suspended(session, after) == 1
        case = await case_of(session, acc)
        assert (case.status, case.status_reason, case.suspended_until) == ("active", "", None)
        assert await session.scalar(select(Promise.status)) == "broken"
        assert (await events(session, case))[1:] == [
            ("outcome", "Обещание оплаты нарушено: обещано 2\u00a0000,00\u00a0₽ до 01.06.2026, "
                        "оплачено 1\u00a0999,99\u00a0₽"),
            ("status_changed", "Работа по делу возобновлена: приостановка до 04.06.2026 истекла"),
        ]
        # Back to work: ten days in the soft stage have long passed.
        assert await advance_stages(session, after, LATER) == 1


async def test_a_kept_promise_is_marked_kept(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        acc, case, promise = await suspended_with_promise(session)
        # Paid before the promise does not count; on the promise's day and in grace it does.
        await pay(session, acc, date(2026, 5, 19), "500.00")
        await pay(session, acc, date(2026, 5, 20), "1500.00")
        await pay(session, acc, date(2026, 6, 3), "500.00")
        await session.commit()
        after = date(2026, 6, 5)
        assert await resolve_promises(session, after) == PromiseVerdicts(kept=1)
        assert await session.scalar(select(Promise.status)) == "kept"
        case = await case_of(session, acc)
        assert (await events(session, case))[-1] == (
            "outcome", "Обещание оплаты выполнено: оплачено 2\u00a0000,00\u00a0₽ до 04.06.2026")
        # The rest of the debt is still owed: the suspension ends on time as usual.
        assert await resume_suspended(session, after) == 1
        assert (await case_of(session, acc)).status == "active"
        assert await resolve_promises(session, after) == PromiseVerdicts()


async def test_a_suspension_without_an_end_is_left_to_a_person(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        acc, case = await opened(session, "1001", "5000.00")
        case.status, case.status_reason = "suspended", "спор по начислениям"
        await session.commit()
        assert await resume_suspended(session, date(2027, 1, 1)) == 0
        assert await advance_stages(session, date(2027, 1, 1), LATER) == 0
        assert (await case_of(session, acc)).status == "suspended"
