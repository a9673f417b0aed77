"""The managers' dashboard: each chart's figures against a world seeded with known stages,
contacts, promises, a wave with a holdout and payments, on both engines."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.web.app import create_app
from backoffice.web.dashboard_figures import (
    contacts_by_day,
    debt_by_stage,
    promises_by_status,
    wave_recoveries,
)
from campaigns.waves.results import holdout_comparison
from models.entities import Case, Payment, Promise
from models.enums import CaseStatus
from models.outreach import Attempt, Wave
from models.user import Role
from tests.campaigns.world import utc
from tests.web.login import log_in_as
from tests.web.world import CASES_AS_OF, utility_with_cases, wave_with_members

# CASES_AS_OF is 15.06.2026: the chart's fortnight is 02.06–15.06.
CONTACTS = (
    # finished at (UTC), channel, outcome
    ("2026-06-14T23:30:00", "call", "answered"),
    ("2026-06-14T08:00:00", "call", "no_answer"),
    ("2026-06-14T09:00:00", "call", "no_answer"),
    ("2026-06-14T10:00:00", "sms", "delivered"),
    ("2026-06-15T00:10:00", "sms", "undelivered"),
    ("2026-06-02T00:00:00", "email", "delivered"),
    # Before the fortnight: not shown.
    ("2026-06-01T23:59:59", "call", "busy"),
)


async def seed_dashboard_world(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, Decimal]:
    """Stages, contacts, promises, a wave and payments; returns each case's current debt."""
    async with sessionmaker.begin() as session:
        cases = {case.id: case for case in await session.scalars(select(Case))}
        cases[2].stage = "robot"
        cases[3].stage = "robot"
        for number, (finished, channel, outcome) in enumerate(CONTACTS):
            session.add(Attempt(case_id=1 + number % 3, channel=channel, address="x",
                                idempotency_key=f"dash-{number}", status="done",
                                finished_at=utc(finished), outcome=outcome))
        # Queued and not finished: no contact yet.
        session.add(Attempt(case_id=1, channel="call", address="x", idempotency_key="dash-q"))
        for number, (amount, status) in enumerate(
                (("1000.00", "kept"), ("250.50", "kept"), ("700.00", "broken"), ("99.99", "open"))):
            session.add(Promise(case_id=1 + number % 3, amount=Decimal(amount),
                                pay_by=date(2026, 6, 20), status=status))
        await wave_with_members(session, "Июнь: звонки", "call", "running", "2026-06-01",
                                {1: False, 2: False, 3: True})
        # Scheduled waves have not begun: nothing to compare yet.
        await wave_with_members(session, "Будущая", "sms", "scheduled", "2026-07-01", {1: False})
        accounts = {case_id: case.account_id for case_id, case in cases.items()}
        for key, (case_id, paid_on, amount, confirmed) in enumerate((
                (1, date(2026, 6, 5), "1000.00", True), (2, date(2026, 6, 1), "234.56", True),
                (3, date(2026, 6, 10), "300.00", True),
                # Before the wave opened, and unconfirmed: not recovered by it.
                (1, date(2026, 5, 31), "50.00", True), (2, date(2026, 6, 7), "800.00", False))):
            session.add(Payment(external_id=f"dash-{key}", account_id=accounts[case_id],
                                paid_on=paid_on, amount=Decimal(amount), confirmed=confirmed))
        debts = {case_id: case.current_debt or Decimal(0) for case_id, case in cases.items()}
    return debts


@pytest.fixture
async def seeded(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                 tmp_path: Path) -> dict[int, Decimal]:
    assert await utility_with_cases(engine, tmp_path / "export") == 3
    return await seed_dashboard_world(sessionmaker)


async def test_debt_by_stage_counts_open_cases_only(
    seeded: dict[int, Decimal], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker.begin() as session:
        case = await session.get(Case, 1)
        assert case is not None
        case.status = CaseStatus.CLOSED.value
    async with sessionmaker() as session:
        rows = await debt_by_stage(session)
    assert [(row.stage, row.cases, row.debt) for row in rows] == [
        ("robot", 2, seeded[2] + seeded[3])]
    assert rows[0].debt > 0


async def test_contacts_by_day_channel_and_outcome_in_utc_days(
    seeded: dict[int, Decimal], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        if session.bind.dialect.name == "postgresql":
            # A server in a far time zone must still count days in UTC (23:30 UTC is the 15th here).
            await session.execute(text("SET TIME ZONE 'Asia/Vladivostok'"))
        rows = await contacts_by_day(session, CASES_AS_OF)
    assert [(row.day, row.channel, row.outcome, row.attempts) for row in rows] == [
        (date(2026, 6, 2), "email", "delivered", 1),
        (date(2026, 6, 14), "call", "answered", 1),
        (date(2026, 6, 14), "call", "no_answer", 2),
        (date(2026, 6, 14), "sms", "delivered", 1),
        (date(2026, 6, 15), "sms", "undelivered", 1),
    ]


async def test_promises_and_wave_recovery_against_the_holdout(
    seeded: dict[int, Decimal], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        promises = await promises_by_status(session)
        waves = await wave_recoveries(session, CASES_AS_OF)
        wave = await session.scalar(select(Wave).where(Wave.name == "Июнь: звонки"))
        assert wave is not None
        direct = await holdout_comparison(session, wave, CASES_AS_OF)
    assert [(p.status, p.promises, p.amount) for p in promises] == [
        ("kept", 2, Decimal("1250.50")), ("broken", 1, Decimal("700.00")),
        ("open", 1, Decimal("99.99"))]
    assert [row.wave.name for row in waves] == ["Июнь: звонки"]
    comparison = waves[0].comparison
    assert comparison == direct
    assert (comparison.contacted.members, comparison.contacted.recovered) == (2, Decimal("1234.56"))
    assert (comparison.holdout.members, comparison.holdout.recovered) == (1, Decimal("300.00"))
    assert comparison.contacted.per_member == Decimal("617.28")
    assert comparison.uplift == Decimal("634.56")


def _cells(html: str, marker: str) -> list[str]:
    row = re.search(rf'<tr {marker}>(.*?)</tr>', html, re.S)
    assert row, marker
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


async def test_the_dashboard_page_draws_the_figures(
    seeded: dict[int, Decimal], engine: AsyncEngine
) -> None:
    async with TestClient(TestServer(create_app(engine, today=CASES_AS_OF))) as client:
        await log_in_as(client, engine, Role.MANAGER)
        response = await client.get("/")
        html = await response.text()
    assert response.status == 200
    assert html.count('<svg class="chart"') == 3 + 3  # stages, promises, waves; three channels
    assert _cells(html, 'data-stage="robot"')[:2] == ["Звонки робота", "2"]
    assert _cells(html, 'data-status="kept"')[1:] == ["2", "1\u00a0250,50\u00a0₽"]
    wave_cells = _cells(html, 'data-wave="1"')
    assert wave_cells[2:6] == ["2", "1\u00a0234,56\u00a0₽", "1", "300,00\u00a0₽"]
    assert wave_cells[7] == "634,56\u00a0₽"
    assert 'data-channel="call" data-total="3"' in html
    # The 14.06 call column holds the answered call and both unanswered ones.
    assert re.search(r'class="column" data-label="14\.06" data-value="3"', html)
    assert 'data-label="выполнены" data-value="2"' in html
