"""Cases open for accounts whose conditional debt meets the master plan's entry, once per account."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.cli import main as cli
from campaigns.cases import opening
from campaigns.cases.opening import OpeningReport, PlanNotAllowed, open_cases, override_plan
from campaigns.plans.loader import DEFAULT_PLANS_DIR, load_default_plans, master_plan
from models.entities import Case, Promise
from models.enums import CaseStatus
from tests.imports.files import write_utility

from .world import MARCH_DUE, account, case_of, events, load_yaml, pay, utc

NOW = utc("2026-05-15T06:00:00")
# The default plan: at least 1 000 ₽, 30 days overdue, starting 10 days after the debt forms.
DAY_30 = MARCH_DUE + timedelta(days=30)

LATE_START = """\
code: late-start
version: 1
name: Поздний старт
debtor_kind: individual
master: true
entry: {min_debt: "1000.00", min_days_overdue: 30, start_after_days: 40}
stages:
  - {code: soft, name: Мягкие напоминания}
"""

BUSINESS = """\
code: business
version: 1
name: Юридические лица
debtor_kind: business
master: true
entry: {min_debt: "10000.00", min_days_overdue: 30}
stages:
  - {code: letter, name: Претензия}
"""


async def test_a_case_opens_on_day_30_with_its_history(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        acc = await account(session, "1001", "12000.00", "345.67")
        await session.commit()
        assert await open_cases(session, DAY_30 - timedelta(days=1), now=NOW) == OpeningReport(
            below_threshold=1)
        assert await open_cases(session, DAY_30, now=NOW) == OpeningReport(opened=1)
        case = await case_of(session, acc)
        plan, _ = await master_plan(session, "individual")
        assert (case.plan_id, case.stage, case.status, case.debt_at_open) == (
            plan.id, "soft", "active", Decimal("12345.67"))
        assert case.opened_at == NOW and case.stage_entered_at == NOW
        assert await events(session, case) == [(
            "opened", "Дело открыто по плану «ЖКХ — физические лица»: "
            "долг 12\u00a0345,67\u00a0₽, просрочка 30 дней")]


async def test_below_the_minimum_debt_no_case_opens(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        await account(session, "1001", "999.99")
        await account(session, "1002", "1000.00")
        await session.commit()
        assert await open_cases(session, DAY_30 + timedelta(days=60), now=NOW) == OpeningReport(
            opened=1, below_threshold=1)
        numbers = await session.scalars(select(Case.debt_at_open))
        assert list(numbers) == [Decimal("1000.00")]


async def test_the_plan_starts_start_after_days_after_the_debt_forms(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await load_yaml(session, tmp_path, late=LATE_START)
        acc = await account(session, "1001", "5000.00")
        await session.commit()
        # 39 days overdue meets min_days_overdue (30) but not the 40-day start.
        assert await open_cases(session, date(2026, 5, 24), now=NOW) == OpeningReport(
            below_threshold=1)
        assert await open_cases(session, date(2026, 5, 25), now=NOW) == OpeningReport(opened=1)
        assert (await events(session, await case_of(session, acc)))[0][1].endswith(
            "просрочка 40 дней")


async def test_one_open_case_per_account(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        await account(session, "1001", "5000.00")
        await account(session, "1002", "7000.00")
        await session.commit()
        assert await open_cases(session, DAY_30, now=NOW) == OpeningReport(opened=2)
        assert await open_cases(session, DAY_30 + timedelta(days=5), now=NOW) == OpeningReport(
            already_open=2)
        assert await session.scalar(select(func.count()).select_from(Case)) == 2


async def test_small_chunks_open_the_same_cases(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        for number in range(7):
            await account(session, f"10{number}", "500.00" if number % 3 == 0 else "1500.00")
        await session.commit()
        report = await open_cases(session, DAY_30, now=NOW, chunk_size=2)
        assert report == OpeningReport(opened=4, below_threshold=3)


async def test_an_opener_that_lost_the_race_skips_the_account(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        first = await account(session, "1001", "5000.00")
        second = await account(session, "1002", "6000.00")
        plan, definition = await master_plan(session, "individual")
        # Another process opened a case for the first account after this one chose its candidates.
        session.add(Case(account_id=first.id, plan_id=plan.id, stage="soft",
                         debt_at_open=Decimal("5000.00")))
        await session.commit()
        candidates = [opening._NewCase(acc.id, plan.id, definition, Decimal("1.00"), 30)
                      for acc in (first, second)]
        assert await opening._insert(session, candidates, NOW) == 1
        await session.commit()
        counts = await session.execute(select(Case.account_id, func.count())
                                       .group_by(Case.account_id).order_by(Case.account_id))
        assert list(counts) == [(first.id, 1), (second.id, 1)]
        assert [kind for kind, _ in await events(session, await case_of(session, second))] == [
            "opened"]


async def test_a_promise_freezes_debt_so_no_case_opens(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        acc = await account(session, "1001", "5000.00")
        plan, _ = await master_plan(session, "individual")
        old = Case(account_id=acc.id, plan_id=plan.id, stage="soft", status="closed",
                   status_reason="закрыто вручную", debt_at_open=Decimal("5000.00"))
        session.add(old)
        await session.flush()
        session.add(Promise(case_id=old.id, amount=Decimal("4500.00"), pay_by=date(2026, 6, 1)))
        await session.commit()
        # 500 ₽ of conditional debt is below the plan's 1 000 ₽ until the promised day passes.
        assert await open_cases(session, DAY_30, now=NOW) == OpeningReport(below_threshold=1)
        assert await open_cases(session, date(2026, 6, 2), now=NOW) == OpeningReport(opened=1)
        assert (await case_of(session, acc)).debt_at_open == Decimal("5000.00")


async def test_a_reported_unconfirmed_payment_freezes_debt_too(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        acc = await account(session, "1001", "5000.00")
        await pay(session, acc, date(2026, 5, 1), "4200.00", confirmed=False)
        await session.commit()
        assert await open_cases(session, DAY_30, now=NOW) == OpeningReport(below_threshold=1)


async def test_accounts_of_a_kind_without_a_master_plan_are_counted(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        await account(session, "1001", "5000.00", debtor_kind="budget")
        await account(session, "1002", "50000.00", debtor_kind="business")
        await session.commit()
        assert await open_cases(session, DAY_30, now=NOW) == OpeningReport(no_plan=2)
        await load_yaml(session, tmp_path, business=BUSINESS)
        await session.commit()
        assert await open_cases(session, DAY_30, now=NOW) == OpeningReport(opened=1, no_plan=1)
        case = await session.scalar(select(Case))
        assert case is not None and case.stage == "letter"


async def test_a_case_may_move_to_another_plan_of_its_debtor_kind_only(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await load_default_plans(session)
        acc = await account(session, "1001", "5000.00")
        await session.commit()
        await open_cases(session, DAY_30, now=NOW)
        await load_yaml(session, tmp_path, late=LATE_START, business=BUSINESS)
        await session.commit()
        case = await case_of(session, acc)
        with pytest.raises(PlanNotAllowed, match="предназначен для должников вида «business»"):
            await override_plan(session, case, "business", "manager@utility")
        await override_plan(session, case, "late-start", "manager@utility")
        await session.commit()
        case = await case_of(session, acc)
        late, _ = await master_plan(session, "individual")
        assert (case.plan_id, case.stage, case.status) == (late.id, "soft", CaseStatus.ACTIVE.value)
        assert (await events(session, case))[-1] == (
            "manual", "План изменён: «ЖКХ — физические лица» → «Поздний старт», "
            "этап «Мягкие напоминания»")
        with pytest.raises(LookupError, match="план nothing не загружен"):
            await override_plan(session, case, "nothing", "manager@utility")


def test_cli_runs_the_day_and_prints_russian_counts(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = ["--url", database_url]
    assert cli.main(["import", str(write_utility(tmp_path / "billing")), *url]) == 0
    assert cli.main(["plans", "load", str(DEFAULT_PLANS_DIR), *url]) == 0
    capsys.readouterr()
    # 1001 owes February's 2 400 ₽ (due 16.03); 1002 owes 700 ₽; 2001's 900 ₽ is reported paid.
    assert cli.main(["cases", "open", "--as-of", "2026-05-01", *url]) == 0
    assert capsys.readouterr().out == (
        "Дела на 01.05.2026:\n"
        "  закрыто (долг погашен): 0\n"
        "  обещаний выполнено: 0, нарушено: 0\n"
        "  возобновлено после приостановки: 0\n"
        "  переведено на следующий этап: 0\n"
        "  открыто новых дел: 1\n"
        "  уже были открыты: 0\n"
        "  ниже порога плана: 2\n"
        "  без основного плана для вида должника: 0\n"
        "  обновлён долг в открытых делах: 1\n"
        "  поставлено в очередь по шагам плана: 1\n"
        "  шагов без контакта на их канале: 0\n")
    # The day's steps are queued once, however often the day is run.
    assert cli.main(["cases", "open", "--as-of", "2026-05-01", *url]) == 0
    assert "  поставлено в очередь по шагам плана: 0\n" in capsys.readouterr().out
    assert cli.main(["cases", "open", "--as-of", "2026-05-11", *url]) == 0
    out = capsys.readouterr().out
    assert "  переведено на следующий этап: 1\n" in out
    assert "  открыто новых дел: 0\n  уже были открыты: 1\n" in out
    # The robot stage's first call, the day the case enters it.
    assert "  поставлено в очередь по шагам плана: 1\n" in out
